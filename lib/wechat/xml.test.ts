import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildXml, cdata, parseXml, toXmlChars, XmlError, type XmlObject } from './xml';

const SEED = 0x5eed_0001;

/** Element names from a safe alphabet (no `__proto__`-like names: they get their own test). */
const nameArb = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,11}$/);

/** Text pieces that stress a serializer: CDATA terminators, markup, references, XML's allowed controls. */
const trickyPiece = fc.constantFrom(
  ']]>',
  ']]',
  ']',
  '>',
  '<',
  '&',
  '&amp;',
  '&lt;',
  '<![CDATA[',
  '</xml>',
  '<xml>',
  '\t',
  '\n',
  '\r',
  '\r\n',
  ' ',
  '"',
  "'",
  '中文',
  '😀',
  '\u00a0',
  '\ufeff',
);
const textArb = fc
  .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), trickyPiece), { maxLength: 12 })
  // Characters XML cannot carry are replaced on the way out (tested on their own below).
  .map((parts) => toXmlChars(parts.join('')));

type Tree = { [name: string]: string | string[] | Tree };
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree; value: string | string[] | Tree }>((tie) => ({
  // A non-empty nested object (an empty one would serialise to `<a></a>`, i.e. the empty string).
  tree: fc.dictionary(nameArb, tie('value'), { minKeys: 1, maxKeys: 5, depthIdentifier: 'tree' }) as fc.Arbitrary<Tree>,
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4, depthIdentifier: 'tree' },
    textArb,
    // Repeated elements: two or more, so they come back as an array.
    fc.array(textArb, { minLength: 2, maxLength: 4 }),
    tie('tree'),
  ),
})).tree;

/** parseXml returns null-prototype objects; compare structure, not prototypes. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function expectXmlError(input: string, pattern?: RegExp): void {
  assert.throws(
    () => parseXml(input),
    (e: unknown) => e instanceof XmlError && (!pattern || pattern.test(e.message)),
    `expected XmlError${pattern ? ` matching ${pattern}` : ''} for ${JSON.stringify(input.slice(0, 120))}`,
  );
}

/** Parses, or refuses with XmlError (anything else is a bug); says which. */
function parsesOrXmlError(input: string): 'parsed' | 'refused' {
  try {
    parseXml(input);
    return 'parsed';
  } catch (e) {
    assert.ok(e instanceof XmlError, `non-XmlError ${String(e)} for ${JSON.stringify(input.slice(0, 200))}`);
    return 'refused';
  }
}

