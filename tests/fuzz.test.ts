/**
 * Fuzzing the real callback handler (handlers/wechat.ts) against DynamoDB Local: thousands of mutated
 * bodies and queries, plain and safe mode, validly signed (so the parser and decryption are reached)
 * and not. For every request: the handler resolves, the status is 200/400/401/413, refusals are a
 * JSON `{error}` without stack traces or paths, nothing secret leaves (response or stdout/stderr), and
 * a refused request leaves nothing in the table.
 *
 * Seeded: a failure prints the seed and the shrunk batch of cases, and reruns the same way.
 */
import { createHash } from 'node:crypto';
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { rule } from './support/rules';
import type { Table } from '../lib/store/dynamo';
import { decodeAesKey, encryptMessage } from '../lib/wechat/crypto';
import { signParts } from '../lib/wechat/signature';
import { parseXml } from '../lib/wechat/xml';
import { httpEvent } from './support/pushes';
import { captureOutput } from './support/captureOutput';
import { TEST_CONFIG, useTestTable } from './support/testTable';

const SEED = 20_260_123;
const BATCH = 100; // cases run concurrently per property run
const RUNS = 31; // 3,100 cases in all
const ALLOWED = new Set([200, 400, 401, 413]);
const SECRETS = [
  TEST_CONFIG.WECHAT_TOKEN,
  TEST_CONFIG.WECHAT_APPSECRET,
  TEST_CONFIG.WECHAT_ENCODING_AES_KEY,
  TEST_CONFIG.ADMIN_TOKEN,
  decodeAesKey(TEST_CONFIG.WECHAT_ENCODING_AES_KEY).toString('hex'),
];
const KEY = decodeAesKey(TEST_CONFIG.WECHAT_ENCODING_AES_KEY);
const FOREIGN_KEY = decodeAesKey('ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut');

let table: Table;
let handleWeChat: typeof import('../handlers/wechat').handler;

before(async () => {
  table = await useTestTable();
  const rules = dynamoRuleStore(table);
  await rules.put(rule('welcome', { match: { type: 'subscribe' }, reply: { type: 'text', content: '欢迎 {nickname}' } }));
  await rules.put(
    rule('news', { match: { type: 'contains', pattern: '菜单' }, reply: { type: 'news', articles: [{ title: '今日菜单', url: 'https://example.com/m' }] } }),
  );
  // Echoes the (fuzzed) openid back: the reply XML must survive whatever the openid holds.
  await rules.put(rule('default', { match: { type: 'default' }, reply: { type: 'text', content: '收到 {openid} ]]> &' } }));
  ({ handler: handleWeChat } = await import('../handlers/wechat'));
});

// ---------------------------------------------------------------------------------------------
// What a case is
// ---------------------------------------------------------------------------------------------
const FIELDS = ['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Content', 'MsgId', 'MsgID', 'Event', 'EventKey', 'Ticket'] as const;
type Field = (typeof FIELDS)[number];

const snippets = [
  '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
  '<!ENTITY xxe SYSTEM "http://169.254.169.254/latest/meta-data/">',
  '&xxe;',
  '&lol2;',
  '&#0;',
  '&#xD800;',
  '&#x110000;',
  '&#x1F600;',
  '&amp;',
  '<?xml version="1.0" encoding="utf-8"?>',
  '<?php system("id"); ?>',
  ']]>',
  '<![CDATA[',
  '<!--',
  '-->',
  '</xml>',
  '<xml>',
  '<Encrypt>',
  '</FromUserName>',
  '<FromUserName>oFzEvil</FromUserName>',
  '<MsgType>event</MsgType>',
  '\u0000',
  '\ufeff',
  '"',
  "'",
  '<a b="',
  ' x="1"',
];
const snippetArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...snippets) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) });

type Mutation =
  | { op: 'flip'; at: number; mask: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'nest'; at: number; depth: number; closed: boolean }
  | { op: 'delete'; at: number; len: number }
  | { op: 'prepend'; text: string }
  | { op: 'duplicate'; at: number; len: number };
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: snippetArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 2, max: 3000 }), closed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('prepend' as const),
      text: fc.constantFrom(snippets[0]!, snippets[1]!, '<?xml version="1.0"?>', '<!-- c -->', '\ufeff', '  '),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }) },
);

