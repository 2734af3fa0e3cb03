import type { EventMessage } from '../wechat/message';
import { monthsAround } from './broadcast';
import type { DeliveryStore } from './deliveryStore';

const field = (m: EventMessage, name: string) => {
  const v = m.raw[name];
  return typeof v === 'string' ? v : undefined;
};
const count = (m: EventMessage, name: string) => Math.max(0, Number(field(m, name) ?? 0) || 0);

/**
 * WeChat's MsgIDs are 64-bit numbers; a report naming anything else (or something longer than a
 * key can hold) cannot be about a send of ours, and is ignored like any other stranger's report.
 */
const MSGID = /^[0-9A-Za-z_-]{1,64}$/;
const msgIdOf = (m: EventMessage) => {
  const v = field(m, 'MsgID');
  return v !== undefined && MSGID.test(v) ? v : undefined;
};

/**
 * WeChat reports what became of each template notice (TEMPLATESENDJOBFINISH, Status `success` or
 * `failed:user block` / `failed: system failed`) and each mass send (MASSSENDJOBFINISH with counts).
 * Each report counts once into the broadcast's `delivered` / `deliveryFailed`; reports about sends
 * that were not broadcasts (a prize notice) are ignored.
 */
export function jobReportHandlers(
  deliveries: Pick<DeliveryStore, 'recordJobFinished'>,
  timeZone: string,
): ReadonlyMap<string, (m: EventMessage, nowMs: number) => Promise<void>> {
  return new Map([
    [
      'TEMPLATESENDJOBFINISH',
      async (m: EventMessage, nowMs: number) => {
        const msgid = msgIdOf(m);
        const status = field(m, 'Status') ?? '';
        if (msgid)
          await deliveries.recordJobFinished(
            { msgid, openid: m.openid, months: monthsAround(nowMs, timeZone), ok: status === 'success' ? 1 : 0, failed: status === 'success' ? 0 : 1, status },
            nowMs,
          );
      },
    ],
    [
      'MASSSENDJOBFINISH',
      async (m: EventMessage, nowMs: number) => {
        const msgid = msgIdOf(m);
        if (msgid)
          await deliveries.recordJobFinished(
            { msgid, openid: m.openid, months: [], ok: count(m, 'SentCount'), failed: count(m, 'ErrorCount'), status: field(m, 'Status') ?? '' },
            nowMs,
          );
      },
    ],
  ]);
}
