import { randomBytes } from 'node:crypto';

/** 32 symbols, no 0/O or 1/I: easy to read aloud and type at the till. 32 = 2⁵, so no modulo bias. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const CODE_LENGTH = 12; // 60 random bits
export const COUPON_CODE = /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

const group = (raw: string) => `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;

/** A fresh code such as `K7QM-4TZX-9HCB` (unguessable: from the system CSPRNG). */
export function newCouponCode(random: (n: number) => Uint8Array = randomBytes): string {
  const bytes = random(CODE_LENGTH);
  let raw = '';
  for (let i = 0; i < CODE_LENGTH; i++) raw += CODE_ALPHABET[bytes[i]! & 31];
  return group(raw);
}

/** What a cashier typed, in canonical form (upper case, grouped), or undefined if it cannot be a code. */
export function normalizeCouponCode(typed: string): string | undefined {
  const raw = typed.toUpperCase().replace(/[\s-]/g, '');
  if (raw.length !== CODE_LENGTH) return undefined;
  const code = group(raw);
  return COUPON_CODE.test(code) ? code : undefined;
}