/** Mutations work on UTF-8 bytes, as a network would damage them; the handler gets them decoded. */
function mutate(text: string, mutations: readonly Mutation[]): string {
  let b = Buffer.from(text, 'utf8');
  for (const m of mutations) {
    const at = 'at' in m ? m.at % (b.length + 1) : 0;
    switch (m.op) {
      case 'flip':
        if (b.length > 0) {
          b = Buffer.from(b);
          const i = at % b.length;
          b[i] = b[i]! ^ m.mask;
        }
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text, 'utf8'), b.subarray(at)]);
        break;
      case 'nest':
        b = Buffer.concat([b.subarray(0, at), Buffer.from('<a>'.repeat(m.depth) + (m.closed ? '</a>'.repeat(m.depth) : '')), b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      case 'prepend':
        b = Buffer.concat([Buffer.from(m.text, 'utf8'), b]);
        break;
      case 'duplicate':
        b = Buffer.concat([b.subarray(0, at + m.len), b.subarray(at, at + m.len), b.subarray(at + m.len)]);
        break;
    }
  }
  return b.toString('utf8');
}

/** `arb` about once in `n` cases, otherwise null (fc.option's freq is the other way round). */
function sometimes<T>(arb: fc.Arbitrary<T>, n: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

const textArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('hi', '菜单', '请给我看看菜单', '你好 😀', 'a ]]> b', '<b>&amp;</b>', ''),
);
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String);

const docArb = fc.record({
  kind: fc.constantFrom(
    'text',
    'text',
    'text',
    'subscribe',
    'unsubscribe',
    'CLICK',
    'VIEW',
    'SCAN',
    'LOCATION',
    'TEMPLATESENDJOBFINISH',
    'image',
    'voice',
    'location',
    'link',
    'wrongType',
  ),
  content: textArb,
  eventKey: fc.oneof(
    fc.constant(''),
    fc.constantFrom('qrscene_summer', 'qrscene_', 'MY_ACCOUNT', 'NO_SUCH_KEY', 'https://example.com/?a=1&b=2'),
    fc.string({ unit: 'binary', maxLength: 120 }),
  ),
  // 64-bit MsgIds (beyond 2^53), longer digit strings, and garbage.
  msgId: fc.oneof(
    { weight: 4, arbitrary: u64 },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  ),
  createTime: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -5, max: 5 }).map((d) => ({ delta: d })) },
    { weight: 1, arbitrary: fc.constantFrom('-1', '1.5', '9007199254740993', '1e9', '', 'now', '0x10').map((raw) => ({ raw })) },
  ),
  wrongType: fc.oneof(fc.constantFrom('TEXT', 'event ', 'miniprogrampage', 'file', ''), fc.string({ maxLength: 40 })),
  drop: fc.oneof({ weight: 8, arbitrary: fc.constant([] as Field[]) }, { weight: 2, arbitrary: fc.subarray([...FIELDS], { minLength: 1, maxLength: 2 }) }),
  repeat: sometimes(fc.constantFrom<Field>('FromUserName', 'MsgType', 'Content', 'Event', 'CreateTime'), 12),
  huge: sometimes(
    fc.record({
      field: fc.constantFrom<Field>(...FIELDS),
      length: fc.integer({ min: 600, max: 24_000 }),
      unit: fc.constantFrom('x', '中', '😀', '&amp;', '<a/>'),
    }),
    10,
  ),
  nest: sometimes(fc.integer({ min: 2, max: 60 }), 12),
  hugeAttribute: sometimes(fc.integer({ min: 100, max: 80_000 }), 14),
  cdataStyle: fc.boolean(),
});
type Doc = typeof docArb extends fc.Arbitrary<infer T> ? T : never;

