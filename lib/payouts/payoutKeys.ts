/** One payout order (transfer bill or cash red packet), keyed by its merchant reference (out_bill_no / mch_billno). */
export const payoutKey = (ref: string) => ({ pk: `PAYOUT#${ref}`, sk: 'PAYOUT' });

/** Open payouts (pending, held, with WeChat Pay) are listed through gsi1 under this key, oldest first. */
export const OPEN_PAYOUTS = 'PAYOUT#OPEN';
/** Failed and cancelled orders move to their own gsi1 partitions (newest first) so operators can list them; paid ones leave gsi1. */
export const FAILED_PAYOUTS = 'PAYOUT#FAILED';
export const CANCELLED_PAYOUTS = 'PAYOUT#CANCELLED';
