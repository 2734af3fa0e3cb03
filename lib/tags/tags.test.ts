import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TAGS_PER_MEMBER, planTagChange } from './tags';
import { tagChangeSchema } from './tagSchemas';

test('planTagChange: removes, appends new tags in order, ignores duplicates and absent tags', () => {
  assert.deepEqual(planTagChange(['a', 'b'], { add: ['c', 'a', 'c'], remove: ['b', 'zzz'] }), { status: 'ok', tags: ['a', 'c'], added: ['c'], removed: ['b'] });
  assert.deepEqual(planTagChange([], { add: [], remove: ['x'] }), { status: 'ok', tags: [], added: [], removed: [] });
});

test('planTagChange: at most 20 tags, counted after removals', () => {
  const full = Array.from({ length: MAX_TAGS_PER_MEMBER }, (_, i) => `t${i}`);
  assert.deepEqual(planTagChange(full, { add: ['new'], remove: [] }), { status: 'too-many', tags: full, wouldHave: 21 });
  const swapped = planTagChange(full, { add: ['new'], remove: ['t0'] });
  assert.equal(swapped.status, 'ok');
  assert.equal(swapped.tags.length, 20);
  assert.equal(planTagChange(full, { add: ['t3'], remove: [] }).status, 'ok', 'adding a tag it has is no change');
});

test('tagChangeSchema: names are 1–32 characters, trimmed; an empty or contradictory change is a 400', () => {
  assert.deepEqual(tagChangeSchema.parse({ add: [' 吃货 '] }), { add: ['吃货'], remove: [] });
  const errors = (body: unknown) => {
    const r = tagChangeSchema.safeParse(body);
    return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };
  assert.match(errors({ add: ['x'.repeat(33)] }), /^add\.0: a tag has 1–32 characters/);
  assert.match(errors({ add: [''] }), /^add\.0:/);
  assert.match(errors({ remove: ['a\u0001'] }), /^remove\.0: a tag has no control characters/);
  assert.match(errors({}), /give tags to add or remove/);
  assert.match(errors({ add: ['a'], remove: ['a'] }), /^remove: a tag cannot be added and removed at once/);
  assert.match(errors({ add: ['a'], colour: 1 }), /colour/);
  assert.match(errors({ add: Array.from({ length: 21 }, (_, i) => `t${i}`) }), /^add:/);
});