describe('buildXml / parseXml round trip', () => {
  test('flat objects of arbitrary text survive (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(nameArb, textArb, { maxKeys: 8 }), (obj) => {
        const back = parseXml(buildXml(obj));
        assert.equal(back.root, 'xml');
        assert.deepStrictEqual(plain(back.value), plain(obj));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  test('nested objects and repeated elements survive, under any root name (property)', () => {
    fc.assert(
      fc.property(treeArb, nameArb, (tree, root) => {
        const back = parseXml(buildXml(tree, root));
        assert.equal(back.root, root);
        assert.deepStrictEqual(plain(back.value), plain(tree));
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  });

  test('numbers are written bare and come back as their decimal text', () => {
    const xml = buildXml({ CreateTime: 1714036504, ArticleCount: 0, Neg: -3 });
    assert.equal(xml, '<xml><CreateTime>1714036504</CreateTime><ArticleCount>0</ArticleCount><Neg>-3</Neg></xml>');
    assert.deepStrictEqual(plain(parseXml(xml).value), { CreateTime: '1714036504', ArticleCount: '0', Neg: '-3' });
  });

  test('undefined and null fields are left out; an empty array writes nothing', () => {
    const xml = buildXml({ A: 'a', B: undefined, C: null, D: [] });
    assert.equal(xml, '<xml><A><![CDATA[a]]></A></xml>');
  });
});

describe('cdata', () => {
  test('never closes early: every ]]> it writes is followed by a new section or is the last one (property)', () => {
    fc.assert(
      fc.property(textArb, (s) => {
        const out = cdata(s);
        assert.ok(out.startsWith('<![CDATA[') && out.endsWith(']]>'));
        for (let i = out.indexOf(']]>'); i >= 0; i = out.indexOf(']]>', i + 1)) {
          const rest = out.slice(i + 3);
          assert.ok(rest === '' || rest.startsWith('<![CDATA['), `early close at ${i} in ${JSON.stringify(out)}`);
        }
        assert.equal(parseXml(`<xml><a>${out}</a></xml>`).value.a, s);
      }),
      { seed: SEED + 2, numRuns: 500 },
    );
  });

  test('the classic attack text stays text', () => {
    const evil = 'x]]></Content><MsgType>event</MsgType><Content><![CDATA[y';
    const parsed = parseXml(buildXml({ MsgType: 'text', Content: evil })).value;
    assert.equal(parsed.MsgType, 'text');
    assert.equal(parsed.Content, evil);
  });
});

describe('parseXml reads what WeChat and XML allow', () => {
  test('predefined entities and numeric references decode', () => {
    const v = parseXml('<xml><A>&lt;&gt;&amp;&quot;&apos;</A><B>&#60;&#x3C;&#x3c;&#x1F600;&#20013;&#xe9;&#9;</B><C>a&amp;lt;b</C></xml>').value;
    assert.equal(v.A, '<>&"\'');
    assert.equal(v.B, '<<<😀中é\t');
    assert.equal(v.C, 'a&lt;b', 'decoded once, not twice');
  });

  test('numeric references of any code point decode (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), fc.boolean(), (s, hex) => {
        const encoded = [...s].map((ch) => {
          const cp = ch.codePointAt(0)!;
          return hex ? `&#x${cp.toString(16)};` : `&#${cp};`;
        });
        fc.pre(!s.includes('\0'));
        assert.equal(parseXml(`<xml><A>${encoded.join('')}</A></xml>`).value.A, s);
      }),
      { seed: SEED + 3, numRuns: 300 },
    );
  });

  test('repeated elements become arrays, in document order; a single one stays a value', () => {
    const v = parseXml('<xml><item>a</item><One>1</One><item><T>b</T></item><item>c</item></xml>').value;
    assert.deepStrictEqual(plain(v.item), ['a', { T: 'b' }, 'c']);
    assert.equal(v.One, '1');
  });

  test('XML declaration, BOM, comments, whitespace between elements and attributes are accepted', () => {
    const v = parseXml(
      '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<!-- hi -->\n<xml a="1" b=\'2\'>\n  <A x="y">t<!-- c -->u</A>\n  <B/>\n</xml>\n<!-- tail -->\n',
    ).value;
    assert.deepStrictEqual(plain(v), { A: 'tu', B: '' });
  });

  test('CDATA and text concatenate; split CDATA sections join', () => {
    assert.equal(parseXml('<xml><A>a<![CDATA[<b>]]>&amp;<![CDATA[]]]]><![CDATA[>]]>c</A></xml>').value.A, 'a<b>&]]>c');
  });

  test('a __proto__ element is data, not a prototype', () => {
    const v = parseXml('<xml><__proto__><polluted>yes</polluted></__proto__><constructor>c</constructor></xml>').value;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.ok(Object.hasOwn(v, '__proto__'));
    const own = Object.getOwnPropertyDescriptor(v, '__proto__');
    assert.equal((own!.value as XmlObject).polluted, 'yes');
    assert.equal(v.constructor, 'c');
  });

  test('depth up to the limit is accepted', () => {
    const open = (n: number) => Array.from({ length: n }, (_, i) => `<e${i}>`).join('');
    const close = (n: number) => Array.from({ length: n }, (_, i) => `</e${n - 1 - i}>`).join('');
    // Default limit: depth 8 counting the root.
    assert.doesNotThrow(() => parseXml(`${open(8)}x${close(8)}`));
    expectXmlError(`${open(9)}x${close(9)}`, /too deeply nested/);
    assert.doesNotThrow(() => parseXml(`${open(3)}${close(3)}`, { maxDepth: 3, maxElements: 10 }));
    assert.throws(() => parseXml(`${open(4)}${close(4)}`, { maxDepth: 3, maxElements: 10 }), XmlError);
  });

  test('element count is limited', () => {
    const many = (n: number) => `<xml>${'<i>1</i>'.repeat(n)}</xml>`;
    assert.doesNotThrow(() => parseXml(many(1999)));
    expectXmlError(many(2000), /too many elements/);
    assert.throws(() => parseXml(many(10), { maxDepth: 8, maxElements: 10 }), XmlError);
    assert.doesNotThrow(() => parseXml(many(9), { maxDepth: 8, maxElements: 10 }));
  });

  test('deep nesting far past the limit fails fast with XmlError, not a stack overflow', () => {
    const n = 200_000;
    expectXmlError('<a>'.repeat(n) + '</a>'.repeat(n), /too deeply nested/);
  });
});

