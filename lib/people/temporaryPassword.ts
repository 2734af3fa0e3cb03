import { randomInt } from 'node:crypto';

const SETS = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnpqrstuvwxyz', '23456789', '-_.!@#%+='];

/**
 * A random password that any Cognito password policy up to 16 characters accepts: every class of
 * character (upper, lower, digit, symbol) at least once, in random order, no look-alikes (0/O, 1/l).
 */
export function randomPassword(length = 20): string {
  const all = SETS.join('');
  const chars = [...SETS.map((set) => set[randomInt(set.length)]!), ...Array.from({ length: length - SETS.length }, () => all[randomInt(all.length)]!)];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