function xmlText(s: string, cdata: boolean): string {
  if (cdata) return `<![CDATA[${s.split(']]>').join(']]]]><![CDATA[>')}]]>`;
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The inbound XML of one push, written by hand so that fields can be missing, repeated, nested or huge. */
function buildDoc(d: Doc, openid: string, nowS: number): string {
  const isEvent = /^[A-Z]|^(subscribe|unsubscribe)$/.test(d.kind);
  const msgType = d.kind === 'wrongType' ? d.wrongType : isEvent ? 'event' : d.kind;
  const values: Partial<Record<Field, string>> = {
    ToUserName: 'gh_account',
    FromUserName: openid,
    CreateTime: 'raw' in d.createTime ? d.createTime.raw : String(nowS + d.createTime.delta),
    MsgType: msgType,
  };
  if (isEvent) {
    values.Event = d.kind;
    values.EventKey = d.kind === 'subscribe' && d.eventKey === '' ? 'qrscene_fuzz' : d.eventKey;
    if (d.kind === 'subscribe') values.Ticket = 'gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2';
    // Job reports spell it MsgID (and are keyed by it).
    if (d.kind === 'TEMPLATESENDJOBFINISH') values.MsgID = d.msgId;
  } else {
    values.Content = d.content;
    values.MsgId = d.msgId;
  }
  if (d.huge) values[d.huge.field] = d.huge.unit.repeat(Math.ceil(d.huge.length / d.huge.unit.length));
  const parts: string[] = [];
  for (const f of FIELDS) {
    const v = values[f];
    if (v === undefined || d.drop.includes(f)) continue;
    let inner = /^\d+$/.test(v) ? v : xmlText(v, d.cdataStyle);
    if (f === 'Content' && d.nest) inner = '<p>'.repeat(d.nest) + inner + '</p>'.repeat(d.nest);
    const el = `<${f}>${inner}</${f}>`;
    parts.push(el);
    if (d.repeat === f) parts.push(el);
  }
  const attr = d.hugeAttribute ? ` data="${'a'.repeat(d.hugeAttribute)}"` : '';
  return `<xml${attr}>\n${parts.join('\n')}\n</xml>`;
}

/** Query damage. `refuses` says whether the request must be refused whatever the body. */
type QueryMutation =
  | { q: 'drop'; key: 'signature' | 'timestamp' | 'nonce' | 'msg_signature' | 'encrypt_type' }
  | { q: 'garbageSignature'; value: string }
  | { q: 'wrongToken' }
  | { q: 'staleTimestamp'; ageSeconds: number }
  | { q: 'garbageTimestamp'; value: string }
  | { q: 'garbageMsgSignature'; value: string }
  | { q: 'garbageNonce'; value: string }
  | { q: 'garbageEncryptType'; value: string }
  | { q: 'upperCaseSignature' }
  | { q: 'leadingZeroTimestamp' }
  | { q: 'extraParam'; value: string };
const hexish = fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), fc.string({ maxLength: 60 }), fc.constant(''));
const queryMutationArb: fc.Arbitrary<QueryMutation> = fc.oneof(
  fc.record({
    q: fc.constant('drop' as const),
    key: fc.constantFrom('signature' as const, 'timestamp' as const, 'nonce' as const, 'msg_signature' as const, 'encrypt_type' as const),
  }),
  fc.record({ q: fc.constant('garbageSignature' as const), value: hexish }),
  fc.record({ q: fc.constant('wrongToken' as const) }),
  fc.record({
    q: fc.constant('staleTimestamp' as const),
    ageSeconds: fc.oneof(fc.integer({ min: 301, max: 10 ** 9 }), fc.integer({ min: -(10 ** 9), max: -301 })),
  }),
  fc.record({ q: fc.constant('garbageTimestamp' as const), value: fc.string({ maxLength: 20 }).filter((s) => /\D/.test(s)) }),
  fc.record({ q: fc.constant('garbageMsgSignature' as const), value: hexish }),
  fc.record({ q: fc.constant('garbageNonce' as const), value: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }) }),
  fc.record({ q: fc.constant('garbageEncryptType' as const), value: fc.oneof(fc.constantFrom('AES', 'raw', '', 'aes '), fc.string({ maxLength: 10 })) }),
  fc.record({ q: fc.constant('upperCaseSignature' as const) }),
  fc.record({ q: fc.constant('leadingZeroTimestamp' as const) }),
  fc.record({ q: fc.constant('extraParam' as const), value: fc.string({ maxLength: 20 }) }),
);

