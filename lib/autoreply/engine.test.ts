import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileRules, findTextReply, findWelcome } from './engine';
import { ruleInputSchema, type Rule } from './rule';
import { fillPlaceholders } from './placeholders';
import { fillFacts } from '../reengage/rule';

const rule = (id: string, input: unknown): Rule => ({ ...ruleInputSchema.parse(input), id, updatedAt: '2026-01-01T00:00:00Z' });
const text = (content: string) => ({ type: 'text', content });
// 2026-11-23 12:00 in Shanghai is 04:00 UTC.
const noonShanghai = Date.parse('2026-11-23T04:00:00Z');
const at = (nowMs: number) => ({ nowMs, timeZone: 'Asia/Shanghai' });

test('exact, contains and regex, case-insensitive by default', () => {
  const rules = compileRules([
    rule('e', { match: { type: 'exact', pattern: 'Hi' }, reply: text('exact') }),
    rule('c', { match: { type: 'contains', pattern: 'Price' }, reply: text('contains') }),
    rule('r', { match: { type: 'regex', pattern: '^order\\s*#?\\d{4,}$' }, reply: text('regex') }),
    rule('cs', { match: { type: 'exact', pattern: 'VIP', caseSensitive: true }, reply: text('case') }),
  ]);
  assert.equal(findTextReply(rules, ' hi ', at(noonShanghai))?.rule.id, 'e');
  assert.equal(findTextReply(rules, 'hi there', at(noonShanghai)), undefined);
  assert.equal(findTextReply(rules, 'what is the PRICE?', at(noonShanghai))?.rule.id, 'c');
  assert.equal(findTextReply(rules, 'ORDER #12345', at(noonShanghai))?.rule.id, 'r');
  assert.equal(findTextReply(rules, 'vip', at(noonShanghai)), undefined);
  assert.equal(findTextReply(rules, 'VIP', at(noonShanghai))?.rule.id, 'cs');
});

test('priority order: lower first, ties by id; disabled rules never answer', () => {
  const rules = compileRules([
    rule('b', { match: { type: 'contains', pattern: '红包' }, reply: text('b'), priority: 10 }),
    rule('a', { match: { type: 'contains', pattern: '红包' }, reply: text('a'), priority: 10 }),
    rule('z', { match: { type: 'contains', pattern: '红包' }, reply: text('z'), priority: 1, enabled: false }),
    rule('d', { match: { type: 'default' }, reply: text('d') }),
  ]);
  assert.equal(findTextReply(rules, '抢红包', at(noonShanghai))?.rule.id, 'a');
  assert.equal(findTextReply(rules, 'other', at(noonShanghai))?.rule.id, 'd');
});

test('active hours in the account time zone, including windows that wrap past midnight', () => {
  const rules = compileRules([
    rule('lunch', { match: { type: 'contains', pattern: 'menu' }, reply: text('lunch'), activeHours: { start: '11:00', end: '14:00' }, priority: 1 }),
    rule('night', { match: { type: 'contains', pattern: 'menu' }, reply: text('night'), activeHours: { start: '22:00', end: '06:00' }, priority: 2 }),
    rule('any', { match: { type: 'contains', pattern: 'menu' }, reply: text('any'), priority: 3 }),
  ]);
  assert.equal(findTextReply(rules, 'menu', at(noonShanghai))?.rule.id, 'lunch');
  assert.equal(findTextReply(rules, 'menu', at(Date.parse('2026-11-23T15:30:00Z')))?.rule.id, 'night'); // 23:30 local
  assert.equal(findTextReply(rules, 'menu', at(Date.parse('2026-11-23T21:59:00Z')))?.rule.id, 'night'); // 05:59 local
  assert.equal(findTextReply(rules, 'menu', at(Date.parse('2026-11-23T22:00:00Z')))?.rule.id, 'any'); // 06:00 local
  assert.equal(findTextReply(rules, 'menu', at(Date.parse('2026-11-23T06:00:00Z')))?.rule.id, 'any'); // 14:00 local: end is exclusive
});

test('welcome rule', () => {
  const rules = compileRules([rule('w', { match: { type: 'subscribe' }, reply: text('welcome') })]);
  assert.equal(findWelcome(rules, at(noonShanghai))?.rule.id, 'w');
  assert.equal(findTextReply(rules, 'welcome', at(noonShanghai)), undefined);
});

test('regexes are RE2: backreferences and lookarounds are refused at save time', () => {
  for (const pattern of ['(a)\\1', '(?=x)', '(?<!x)y', '(']) {
    assert.equal(ruleInputSchema.safeParse({ match: { type: 'regex', pattern }, reply: text('x') }).success, false, pattern);
  }
});

// V8's backtracking engine would not return for hours on this input; RE2 answers, so the test ends.
test('a pattern that backtracks catastrophically elsewhere still answers here', { timeout: 20_000 }, () => {
  const rules = compileRules([rule('evil', { match: { type: 'regex', pattern: '^(a+)+$' }, reply: text('x') })]);
  assert.equal(findTextReply(rules, `${'a'.repeat(500)}!`, at(noonShanghai)), undefined);
  assert.equal(findTextReply(rules, 'a'.repeat(500), at(noonShanghai))?.rule.id, 'evil');
});

test('matching never throws on arbitrary input (property)', () => {
  const rules = compileRules([
    rule('r', { match: { type: 'regex', pattern: '优惠|折扣|\\d+元' }, reply: text('x') }),
    rule('c', { match: { type: 'contains', pattern: '红包' }, reply: text('y') }),
  ]);
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (s) => {
      findTextReply(rules, s, at(noonShanghai));
    }),
    { numRuns: 500 },
  );
});

test('placeholders', () => {
  const m = { openid: 'o1', points: 120, level: '金卡', nickname: '小王' };
  assert.equal(fillPlaceholders('{nickname}，你有 {points} 积分，等级 {level} {unknown}', m), '小王，你有 120 积分，等级 金卡 {unknown}');
  assert.equal(fillPlaceholders('{nickname}', { ...m, nickname: undefined }), '朋友');
});

test('placeholders are looked up as own names only: {constructor}, {toString}, {__proto__} stay as typed', () => {
  const m = { openid: 'o1', points: 120, level: '金卡', nickname: '小王' };
  const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
  for (const name of names) assert.equal(fillPlaceholders(`a {${name}} b {points}`, m), `a {${name}} b 120`, name);
  assert.equal(fillFacts('{constructor}{points}', { points: '5' }), '{constructor}5');
});
