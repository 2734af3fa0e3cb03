/** Money is integer fen on the wire and yuan on the screen and in the forms. */
export const yuanDigits = (fen: number) => (fen / 100).toFixed(2);
export const yuan = (fen: number) => `¥${yuanDigits(fen)}`;
/** A yuan amount as typed into a field, in whole fen (NaN when it is not a number). */
export const fenOf = (typed: string) => Math.round(Number(typed) * 100);
