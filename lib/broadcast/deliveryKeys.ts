/**
 * Where a broadcast's per-member state lives. Each member's outcome in each broadcast is one
 * attribute (`B_<broadcastId>`) of the member's touch item for the local month it was sent in, so
 * one write settles the member's outcome and is also what their frequency cap and mass quota read
 * later. Counters are sharded by the member's segment shard (0–15): a broadcast sent to a crowd
 * never writes one hot item.
 */
export const counterKey = (broadcastId: string, shard: number) => ({ pk: `BCAST#${broadcastId}`, sk: `COUNT#${shard}` });
export const counterPk = (broadcastId: string) => `BCAST#${broadcastId}`;
/** The touches a member received in one local month (`YYYY-MM`). */
export const touchKey = (openid: string, month: string) => ({ pk: `MEMBER#${openid}`, sk: `TOUCH#${month}` });
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
export const earlyReportKey = (msgid: string, openid?: string) => (openid ? { pk: `MEMBER#${openid}`, sk: `EARLY#${msgid}` } : { pk: `WXMSG#${msgid}`, sk: 'EARLY' });
