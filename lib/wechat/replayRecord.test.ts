import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Opened } from './callback';
import { checkReplay, type QueryUse, type ReplayRecord } from './replayRecord';

const OPTS = { replayWindowSeconds: 300, timeoutMs: 50 };

function opened(plaintext: string, timestamp = '1714036504', nonce = '42'): Opened {
  return {
    ok: true,
    mode: 'plain',
    message: { kind: 'text', toUser: 'gh', openid: 'o', createTime: 1, raw: {}, msgId: '1', content: '' },
    timestamp,
    nonce,
    plaintext,
  };
}

/** The record in memory, with the same first-writer-wins rule as the DynamoDB one. */
function memoryRecord(): ReplayRecord & { kept: Map<string, { hash: string; until: number }> } {
  const kept = new Map<string, { hash: string; until: number }>();
  return {
    kept,
    async use({ timestamp, nonce }, pushHash, keepUntilS): Promise<QueryUse> {
      const k = `${timestamp}|${nonce}`;
      const old = kept.get(k);
      if (!old) {
        kept.set(k, { hash: pushHash, until: keepUntilS });
        return 'first';
      }
      return old.hash === pushHash ? 'same-push' : 'other-push';
    },
  };
}

describe('checkReplay', () => {
  test('a query used once passes; again with the same push passes (a retry); with another push → 401', async () => {
    const record = memoryRecord();
    assert.deepEqual(await checkReplay(record, opened('<xml>a</xml>'), OPTS), { ok: true, use: 'first' });
    assert.deepEqual(await checkReplay(record, opened('<xml>a</xml>'), OPTS), { ok: true, use: 'same-push' });
    const other = await checkReplay(record, opened('<xml>b</xml>'), OPTS);
    assert.equal(other.ok, false);
    assert.equal(!other.ok && other.status, 401);
    // Another nonce or timestamp is another query.
    assert.deepEqual(await checkReplay(record, opened('<xml>b</xml>', '1714036504', '43'), OPTS), { ok: true, use: 'first' });
    assert.deepEqual(await checkReplay(record, opened('<xml>b</xml>', '1714036505', '42'), OPTS), { ok: true, use: 'first' });
  });

  test('kept until just past the replay window of its timestamp', async () => {
    const record = memoryRecord();
    await checkReplay(record, opened('<xml/>', '1714036504', '7'), OPTS);
    const until = record.kept.get('1714036504|7')!.until;
    assert.ok(until >= 1714036504 + 300, 'outlives the window');
    assert.ok(until <= 1714036504 + 300 + 120, 'but not by much');
  });

  test('a record that does not answer in time: the push goes on, within the timeout, and the call is aborted', async () => {
    let aborted = false;
    const stuck: ReplayRecord = {
      use: (_q, _h, _k, signal) =>
        new Promise<QueryUse>(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
    };
    const started = performance.now();
    const r = await checkReplay(stuck, opened('<xml/>'), OPTS);
    const took = performance.now() - started;
    assert.deepEqual(r, { ok: true, use: 'unchecked' });
    assert.ok(took >= OPTS.timeoutMs - 5 && took < OPTS.timeoutMs + 500, `${took} ms`);
    assert.equal(aborted, true, 'the storage call is told to stop');
  });

  test('a record that fails (throttled, gone): the push goes on, never an error', async () => {
    const failing: ReplayRecord = { use: async () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })) };
    assert.deepEqual(await checkReplay(failing, opened('<xml/>'), OPTS), { ok: true, use: 'unchecked' });
  });
});