/** Damage to the ciphertext itself (safe mode), signed afterwards so it reaches decryption. */
type CipherMutation =
  | { c: 'flip'; at: number; mask: number }
  | { c: 'truncate'; at: number }
  | { c: 'append'; bytes: number }
  | { c: 'notBase64'; text: string }
  | { c: 'wrongAppId' }
  | { c: 'wrongKey' };
const cipherMutationArb: fc.Arbitrary<CipherMutation> = fc.oneof(
  fc.record({ c: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ c: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ c: fc.constant('append' as const), bytes: fc.integer({ min: 1, max: 48 }) }),
  fc.record({ c: fc.constant('notBase64' as const), text: fc.string({ minLength: 1, maxLength: 60 }) }),
  fc.record({ c: fc.constant('wrongAppId' as const) }),
  fc.record({ c: fc.constant('wrongKey' as const) }),
);

const caseArb = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'POST', 'GET'),
  mode: fc.constantFrom('plain' as const, 'aes' as const, 'compat' as const),
  doc: docArb,
  /** Where body mutations land in safe mode: the plaintext XML (then encrypted and signed) or the envelope. */
  target: fc.constantFrom('inner' as const, 'outer' as const),
  mutations: fc.oneof({ weight: 1, arbitrary: fc.constant([] as Mutation[]) }, { weight: 6, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) }),
  cipher: sometimes(cipherMutationArb, 5),
  query: sometimes(queryMutationArb, 3),
  base64: sometimes(fc.constantFrom('valid' as const, 'mangled' as const), 6),
  echostr: fc.string({ unit: 'binary', maxLength: 40 }),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------
// Turning a case into a request
// ---------------------------------------------------------------------------------------------
/** Whether this query mutation must make the handler refuse, given the mode it leaves in place. */
function refusesFor(m: QueryMutation | null, method: string, aesInQuery: boolean): boolean {
  if (!m) return false;
  switch (m.q) {
    case 'drop':
      return m.key === 'signature' || m.key === 'timestamp' || m.key === 'nonce' || (m.key === 'msg_signature' && aesInQuery && method === 'POST');
    case 'garbageSignature':
    case 'wrongToken':
    case 'staleTimestamp':
    case 'garbageTimestamp':
      return true;
    case 'garbageMsgSignature':
      return aesInQuery && method === 'POST';
    default:
      return false;
  }
}

function applyCipher(encrypt: string, inner: string, m: CipherMutation, bytes: (label: string) => Buffer): string {
  const raw = Buffer.from(encrypt, 'base64');
  switch (m.c) {
    case 'flip': {
      const b = Buffer.from(raw);
      const i = m.at % b.length;
      b[i] = b[i]! ^ m.mask;
      return b.toString('base64');
    }
    case 'truncate':
      return raw.subarray(0, m.at % raw.length).toString('base64');
    case 'append':
      return Buffer.concat([raw, bytes('append').subarray(0, m.bytes)]).toString('base64');
    case 'notBase64':
      return m.text;
    case 'wrongAppId':
      return encryptMessage(KEY, 'wxffffffffffffffff', inner, bytes('iv2').subarray(0, 16));
    case 'wrongKey':
      return encryptMessage(FOREIGN_KEY, TEST_CONFIG.WECHAT_APPID, inner, bytes('iv2').subarray(0, 16));
  }
}

function encryptOf(outer: string, fallback: string): string {
  try {
    const v = parseXml(outer).value.Encrypt;
    return typeof v === 'string' ? v : fallback;
  } catch {
    return fallback;
  }
}

interface Built {
  event: APIGatewayProxyEventV2;
  /** The request must be refused whatever the body says. */
  mustRefuse: boolean;
  openid: string;
}

let caseNo = 0;
/**
 * The n-th case's own bytes (nonce, AES random prefix, openid), derived from the seed and the case
 * number, so a run is the same run again; and distinct per case even when shrinking repeats a value.
 */
function caseBytes(n: number): (label: string) => Buffer {
  return (label) => createHash('sha512').update(`fuzz/${SEED}/${n}/${label}`).digest();
}

