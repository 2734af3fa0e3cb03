import { shardOf } from '../segments/shard';

/**
 * Service events that re-engagement rules turn into notices, indexed by time on gsi1 (sharded like
 * the segment indexes): a coupon's expiry, a pending level-change notice, a wallet's last credit,
 * a sign-in. The index attributes sit on the items that already exist for these events, so
 * recording an event costs no extra write.
 */
export type ServiceEventKind = 'COUPONEXP' | 'LEVELNOTICE' | 'WALLETCREDIT' | 'SIGNIN';

export const serviceEventPk = (kind: ServiceEventKind, shard: number) => `${kind}#${shard}`;

export function serviceEventIndex(kind: ServiceEventKind, openid: string, atIso: string): { gsi1pk: string; gsi1sk: string } {
  return { gsi1pk: serviceEventPk(kind, shardOf(openid)), gsi1sk: `${atIso}#${openid}` };
}
