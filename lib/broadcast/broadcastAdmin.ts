import type { ApprovalMark } from '../approvals/approval';
import type { Clock } from '../clock/clock';
import type { Principal } from '../identity/roles';
import type { Segment } from '../segments/segment';
import type { ConfigDocument } from '../store/configDocument';
import type { BroadcastRecord } from './broadcast';
import type { BroadcastStore } from './broadcastStore';
import type { DeliveryStore } from './deliveryStore';
import type { PreviewPorts } from './previewBroadcast';
import { progressOf, statusOf } from './progress';
import type { SendPolicy } from './sendChunk';

/** What marketers' broadcast use cases need. */
export interface BroadcastAdminPorts extends PreviewPorts {
  broadcasts: BroadcastStore;
  deliveries: Pick<DeliveryStore, 'counters'>;
  policy: ConfigDocument<SendPolicy>;
  clock: Clock;
  timeZone: string;
  /** Whether a new broadcast waits for approval (its audience above the threshold): the mark to save it with. */
  review?: (broadcastId: string, segment: Segment, requester: Principal) => Promise<ApprovalMark | undefined>;
}

/** A broadcast as marketers see it: the record, how far it got, where it stands now. */
export async function broadcastView(ports: Pick<BroadcastAdminPorts, 'deliveries' | 'clock'>, b: BroadcastRecord) {
  const progress = progressOf(b, await ports.deliveries.counters(b.id));
  return { ...b, status: statusOf(b, progress, ports.clock.now()), progress };
}

export type BroadcastView = Awaited<ReturnType<typeof broadcastView>>;
