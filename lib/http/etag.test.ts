import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionalJson, etagOf } from './etag';

test('a 200 with an ETag; the same tag back (strong, weak, in a list, or *) is a 304 with no body', () => {
  const body = { conversations: [{ openid: 'o1', state: 'waiting' }] };
  const first = conditionalJson({}, body);
  assert.equal(first.statusCode, 200);
  const etag = String(first.headers?.etag);
  assert.equal(etag, etagOf(body));
  assert.deepEqual(JSON.parse(String(first.body)), body);
  for (const sent of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const again = conditionalJson({ headers: { 'if-none-match': sent } }, body);
    assert.equal(again.statusCode, 304, sent);
    assert.equal(again.body, '');
    assert.equal(again.headers?.etag, etag);
  }
  assert.equal(conditionalJson({ headers: { 'if-none-match': '"other"' } }, body).statusCode, 200);
});

test('the tag is made of the basis when one is given: numbers that tick do not change it', () => {
  const at = (waited: number) => conditionalJson({}, { waitedSeconds: waited, openid: 'o1' }, { openid: 'o1' });
  assert.equal(at(1).headers?.etag, at(2).headers?.etag);
  assert.notEqual(etagOf({ openid: 'o1' }), etagOf({ openid: 'o2' }));
});
