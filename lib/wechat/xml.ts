import { ownValue } from '../records/own';

/**
 * A small, strict XML reader for WeChat's push bodies. It knows elements, text, CDATA and comments,
 * the five predefined entities and numeric character references; it refuses DOCTYPE, custom
 * entities and processing instructions, so XXE and billion-laughs have nothing to work with.
 * Output: element name → text, nested object, or an array when a name repeats.
 */
export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

export class XmlError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at ${position}`);
  }
}

export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
}

const DEFAULT_LIMITS: XmlLimits = { maxDepth: 8, maxElements: 2000 };
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function parseXml(input: string, limits: XmlLimits = DEFAULT_LIMITS): { root: string; value: XmlObject } {
  const p = new Parser(input, limits);
  return p.document();
}

class Parser {
  private pos = 0;
  private elements = 0;
  constructor(
    private readonly s: string,
    private readonly limits: XmlLimits,
  ) {}

  document(): { root: string; value: XmlObject } {
    this.skipProlog();
    if (this.s[this.pos] !== '<') this.fail('expected root element');
    const { name, value } = this.element(1);
    this.skipMisc();
    if (this.pos !== this.s.length) this.fail('content after root element');
    return { root: name, value: typeof value === 'string' || Array.isArray(value) ? {} : value };
  }

  private fail(msg: string): never {
    throw new XmlError(msg, this.pos);
  }

  private skipWs(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  private skipProlog(): void {
    if (this.s.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.skipWs();
    // Only the XML declaration itself (`<?xml ` + version…); `<?xml-stylesheet` is an instruction.
    if (/^<\?xml\s/.test(this.s.slice(this.pos, this.pos + 6))) {
      const end = this.s.indexOf('?>', this.pos);
      if (end < 0) this.fail('unterminated XML declaration');
      this.pos = end + 2;
    }
    this.skipMisc();
  }

  /** Whitespace and comments; anything that declares (DOCTYPE, ENTITY) or instructs is refused. */
  private skipMisc(): void {
    for (;;) {
      this.skipWs();
      if (this.s.startsWith('<!--', this.pos)) this.comment();
      else if (this.s.startsWith('<!', this.pos)) this.fail('DOCTYPE and declarations are not allowed');
      else if (this.s.startsWith('<?', this.pos)) this.fail('processing instructions are not allowed');
      else return;
    }
  }

  private comment(): void {
    const end = this.s.indexOf('-->', this.pos + 4);
    if (end < 0) this.fail('unterminated comment');
    this.pos = end + 3;
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.s);
    if (!m) this.fail('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private element(depth: number): { name: string; value: XmlValue } {
    if (depth > this.limits.maxDepth) this.fail('too deeply nested');
    if (++this.elements > this.limits.maxElements) this.fail('too many elements');
    this.pos++; // '<'
    const name = this.name();
    this.skipAttributes();
    if (this.s.startsWith('/>', this.pos)) {
      this.pos += 2;
      return { name, value: '' };
    }
    if (this.s[this.pos] !== '>') this.fail('expected >');
    this.pos++;
    let text = '';
    let children: XmlObject | undefined;
    for (;;) {
      if (this.pos >= this.s.length) this.fail(`unterminated element <${name}>`);
      const c = this.s[this.pos];
      if (c === '<') {
        if (this.s.startsWith('</', this.pos)) {
          this.pos += 2;
          const close = this.name();
          if (close !== name) this.fail(`mismatched </${close}> for <${name}>`);
          this.skipWs();
          if (this.s[this.pos] !== '>') this.fail('expected >');
          this.pos++;
          break;
        }
        if (this.s.startsWith('<![CDATA[', this.pos)) {
          const end = this.s.indexOf(']]>', this.pos + 9);
          if (end < 0) this.fail('unterminated CDATA');
          text += this.s.slice(this.pos + 9, end);
          this.pos = end + 3;
          continue;
        }
        if (this.s.startsWith('<!--', this.pos)) {
          this.comment();
          continue;
        }
        if (this.s.startsWith('<!', this.pos)) this.fail('declarations are not allowed');
        if (this.s.startsWith('<?', this.pos)) this.fail('processing instructions are not allowed');
        const child = this.element(depth + 1);
        children ??= Object.create(null) as XmlObject;
        const prev = children[child.name];
        if (prev === undefined) children[child.name] = child.value;
        else if (Array.isArray(prev)) prev.push(child.value);
        else children[child.name] = [prev, child.value];
        continue;
      }
      if (c === '&') {
        text += this.reference();
        continue;
      }
      const next = this.s.slice(this.pos).search(/[<&]/);
      const end = next < 0 ? this.s.length : this.pos + next;
      text += this.s.slice(this.pos, end);
      this.pos = end;
    }
    if (children) return { name, value: children };
    return { name, value: text };
  }

  private skipAttributes(): void {
    for (;;) {
      const before = this.pos;
      this.skipWs();
      const c = this.s[this.pos];
      if (c === '>' || c === '/' || c === undefined) return;
      if (before === this.pos) this.fail('expected whitespace before attribute');
      this.name();
      this.skipWs();
      if (this.s[this.pos] !== '=') this.fail('expected =');
      this.pos++;
      this.skipWs();
      const q = this.s[this.pos];
      if (q !== '"' && q !== "'") this.fail('expected quoted attribute value');
      const end = this.s.indexOf(q, this.pos + 1);
      if (end < 0) this.fail('unterminated attribute');
      if (this.s.slice(this.pos + 1, end).includes('<')) this.fail('< in attribute value');
      this.pos = end + 1;
    }
  }

  private reference(): string {
    const end = this.s.indexOf(';', this.pos);
    if (end < 0 || end - this.pos > 10) this.fail('bad character reference');
    const body = this.s.slice(this.pos + 1, end);
    this.pos = end + 1;
    const predefined = ownValue(PREDEFINED, body);
    if (predefined !== undefined) return predefined;
    const num = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(body);
    if (!num) this.fail(`entity &${body}; is not allowed`);
    const code = num[1] !== undefined ? parseInt(num[1], 16) : Number(num[2]);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) this.fail('bad character reference');
    return String.fromCodePoint(code);
  }
}

// Characters XML 1.0 does not allow anywhere, even in CDATA (a strict reader would reject the reply).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 forbids, which is what it finds.
const NOT_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as XML can carry it: each character XML 1.0 forbids becomes U+FFFD. */
export function toXmlChars(text: string): string {
  return text.replace(NOT_XML_CHARS, '\uFFFD');
}

/** CDATA that a `]]>` inside the text cannot close early: split it across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${toXmlChars(text).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** Serialises an object the way WeChat writes its XML: strings as CDATA, numbers bare. */
export function buildXml(value: Record<string, unknown>, root = 'xml'): string {
  return `<${root}>${buildChildren(value)}</${root}>`;
}

function buildChildren(value: Record<string, unknown>): string {
  let out = '';
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      for (const item of v) out += buildElement(name, item);
    } else out += buildElement(name, v);
  }
  return out;
}

function buildElement(name: string, v: unknown): string {
  if (typeof v === 'number') return `<${name}>${v}</${name}>`;
  if (typeof v === 'string') return `<${name}>${cdata(v)}</${name}>`;
  if (typeof v === 'object' && v !== null) return `<${name}>${buildChildren(v as Record<string, unknown>)}</${name}>`;
  return `<${name}>${cdata(String(v))}</${name}>`;
}