describe('parseXml refuses what could hurt', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['DOCTYPE before the root', '<!DOCTYPE xml><xml><A>1</A></xml>', /DOCTYPE/],
    ['XXE', '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><A>&xxe;</A></xml>', /DOCTYPE|declarations/],
    ['billion laughs', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><xml>&lol2;</xml>', /DOCTYPE|declarations/],
    ['ENTITY inside an element', '<xml><!ENTITY a "b"><A>&a;</A></xml>', /declarations/],
    ['DOCTYPE inside an element', '<xml><!DOCTYPE x><A>1</A></xml>', /declarations/],
    ['DOCTYPE after the root', '<xml><A>1</A></xml><!DOCTYPE x>', /DOCTYPE|declarations/],
    ['a custom entity without declaration', '<xml><A>&xxe;</A></xml>', /entity &xxe; is not allowed/],
    ['an entity that looks predefined', '<xml><A>&LT;</A></xml>', /not allowed/],
    ['an unterminated reference', '<xml><A>&amp</A></xml>', /reference|not allowed/],
    ['a long reference', '<xml><A>&aaaaaaaaaaaaaaaa;</A></xml>', /reference/],
    ['a reference to NUL', '<xml><A>&#0;</A></xml>', /bad character reference/],
    ['a reference to a surrogate', '<xml><A>&#xD800;</A></xml>', /bad character reference/],
    ['a reference past Unicode', '<xml><A>&#x110000;</A></xml>', /bad character reference/],
    ['capital X in a hex reference', '<xml><A>&#X41;</A></xml>', /not allowed/],
    ['an entity named like an Object method', '<xml><A>&toString;</A></xml>', /entity &toString; is not allowed/],
    ['an entity named valueOf', '<xml><A>&valueOf;</A></xml>', /entity &valueOf; is not allowed/],
    ['an entity named __proto__', '<xml><A>&__proto__;</A></xml>', /entity &__proto__; is not allowed/],
    ['an entity named constructor', '<xml><A>&constructor;</A></xml>', /reference|not allowed/],
    ['a processing instruction before the root', '<?php echo 1; ?><xml></xml>', /processing instructions|expected root/],
    ['a processing instruction inside', '<xml><?php echo 1; ?></xml>', /processing instructions/],
    ['a processing instruction after the root', '<xml></xml><?pi x?>', /processing instructions/],
    ['mismatched tags', '<xml><A>1</B></xml>', /mismatched/],
    ['crossed tags', '<xml><A><B></A></B></xml>', /mismatched/],
    ['unterminated element', '<xml><A>1</A>', /unterminated/],
    ['unterminated CDATA', '<xml><A><![CDATA[1</A></xml>', /unterminated CDATA/],
    ['unterminated comment', '<xml><!-- 1</xml>', /unterminated comment/],
    ['two roots', '<xml></xml><xml></xml>', /content after root/],
    ['text after the root', '<xml></xml>tail', /content after root/],
    ['text before the root', 'head<xml></xml>', /expected root/],
    ['empty input', '', /expected root/],
    ['an unquoted attribute', '<xml a=1></xml>', /quoted/],
    ['< inside an attribute', '<xml a="<"></xml>', /< in attribute/],
    ['attributes without whitespace', '<xml a="1"b="2"></xml>', /whitespace/],
    ['a tag without a name', '<xml><>1</></xml>', /expected a name/],
  ];
  for (const [what, input, pattern] of refused) {
    test(what, () => expectXmlError(input, pattern));
  }
});

