/** Index shards: every sharded index key ends in `#<shard>`, 0 ≤ shard < SHARDS. */
export const SHARDS = 16;

/**
 * A stable shard for an openid: FNV-1a (32 bit) of its UTF-8 bytes, mod 16. Stable across
 * processes and releases — changing it would strand every index entry already written.
 */
export function shardOf(openid: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(openid, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % SHARDS;
}
