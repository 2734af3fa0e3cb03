/** The wallet: a balance item and one ledger entry per change, in the member's partition. */
export const walletKey = (openid: string) => ({ pk: `MEMBER#${openid}`, sk: 'WALLET' });
export const walletEntryKey = (openid: string, at: string, ref: string) => ({ pk: `MEMBER#${openid}`, sk: `WALLET#${at}#${ref}` });
