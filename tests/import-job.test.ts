import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadHandlers } from './support/handlers';
import { useTestTable } from './support/testTable';

let handlers: Awaited<ReturnType<typeof loadHandlers>>;

before(async () => {
  // Anything above 100 valid rows becomes a background job in this test (2,000 by default).
  await useTestTable({ IMPORT_SYNC_MAX_ROWS: '100' });
  handlers = await loadHandlers();
});

/** Polls the job status until it is done; the job runs in this process, in the background. */
async function untilDone(jobId: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await handlers.admin('GET', `/admin/members/import/${jobId}`);
    assert.equal(status.status, 200);
    if (status.body.state === 'done') return status.body;
    if (Date.now() > deadline) throw new Error(`import job still ${status.body.state} after 120 s: ${JSON.stringify(status.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('a large import answers 202 at once with a job, finishes in the background, and a rerun is all unchanged', async () => {
  const rows: unknown[] = Array.from({ length: 1_500 }, (_, i) => ({ phone: `136${String(i).padStart(8, '0')}`, lifetimeSpendFen: i, channel: 'online-shop' }));
  rows.push({ phone: '12345', channel: 'online-shop' }, { channel: 'website' });
  const accepted = await handlers.admin('POST', '/admin/members/import', { rows });
  assert.equal(accepted.status, 202);
  assert.match(accepted.body.statusUrl, /^\/admin\/members\/import\/[0-9a-f-]{36}$/);
  assert.equal(accepted.body.chunks, 2);
  const done = await untilDone(accepted.body.jobId);
  assert.equal(done.created, 1_500);
  assert.equal(done.errorCount, 2);
  assert.deepEqual(
    done.errors.map((e: { row: number }) => e.row),
    [1501, 1502],
  );
  assert.match(done.errors[0].reason, /phone/);

  const again = await handlers.admin('POST', '/admin/members/import', { rows });
  const rerun = await untilDone(again.body.jobId);
  assert.deepEqual([rerun.created, rerun.merged, rerun.unchanged], [0, 0, 1_500]);
  assert.equal((await handlers.admin('GET', '/admin/members/import/00000000-0000-0000-0000-000000000000')).status, 404);
});
