import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentDeadline, deadlineAfter, deadlineAt, DeadlineExceeded, isDeadlineExceeded, outsideDeadline, pauseWithin, within } from './deadline';
import { boundByDeadline, retryWithinDeadline } from './sdkClients';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("within: the work's result before the deadline; DeadlineExceeded at the deadline, without waiting for the work", async () => {
  assert.equal(await within(deadlineAfter(1000), async () => 42), 42);
  const started = Date.now();
  await assert.rejects(
    within(deadlineAfter(80), () => sleep(2000).then(() => 'late')),
    DeadlineExceeded,
  );
  const took = Date.now() - started;
  assert.ok(took >= 70 && took < 1000, `settled at the deadline (${took} ms)`);
  await assert.rejects(
    within(deadlineAt(Date.now() - 1), async () => 'never'),
    DeadlineExceeded,
    'a passed deadline runs nothing',
  );
  await assert.rejects(
    within(deadlineAfter(1000), async () => Promise.reject(new Error('own failure'))),
    /own failure/,
  );
});

test("the ambient deadline is the innermost within's, and none outside it or in outsideDeadline", async () => {
  assert.equal(currentDeadline(), undefined);
  const outer = deadlineAfter(5000);
  const inner = outer.less(1000);
  await within(outer, async () => {
    assert.equal(currentDeadline(), outer);
    await within(inner, async () => {
      await sleep(1);
      assert.equal(currentDeadline(), inner, 'kept across awaits');
      assert.equal(
        outsideDeadline(() => currentDeadline()),
        undefined,
      );
    });
  });
  assert.equal(inner.atMs, outer.atMs - 1000);
});

test('the signal aborts at the deadline with a DeadlineExceeded reason', async () => {
  const d = deadlineAfter(30);
  assert.equal(d.signal.aborted, false);
  await sleep(60);
  assert.equal(d.expired(), true);
  assert.equal(d.remainingMs(), 0);
  assert.equal(d.signal.aborted, true);
  assert.ok(isDeadlineExceeded(d.signal.reason));
  // The SDK wraps the reason as the cause of its AbortError.
  assert.ok(isDeadlineExceeded(Object.assign(new Error('Request aborted'), { name: 'AbortError', cause: d.signal.reason })));
  assert.equal(isDeadlineExceeded(Object.assign(new Error('x'), { name: 'ProvisionedThroughputExceededException' })), false);
});

test('pauseWithin: cut short to leave what the next try needs; false when not even that is left', async () => {
  const d = deadlineAfter(300);
  const started = Date.now();
  assert.equal(await pauseWithin(d, 10_000, 100), true);
  const took = Date.now() - started;
  assert.ok(took >= 150 && took < 290, `paused until 100 ms were left (${took} ms)`);
  assert.equal(await pauseWithin(d, 50, 100), false);
  assert.equal(await pauseWithin(undefined, 5), true, 'no deadline: the whole pause');
});

const info = (errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR') => ({ errorType });

test('SDK retries: throttles and transient errors only, at most maxAttempts, with capped backoff', async () => {
  const s = retryWithinDeadline({ maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 150, minAttemptMs: 100 }, () => 0.999);
  const first = await s.acquireInitialRetryToken('');
  const second = await s.refreshRetryTokenForRetry(first, info('THROTTLING'));
  assert.equal(second.getRetryCount(), 1);
  assert.equal(second.getRetryDelay(), 99);
  const third = await s.refreshRetryTokenForRetry(second, info('TRANSIENT'));
  assert.equal(third.getRetryDelay(), 149, 'capped');
  await assert.rejects(s.refreshRetryTokenForRetry(third, info('THROTTLING')), /attempts/);
  await assert.rejects(s.refreshRetryTokenForRetry(first, info('CLIENT_ERROR')), /not retryable/);
  await assert.rejects(s.refreshRetryTokenForRetry(first, info('SERVER_ERROR')), /not retryable/);
});

test('SDK retries never outlive the deadline: none when the backoff and one more attempt do not fit', async () => {
  const s = retryWithinDeadline({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, minAttemptMs: 150 }, () => 0.5);
  const first = await s.acquireInitialRetryToken('');
  // A 100 ms backoff and a 150 ms attempt fit in 400 ms, not in 200 ms.
  assert.equal((await within(deadlineAfter(400), () => s.refreshRetryTokenForRetry(first, info('THROTTLING')))).getRetryDelay(), 100);
  await assert.rejects(
    within(deadlineAfter(200), () => s.refreshRetryTokenForRetry(first, info('THROTTLING'))),
    /deadline is too close/,
  );
  assert.equal((await s.refreshRetryTokenForRetry(first, info('THROTTLING'))).getRetryDelay(), 100, 'outside a deadline, the policy alone');
});

test("a bounded SDK client sends with the ambient deadline's signal and a per-attempt timeout, and leaves calls outside a deadline alone", async () => {
  const seen: ({ abortSignal?: AbortSignal; requestTimeout?: number } | undefined)[] = [];
  const client = boundByDeadline(
    { send: async (_command: never, options?: { abortSignal?: AbortSignal; requestTimeout?: number }) => void seen.push(options) },
    { attemptTimeoutMs: 700 },
  );
  await client.send(undefined as never);
  const d = deadlineAfter(2000);
  await within(d, () => client.send(undefined as never));
  const own = new AbortController();
  await within(deadlineAfter(300), () => client.send(undefined as never, { abortSignal: own.signal }));
  assert.equal(seen[0], undefined);
  assert.equal(seen[1]!.abortSignal, d.signal);
  assert.equal(seen[1]!.requestTimeout, 700);
  assert.ok(seen[2]!.requestTimeout! <= 300, 'never past the deadline');
  own.abort();
  assert.equal(seen[2]!.abortSignal!.aborted, true, "the caller's own signal still aborts");
});