describe('parseXml never throws anything but XmlError', () => {
  test('on arbitrary strings (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.string({
            unit: fc.constantFrom('<', '>', '/', '!', '?', '[', ']', '&', ';', '#', 'x', 'a', '-', '"', '=', ' ', 'C', 'D', 'A', 'T'),
            maxLength: 60,
          }),
        ),
        (s) => {
          const got = parsesOrXmlError(s);
          // A document is an element: without a `<` first (after a BOM and blanks) and a `>` somewhere, nothing parses.
          if (!/^\ufeff?\s*</.test(s) || !s.includes('>')) assert.equal(got, 'refused', JSON.stringify(s));
        },
      ),
      { seed: SEED + 4, numRuns: 3000 },
    );
  });

  const valid = buildXml({
    ToUserName: 'gh_account',
    FromUserName: 'o_user',
    CreateTime: 1714036504,
    MsgType: 'text',
    Content: 'hi ]]> <b> & 中文 😀',
    MsgId: '24000000000000000001',
    Articles: { item: [{ Title: 'a', Url: 'https://e.x/?a=1&b=2' }, { Title: 'b' }] },
  });
  const insertion = fc.constantFrom(
    '<!DOCTYPE x>',
    '<!ENTITY a "b">',
    '&xxe;',
    '&#0;',
    '&#x110000;',
    '<?pi?>',
    '<![CDATA[',
    ']]>',
    '<!--',
    '-->',
    '</xml>',
    '<xml>',
    '<a>',
    '</a>',
    '<',
    '&',
    '&#',
    ';',
    '"',
    '<a b="',
    '\u0000',
    '\ud800',
  );

  /** [start, end) of each CDATA section's content in `doc`, as the XML grammar reads them (first `]]>` ends one). */
  const cdataContents = (doc: string): Array<[number, number]> => {
    const out: Array<[number, number]> = [];
    for (let i = doc.indexOf('<![CDATA['); i >= 0; ) {
      const end = doc.indexOf(']]>', i + 9);
      if (end < 0) break;
      out.push([i + 9, end]);
      i = doc.indexOf('<![CDATA[', end + 3);
    }
    return out;
  };
  const hostile = [
    '<!DOCTYPE x>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    '<!ENTITY a "b">',
    '&xxe;',
    '&toString;',
    '&__proto__;',
    '&valueOf;',
    '&#0;',
    '&#x110000;',
    '&#xD800;',
    '<?pi?>',
    '<?xml-stylesheet href="x"?>',
  ];

  test('a hostile construct inserted anywhere is refused unless it lands inside CDATA, where it is only text (property)', () => {
    const seen = { refused: 0, kept: 0 };
    const original = cdataContents(valid);
    fc.assert(
      fc.property(fc.nat(valid.length), fc.constantFrom(...hostile), (at, snippet) => {
        const s = valid.slice(0, at) + snippet + valid.slice(at);
        const asText = cdataContents(s).some(([start, end]) => at >= start && at + snippet.length <= end);
        if (!asText) {
          // Markup, not text: a declaration, an entity, a bad reference or an instruction.
          assert.throws(() => parseXml(s), XmlError, `${snippet} at ${at} (${JSON.stringify(valid.slice(Math.max(0, at - 12), at + 12))}) was not refused`);
          seen.refused++;
          return;
        }
        // Well inside a CDATA section of the original: the document is still good, and keeps it as text.
        if (!original.some(([start, end]) => at >= start && at <= end)) return void parsesOrXmlError(s);
        const texts: string[] = [];
        const collect = (v: unknown): void => void (typeof v === 'string' ? texts.push(v) : v && typeof v === 'object' && Object.values(v).forEach(collect));
        collect(parseXml(s).value);
        assert.ok(
          texts.some((t) => t.includes(snippet)),
          `${snippet} inside CDATA at ${at} is text`,
        );
        seen.kept++;
      }),
      { seed: SEED + 6, numRuns: 3000 },
    );
    assert.ok(seen.refused > 1000 && seen.kept > 300, JSON.stringify(seen));
  });

  test('on mutated valid documents (property)', () => {
    const mutation = fc.oneof(
      fc.tuple(fc.constant('flip' as const), fc.nat(valid.length - 1), fc.integer({ min: 1, max: 0xffff })),
      fc.tuple(fc.constant('cut' as const), fc.nat(valid.length), fc.nat(valid.length)),
      fc.tuple(fc.constant('insert' as const), fc.nat(valid.length), insertion),
      fc.tuple(fc.constant('delete' as const), fc.nat(valid.length), fc.integer({ min: 1, max: 20 })),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (ms) => {
        let s = valid;
        for (const m of ms) {
          if (m[0] === 'flip') {
            const i = Math.min(m[1], s.length - 1);
            s = s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ m[2]) + s.slice(i + 1);
          } else if (m[0] === 'cut') s = s.slice(Math.min(m[1], m[2]), Math.max(m[1], m[2]));
          else if (m[0] === 'insert') s = s.slice(0, m[1]) + m[2] + s.slice(m[1]);
          else s = s.slice(0, m[1]) + s.slice(m[1] + m[2]);
          if (s.length === 0) s = '<';
        }
        parsesOrXmlError(s);
      }),
      { seed: SEED + 5, numRuns: 3000 },
    );
  });
});

test('<?xml-stylesheet …?> is a processing instruction, not the declaration, and is refused', () => {
  assert.throws(() => parseXml('<?xml-stylesheet href="x"?><xml><a>1</a></xml>'), XmlError);
  assert.deepEqual({ ...parseXml('<?xml version="1.0"?><xml><a>1</a></xml>').value }, { a: '1' });
});

test('characters XML 1.0 forbids never reach a built document', () => {
  const built = buildXml({ Content: 'a\u0001b\uFFFFc\uD800d' });
  assert.equal(parseXml(built).value.Content, 'a\uFFFDb\uFFFDc\uFFFDd');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: checks that the forbidden characters are gone.
  assert.ok(!/[\u0001\uFFFF]/.test(built));
});
