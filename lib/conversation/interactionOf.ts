import { sceneFromEventKey, type Interaction } from '../members/member';
import { inboundBody } from '../history/fromWeChat';
import { previewOf } from '../history/message';
import type { InboundMessage } from '../wechat/message';

/** What a push means for the member profile. */
export function interactionOf(m: InboundMessage, at: number): Interaction {
  if (m.kind !== 'event') return { kind: 'message', at, preview: previewOf(inboundBody(m)) };
  switch (m.event) {
    case 'subscribe':
      return { kind: 'event', at, event: 'subscribe', scene: sceneFromEventKey(m.eventKey), ticket: m.ticket };
    case 'unsubscribe':
      return { kind: 'event', at, event: 'unsubscribe' };
    case 'SCAN':
      return { kind: 'event', at, event: 'scan', scene: m.eventKey };
    case 'CLICK':
      return { kind: 'event', at, event: 'click' };
    default:
      return { kind: 'event', at, event: 'other' };
  }
}
