/**
 * Where a broadcast's per-member state lives. Records and counters are sharded by the member's
 * segment shard (0–15), so a broadcast sent to a crowd never writes one hot partition.
 */
export const deliveryPk = (broadcastId: string, shard: number) => `BCASTTO#${broadcastId}#${shard}`;
export const counterKey = (broadcastId: string, shard: number) => ({ pk: `BCAST#${broadcastId}`, sk: `COUNT#${shard}` });
export const counterPk = (broadcastId: string) => `BCAST#${broadcastId}`;
/** The touches a member received in one local month (frequency caps, the mass quota). */
export const touchKey = (openid: string, month: string) => ({ pk: `MEMBER#${openid}`, sk: `TOUCH#${month}` });
/** From WeChat's msgid back to the send, for TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH. */
export const msgKey = (msgid: string) => ({ pk: `WXMSG#${msgid}`, sk: 'MSG' });
