/**
 * Measures an import against DynamoDB Local (not a test: it takes minutes at full size).
 *   node --import tsx bench/importRate.ts [rows=100000]
 * Starts its own in-memory DynamoDB Local unless DYNAMODB_ENDPOINT is set.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_LEVELS } from '../lib/levels/levels';
import { createTable } from '../lib/store/dynamo';
import { ensureTable } from '../lib/store/ensureTable';
import { importRows } from '../lib/import/importRows';
import type { ImportRow } from '../lib/import/row';

const n = Number(process.argv[2] ?? 100_000);
process.env.AWS_REGION ??= 'us-east-1';
// @ts-expect-error: a plain .mjs helper without types
const { startDynamoLocal } = (await import('../scripts/dynamo-local.mjs')) as {
  startDynamoLocal(o: { inMemory: boolean }): Promise<{ endpoint: string; stop(): Promise<void> }>;
};
const local = process.env.DYNAMODB_ENDPOINT ? undefined : await startDynamoLocal({ inMemory: true });
const endpoint = process.env.DYNAMODB_ENDPOINT ?? local!.endpoint;
const name = `measure-${randomUUID()}`;
await ensureTable(endpoint, name);
const table = createTable(name, endpoint);
const rows: ImportRow[] = Array.from({ length: n }, (_, i) => ({
  row: i + 1,
  phone: `13${String(i).padStart(9, '0')}`,
  ...(i % 2 ? { unionid: `u_${i}` } : {}),
  spendFen: i,
  channel: 'online-shop',
}));
for (const pass of ['first import', 'same file again']) {
  const t0 = performance.now();
  const counts = await importRows({ table, levels: DEFAULT_LEVELS, nowMs: Date.now() }, rows);
  const s = (performance.now() - t0) / 1000;
  console.log(`${pass}: ${n} rows in ${s.toFixed(1)} s (${Math.round(n / s)} rows/s)`, { ...counts, errors: counts.errors.length });
}
await local?.stop();
