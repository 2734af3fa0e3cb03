/**
 * A value of a plain-object lookup table by a key that came from outside (a follower's text, a
 * request body, a push): own properties only, so `constructor`, `toString` or `__proto__` never
 * reach `Object.prototype`.
 */
export function ownValue<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
