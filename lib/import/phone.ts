/**
 * A mainland China mobile number as 11 digits (`13812345678`), or undefined. Accepts the ways shops
 * and stores write it: `+86 138-1234-5678`, `0086 13812345678`, `86 13812345678`, `(138) 1234 5678`.
 */
export function normalisePhone(input: string): string | undefined {
  let digits = input.trim().replace(/[\s\-().\u3000]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : undefined;
}
