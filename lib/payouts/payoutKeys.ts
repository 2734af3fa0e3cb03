/** One payout order (transfer bill or cash red packet), keyed by its merchant reference (out_bill_no / mch_billno). */
export const payoutKey = (ref: string) => ({ pk: `PAYOUT#${ref}`, sk: 'PAYOUT' });

/** Open payouts are listed through gsi1 under this key (sparse: removed once final). */
export const OPEN_PAYOUTS = 'PAYOUT#OPEN';
