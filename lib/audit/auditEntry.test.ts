import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bounded, diffOf, erasedEntry, kindOf, openidsIn, outlineOf, redactSecrets, type AuditEntry } from './auditEntry';

test('the kind comes from the route: literal segments after /admin, then the method', () => {
  assert.equal(kindOf('PUT', '/admin/levels'), 'levels.put');
  assert.equal(kindOf('POST', '/admin/campaigns/{id}/pause'), 'campaigns.pause.post');
  assert.equal(kindOf('DELETE', '/admin/members/{openid}'), 'members.delete');
});

test('secrets are redacted at any depth, other values kept', () => {
  assert.deepEqual(redactSecrets({ a: 1, password: 'p', list: [{ refreshToken: 't', ok: 'x' }], appSecret: 's', idempotencyKey: 'k' }), {
    a: 1,
    password: '[redacted]',
    list: [{ refreshToken: '[redacted]', ok: 'x' }],
    appSecret: '[redacted]',
    idempotencyKey: 'k',
  });
});

test('a part too long is replaced by its size and start', () => {
  assert.deepEqual(bounded({ a: 1 }), { value: { a: 1 }, cut: false });
  const big = bounded({ s: 'x'.repeat(100) }, 40);
  assert.equal(big.cut, true);
  assert.deepEqual(big.value, { truncated: true, chars: 108, start: '{"s":"xxxx' });
});

test('the diff lists changed leaves, added and removed ones', () => {
  assert.deepEqual(diffOf({ a: 1, b: { c: 2, d: [1] }, gone: true }, { a: 1, b: { c: 3, d: [1, 2] }, new: 'n' }), [
    { path: 'b.c', before: 2, after: 3 },
    { path: 'b.d', before: [1], after: [1, 2] },
    { path: 'gone', before: true },
    { path: 'new', after: 'n' },
  ]);
  assert.deepEqual(diffOf(1, 2), [{ path: '(whole)', before: 1, after: 2 }]);
});

test('the members an entry names: the openid parameter and openid/openids fields', () => {
  assert.deepEqual(openidsIn({ openid: 'o1' }, [{ rows: [{ openid: 'o2' }] }, { openids: ['o3', 'o1'] }, undefined]), ['o1', 'o2', 'o3']);
  assert.deepEqual(openidsIn({ id: 'x' }, [{ note: 'openid' }]), []);
  assert.deepEqual(openidsIn({}, [{ openid: 'o'.repeat(129), openids: ['', 'o'.repeat(3000), 'ok'] }]), ['ok'], 'too long to be an openid (or a key)');
});

test('an outline keeps counts and ids, not rows', () => {
  assert.deepEqual(outlineOf({ jobId: 'j1', state: 'queued', rows: 3, errors: [{ phone: '138' }], note: '138' }), { jobId: 'j1', state: 'queued', rows: 3 });
});

test('an erased entry keeps who did what; the member and the bodies go', () => {
  const entry: AuditEntry = {
    id: 'e',
    at: '2026-01-01T00:00:00.000Z',
    actor: { username: 'alice', sub: 'a', roles: ['operator'], via: 'account' },
    kind: 'members.tags.put',
    method: 'PUT',
    path: '/admin/members/o%2B1/tags',
    route: '/admin/members/{openid}/tags',
    params: { openid: 'o+1' },
    requestId: 'r',
    status: 200,
    outcome: 'done',
    request: { add: ['vip'] },
    before: { nickname: 'n' },
    after: { nickname: 'm' },
    diff: [{ path: 'nickname', before: 'n', after: 'm' }],
  };
  const erased = erasedEntry(entry, 'o+1', '2026-02-01T00:00:00.000Z');
  assert.deepEqual(erased, {
    ...entry,
    path: '/admin/members/[erased member]/tags',
    params: { openid: '[erased member]' },
    request: '[erased with the member]',
    before: '[erased with the member]',
    after: '[erased with the member]',
    diff: [{ path: 'nickname' }],
    erasedAt: '2026-02-01T00:00:00.000Z',
  });
});
