import { PAYOUT_STATES, type Payout } from '../payouts/payout';
import { decode, isNumber, named, isString, oneOf, opt, req, withoutKeys, once, type RawItem, type ShapeOf } from './codec';
import type { ItemType } from './itemType';

/** One payout order (transfer bill or cash red packet), keyed by its merchant reference (out_bill_no / mch_billno). */
export const PAYOUT_PREFIX = 'PAYOUT#';
export const payoutKey = (ref: string) => ({ pk: `${PAYOUT_PREFIX}${ref}`, sk: 'PAYOUT' });
export const isPayoutKey = (key: { pk: string; sk: string }) => key.pk.startsWith(PAYOUT_PREFIX) && key.sk === 'PAYOUT';

/** Open payouts (pending, held, with WeChat Pay) are listed through gsi1 under this key, oldest first. */
export const OPEN_PAYOUTS = 'PAYOUT#OPEN';
/** Failed and cancelled orders move to their own gsi1 partitions (newest first) so operators can list them; paid ones leave gsi1. */
export const FAILED_PAYOUTS = 'PAYOUT#FAILED';
export const CANCELLED_PAYOUTS = 'PAYOUT#CANCELLED';

const payoutShape = /* @__PURE__ */ once(
  () =>
    ({
      ref: req(isString),
      mode: req(oneOf(['transfer', 'redpack'])),
      source: opt(oneOf(['withdrawal'])),
      openid: opt(isString),
      amountFen: req(isNumber),
      campaignId: opt(isString),
      campaignName: req(isString),
      day: opt(isString),
      state: req(oneOf(PAYOUT_STATES)),
      attempts: req(isNumber),
      nextAttemptAt: opt(isNumber),
      leaseUntil: opt(isNumber),
      lastError: opt(isString),
      holdReason: opt(isString),
      transferBillNo: opt(isString),
      packageInfo: opt(isString),
      failReason: opt(isString),
      confirmSentAt: opt(isString),
      refundedAt: opt(isString),
      cancelledAt: opt(isString),
      cancelReason: opt(isString),
      retriedAs: opt(isString),
      retryOf: opt(isString),
      erasedAt: opt(isString),
      createdAt: req(isString),
      updatedAt: req(isString),
    }) satisfies ShapeOf<Payout>,
);

export function decodePayout(item: RawItem): Payout {
  return decode(withoutKeys(item), payoutShape(), named(item, 'payout order'));
}

export const payoutItemTypes = (): readonly ItemType[] => [
  {
    name: 'payout order',
    key: 'PAYOUT#<ref> / PAYOUT',
    names: ['openid'],
    example: payoutKey('R'),
    writtenBy: 'lib/redpacket/dynamoRoundStore.ts (payoutItems), lib/wallet/wallet.ts (withdraw)',
  },
];