function build(c: Case): Built {
  const bytes = caseBytes(++caseNo);
  const nowS = Math.floor(Date.now() / 1000);
  const token = TEST_CONFIG.WECHAT_TOKEN;
  const timestamp = String(nowS);
  const nonce = String(bytes('nonce').readUInt32BE(0));
  const aesInQuery = c.mode !== 'plain' && !(c.query?.q === 'drop' && c.query.key === 'encrypt_type') && c.query?.q !== 'garbageEncryptType';
  const mustRefuse = refusesFor(c.query, c.method, aesInQuery);
  // No single mutation of another case's openid produces this one (12 hex digits of a hash), and the
  // prefix tells requests that had to be refused from the rest.
  const openid = `${mustRefuse ? 'oFzBad' : 'oFzOk'}-${bytes('openid').toString('hex').slice(0, 12)}`;

  let body = '';
  const query: Record<string, string> = { signature: signParts([token, timestamp, nonce]), timestamp, nonce };
  if (c.method === 'GET') {
    query.echostr = c.echostr;
  } else {
    const plainDoc = buildDoc(c.doc, openid, nowS);
    if (c.mode === 'plain') {
      body = mutate(plainDoc, c.mutations);
    } else {
      const inner = c.target === 'inner' ? mutate(plainDoc, c.mutations) : plainDoc;
      let encrypt = encryptMessage(KEY, TEST_CONFIG.WECHAT_APPID, inner, bytes('iv').subarray(0, 16));
      if (c.cipher) encrypt = applyCipher(encrypt, inner, c.cipher, bytes);
      const envelope =
        c.mode === 'aes'
          ? `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`
          : plainDoc.replace(/<\/xml>$/, `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
      body = c.target === 'outer' ? mutate(envelope, c.mutations) : envelope;
      query.encrypt_type = 'aes';
      // Sign whatever Encrypt the (mutated) envelope now carries, so the request gets past msg_signature.
      query.msg_signature = signParts([token, timestamp, nonce, encryptOf(body, encrypt)]);
    }
  }

  const m = c.query;
  if (m) {
    switch (m.q) {
      case 'drop':
        delete query[m.key];
        break;
      case 'garbageSignature':
        query.signature = m.value === query.signature ? `${m.value}0` : m.value;
        break;
      case 'wrongToken':
        query.signature = signParts(['not-the-token', timestamp, nonce]);
        break;
      case 'staleTimestamp':
        query.timestamp = String(Math.max(0, nowS - m.ageSeconds));
        query.signature = signParts([token, query.timestamp, nonce]);
        if (query.msg_signature) query.msg_signature = signParts([token, query.timestamp, nonce, encryptOf(body, '')]);
        break;
      case 'garbageTimestamp':
        query.timestamp = m.value;
        query.signature = signParts([token, m.value, nonce]);
        break;
      case 'garbageMsgSignature':
        query.msg_signature = m.value === query.msg_signature ? `${m.value}0` : m.value;
        break;
      case 'garbageNonce':
        query.nonce = m.value;
        query.signature = signParts([token, timestamp, m.value]);
        if (query.msg_signature) query.msg_signature = signParts([token, timestamp, m.value, encryptOf(body, '')]);
        break;
      case 'garbageEncryptType':
        query.encrypt_type = m.value;
        break;
      case 'upperCaseSignature':
        query.signature = query.signature!.toUpperCase();
        break;
      case 'leadingZeroTimestamp':
        query.timestamp = `0${timestamp}`;
        query.signature = signParts([token, query.timestamp, nonce]);
        if (query.msg_signature) query.msg_signature = signParts([token, query.timestamp, nonce, encryptOf(body, '')]);
        break;
      case 'extraParam':
        query.x = m.value;
        break;
    }
  }

  const event = httpEvent(c.method, '/wechat', query, c.method === 'POST' ? body : undefined);
  if (c.base64 && c.method === 'POST') {
    let b64 = Buffer.from(body, 'utf8').toString('base64');
    if (c.base64 === 'mangled') b64 = `${b64.slice(0, Math.floor(b64.length / 2))}!@#$%^${b64.slice(Math.floor(b64.length / 2) + 3)}`;
    event.body = b64;
    event.isBase64Encoded = true;
  }
  return { event, mustRefuse, openid };
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------
function assertSafeBody(body: string, status: number): void {
  for (const s of SECRETS) assert.ok(!body.includes(s), `a secret appears in a ${status} response`);
  if (status >= 400) {
    let parsed: unknown;
    assert.doesNotThrow(() => (parsed = JSON.parse(body)), `a ${status} body is JSON: ${body.slice(0, 200)}`);
    assert.ok(parsed && typeof parsed === 'object' && !Array.isArray(parsed), 'an object');
    assert.deepEqual(Object.keys(parsed as object), ['error'], `only {error}: ${body.slice(0, 200)}`);
    const error = (parsed as { error: unknown }).error;
    assert.equal(typeof error, 'string');
    assert.doesNotMatch(body, /\n\s+at |\\n\s+at /, 'no stack trace');
    assert.doesNotMatch(body, /\/work\/|node_modules|file:\/\/|\.ts:\d+|\.js:\d+/, 'no file paths');
  }
}

interface Outcome {
  openid: string;
  status: number;
  method: string;
}

test(`fuzz: ${BATCH * RUNS} mutated requests against handleWeChat and DynamoDB Local`, async () => {
  const outcomes: Outcome[] = [];
  const { output: leaked } = await captureOutput(() =>
    fc.assert(
      fc.asyncProperty(fc.array(caseArb, { minLength: BATCH, maxLength: BATCH }), async (cases) => {
        const built = cases.map(build);
        const results = await Promise.all(
          built.map(async (b) => {
            try {
              return { b, res: await handleWeChat(b.event) };
            } catch (err) {
              return { b, err };
            }
          }),
        );
        for (const r of results) {
          const what = `${r.b.event.requestContext.http.method} ${JSON.stringify(r.b.event.queryStringParameters).slice(0, 300)} body=${JSON.stringify(String(r.b.event.body).slice(0, 300))}`;
          assert.ok(!('err' in r), `handler threw ${String((r as { err?: unknown }).err)} for ${what}`);
          const res = r.res!;
          assert.ok(ALLOWED.has(res.statusCode), `status ${res.statusCode} for ${what}: ${String(res.body).slice(0, 300)}`);
          const body = String(res.body ?? '');
          assertSafeBody(body, res.statusCode);
          if (r.b.mustRefuse) assert.notEqual(res.statusCode, 200, `a request that must be refused was answered: ${what}`);
          if (res.statusCode === 200 && r.b.event.requestContext.http.method === 'POST' && body !== 'success') {
            assert.equal(parseXml(body).root, 'xml', 'a 200 reply is XML');
          }
          outcomes.push({ openid: r.b.openid, status: res.statusCode, method: r.b.event.requestContext.http.method });
        }
      }),
      // A failing batch shrinks (to the one case that fails, usually); bounded so a failure reports quickly.
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 120_000, markInterruptAsFailure: true },
    ),
  );

  // Enough of everything happened for the run to mean something.
  assert.ok(outcomes.length >= 3000, `${outcomes.length} requests`);
  const count = (f: (o: Outcome) => boolean) => outcomes.filter(f).length;
  const accepted = count((o) => o.method === 'POST' && o.status === 200);
  for (const s of ALLOWED) assert.ok(count((o) => o.status === s) > 10, `status ${s} seen ${count((o) => o.status === s)} times`);
  assert.ok(accepted > 150, `${accepted} POSTs reached the use case`);

  for (const s of SECRETS) assert.ok(!leaked.includes(s), 'a secret was written to stdout/stderr');

  // Refused requests left nothing behind: no item mentions their openids.
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(new ScanCommand({ TableName: table.name, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.push(JSON.stringify(item));
    start = page.LastEvaluatedKey;
  } while (start);
  const all = items.join('\n');
  assert.ok(!all.includes('oFzBad'), 'an item mentions an openid used only in requests that had to be refused');
  const refusedPosts = outcomes.filter((o) => o.method === 'POST' && o.status !== 200);
  assert.ok(refusedPosts.length > 500);
  for (const o of refusedPosts) assert.ok(!all.includes(o.openid), `refused request for ${o.openid} left an item`);
  // The check above can fail: accepted requests did write members under their openids.
  const members = items.filter((i) => i.includes('"pk":"MEMBER#oFzOk-'));
  assert.ok(members.length > 100, `${members.length} fuzzed members written`);
});
