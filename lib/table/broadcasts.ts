import type { BroadcastRecord } from '../broadcast/broadcast';
import type { DeliveryRecord, DeliveryStore } from '../broadcast/deliveryStore';
import { blob, decode, isNumber, isObject, isString, isStringArray, ItemShapeError, req, once, type RawItem } from './codec';
import { counterSk } from './activity';
import type { ItemType } from './itemType';
import { memberPk } from './members';

/** Broadcasts: one partition (an account sends a few a day; ids sort by creation), due ones listed on gsi1. */
export const BROADCASTS_PK = 'BROADCASTS';
export const BROADCAST_DUE = 'BROADCAST#DUE';
export const broadcastKey = (id: string) => ({ pk: BROADCASTS_PK, sk: id });
export const broadcastItem = (b: BroadcastRecord) => ({
  ...broadcastKey(b.id),
  broadcast: b,
  version: b.version,
  ...(b.dueAt ? { gsi1pk: BROADCAST_DUE, gsi1sk: `${b.dueAt}#${b.id}` } : {}),
});

export function decodeBroadcast(item: RawItem): BroadcastRecord {
  return decode(item, { broadcast: req(blob<BroadcastRecord>()) }, 'broadcast').broadcast;
}

/**
 * Where a broadcast's per-member state lives. Each member's outcome in each broadcast is one
 * attribute (`B_<broadcastId>`) of the member's touch item for the local month it was sent in, so
 * one write settles the member's outcome and is also what their frequency cap and mass quota read
 * later. Counters are sharded by the member's segment shard (0–15): a broadcast sent to a crowd
 * never writes one hot item.
 */
export const broadcastCounterPk = (broadcastId: string) => `BCAST#${broadcastId}`;
export const broadcastCounterKey = (broadcastId: string, shard: number) => ({ pk: broadcastCounterPk(broadcastId), sk: counterSk(shard) });
/** The touches a member received in one local month (`YYYY-MM`). */
export const touchKey = (openid: string, month: string) => ({ pk: memberPk(openid), sk: `TOUCH#${month}` });
export const RECORD_PREFIX = 'B_';
export const recordAttribute = (broadcastId: string) => `${RECORD_PREFIX}${broadcastId}`;
/** From a mass send's msg_id back to the broadcast, for MASSSENDJOBFINISH. */
export const msgKey = (msgid: string) => ({ pk: `WXMSG#${msgid}`, sk: 'MSG' });
/**
 * A job report that arrived before the send it describes was settled (WeChat can report a small
 * send within a second; the worker settles its chunk after the last call). It waits here and the
 * settle counts it. A template notice's report names its follower, so it waits in the follower's
 * partition (erasure removes it with them); a mass send's report names no one we keep.
 */
export const earlyReportKey = (msgid: string, openid?: string) =>
  openid ? { pk: memberPk(openid), sk: `EARLY#${msgid}` } : { pk: `WXMSG#${msgid}`, sk: 'EARLY' };

/** A delivery record as stored (a sent one keeps when it was sent). */
export type StoredDeliveryRecord = DeliveryRecord & { at?: string };
const isDeliveryRecord = (v: unknown): v is StoredDeliveryRecord => isObject(v) && isString(v.state);

/** The broadcast records a touch item holds, by broadcast id. */
export function deliveryRecordsOf(item: RawItem): { broadcastId: string; attribute: string; record: StoredDeliveryRecord }[] {
  const out: { broadcastId: string; attribute: string; record: StoredDeliveryRecord }[] = [];
  for (const [attribute, value] of Object.entries(item)) {
    if (!attribute.startsWith(RECORD_PREFIX)) continue;
    if (!isDeliveryRecord(value)) throw new ItemShapeError(`touch ${String(item.pk)}/${String(item.sk)}: ${attribute} is not a delivery record`);
    out.push({ broadcastId: attribute.slice(RECORD_PREFIX.length), attribute, record: value });
  }
  return out;
}

/** A mass send's message item: which broadcast and shard it counts for. */
export function decodeMassMessage(item: RawItem): { broadcastId: string; shard: number } {
  const m = decode(item, { broadcastId: req(isString), shard: req(isNumber) }, 'mass message');
  return { broadcastId: m.broadcastId, shard: m.shard };
}

export type JobReport = Parameters<DeliveryStore['recordJobFinished']>[0];
const reportShape = /* @__PURE__ */ once(() => ({
  msgid: req(isString),
  openid: req(isString),
  months: req(isStringArray),
  ok: req(isNumber),
  failed: req(isNumber),
  status: req(isString),
}));

/** The job report an early-report item holds. */
export function decodeEarlyReport(item: RawItem): JobReport {
  const { report } = decode(item, { report: req(isObject) }, 'early report');
  return decode(report, reportShape(), 'early report');
}

export const broadcastItemTypes = (): readonly ItemType[] => [
  { name: 'broadcast', key: 'BROADCASTS / <id>', names: [], example: broadcastKey('b'), writtenBy: 'lib/broadcast/broadcastStore.ts' },
  {
    name: 'broadcast counter',
    key: 'BCAST#<id> / COUNT#<shard>',
    names: [],
    example: broadcastCounterKey('b', 0),
    writtenBy: 'lib/broadcast/dynamoDeliveryStore.ts',
  },
  {
    name: 'touch',
    key: 'MEMBER#<openid> / TOUCH#<month>',
    names: ['openid'],
    example: touchKey('o', '2026-01'),
    writtenBy: 'lib/broadcast/dynamoDeliveryStore.ts (broadcasts received per month)',
  },
  { name: 'mass message', key: 'WXMSG#<msgid> / MSG', names: [], example: msgKey('m'), writtenBy: 'lib/broadcast/dynamoDeliveryStore.ts' },
  {
    name: "a template notice's early job report",
    key: 'MEMBER#<openid> / EARLY#<msgid>',
    names: ['openid'],
    example: earlyReportKey('m', 'o'),
    writtenBy: "lib/broadcast/dynamoDeliveryStore.ts (a template notice's early job report)",
  },
  {
    name: "a mass send's early job report",
    key: 'WXMSG#<msgid> / EARLY',
    names: [],
    example: earlyReportKey('m'),
    writtenBy: "lib/broadcast/dynamoDeliveryStore.ts (its openid is '')",
  },
];
