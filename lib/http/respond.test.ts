import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conflict, invalidField, notFound, ok, unavailable, upstream, type Result } from '../result';
import { createdResponse, noContentResponse, respond } from './respond';

const parse = (r: { statusCode: number; headers?: Record<string, unknown>; body?: string }) => ({
  status: r.statusCode,
  headers: r.headers,
  body: r.body ? JSON.parse(r.body) : r.body,
});

test('every failure kind has its status; the body is the message plus the details', () => {
  assert.deepEqual(parse(respond(notFound('rule r1 not found'))), {
    status: 404,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: { error: 'rule r1 not found' },
  });
  assert.deepEqual(parse(respond(conflict('too many', { tags: ['a'] }))).body, { error: 'too many', tags: ['a'] });
  assert.equal(respond(conflict('x')).statusCode, 409);
  assert.deepEqual(parse(respond(invalidField('sendAt', 'in the past'))), {
    status: 400,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: { error: 'sendAt: in the past', issues: [{ path: 'sendAt', message: 'in the past' }] },
  });
  assert.equal(respond(upstream('WeChat refused')).statusCode, 502);
  assert.equal(respond({ ok: false, error: { kind: 'forbidden', message: 'no' } }).statusCode, 403);
});

test('a failure that says when to retry carries retry-after', () => {
  const r = respond({ ok: false, error: { ...unavailable('try again').error, retryAfterSeconds: 5 } });
  assert.equal(r.statusCode, 503);
  assert.equal(r.headers?.['retry-after'], '5');
});

test('a value is a 200 unless the route says otherwise', () => {
  const value: Result<{ id: string }> = ok({ id: 'r1' });
  assert.deepEqual(parse(respond(value)), { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { id: 'r1' } });
  assert.equal(respond(value, createdResponse).statusCode, 201);
  assert.deepEqual(respond(value, noContentResponse), { statusCode: 204, body: '' });
});
