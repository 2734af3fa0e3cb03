import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../clock/clock';
import type { Table } from '../store/dynamo';
import { rawRows } from './adminRoutes';
import { importMembers } from './importMembers';
import { MAX_ROWS } from './row';

// The checks before any row is read or written: no table is needed (one that is touched throws).
const untouchable = new Proxy({}, { get: () => assert.fail('the table was touched') }) as Table;
const ports = { table: untouchable, clock: fixedClock(0), levels: async () => [], startJob: async () => assert.fail('a job was started') };

test('no rows, or more than one call may carry, are refused before anything is read', async () => {
  assert.deepEqual(await importMembers(ports, [], 0), { ok: false, error: { kind: 'invalid', message: 'rows: no data rows' } });
  const many = await importMembers(
    ports,
    Array.from({ length: MAX_ROWS + 1 }, () => ({ phone: '13800138000' })),
    0,
  );
  assert.ok(!many.ok);
  assert.equal(many.error.kind, 'invalid');
  assert.match(many.error.message, /^rows: at most [\d,]+ per call$/);
});

test('rows come from JSON { rows } or a CSV with a phone or unionid column', () => {
  assert.deepEqual(rawRows({ rows: [{ phone: '1' }] }, 'application/json'), { ok: true, value: [{ phone: '1' }] });
  assert.deepEqual(rawRows({ people: [] }, 'application/json'), {
    ok: false,
    error: { kind: 'invalid', message: 'rows: required, an array of rows (or send text/csv)' },
  });
  assert.deepEqual(rawRows('phone,region\n13800138000,上海\n', 'text/csv'), { ok: true, value: [{ phone: '13800138000', region: '上海' }] });
  assert.deepEqual(rawRows('name\nx\n', 'text/csv'), {
    ok: false,
    error: { kind: 'invalid', message: 'csv: the header line needs a phone or unionid column' },
  });
  assert.deepEqual(rawRows('  ', 'text/csv'), { ok: false, error: { kind: 'invalid', message: '(body): empty CSV; the first line names the columns' } });
});
