/** Fen as yuan with two decimals, as followers read money: 137 → "1.37". */
export const yuan = (fen: number) => (fen / 100).toFixed(2);
