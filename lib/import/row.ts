import { normalisePhone } from './phone';

/** One valid import row; `row` is its 1-based number among the data rows (the CSV header is not counted). */
export interface ImportRow {
  row: number;
  phone?: string;
  unionid?: string;
  name?: string;
  spendFen?: number;
  channel: string;
  externalId?: string;
}

export interface RowError {
  row: number;
  reason: string;
}

export const MAX_ROWS = 100_000;
const UNIONID = /^[A-Za-z0-9_-]{1,64}$/;
const CHANNEL = /^[a-z0-9][a-z0-9-]{0,31}$/;
const MAX_SPEND_FEN = 1_000_000_000_00; // 10 亿元: anything above is a typo

const present = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
const str = (v: unknown) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : undefined);

/** `123.45` yuan (at most two decimals) → 12345 fen, exactly (no floating point). */
export function yuanToFen(v: unknown): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const m = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * Checks one row (a JSON object, or a CSV line keyed by the header). Spend comes as
 * `lifetimeSpendFen` (integer fen) or `lifetimeSpend` (yuan, up to 2 decimals); giving both is
 * fine only if they agree.
 */
export function checkRow(raw: unknown, row: number): { ok: true; value: ImportRow } | { ok: false; error: RowError } {
  const bad = (reason: string) => ({ ok: false as const, error: { row, reason } });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('(row): must be an object');
  const r = raw as Record<string, unknown>;
  const out: ImportRow = { row, channel: '' };
  const problems: string[] = [];

  if (present(r.phone)) {
    const phone = typeof r.phone === 'string' || typeof r.phone === 'number' ? normalisePhone(String(r.phone)) : undefined;
    if (phone) out.phone = phone;
    else problems.push('phone: not a mainland mobile number');
  }
  if (present(r.unionid)) {
    const u = str(r.unionid);
    if (u && UNIONID.test(u)) out.unionid = u;
    else problems.push('unionid: 1–64 letters, digits, _ or -');
  }
  if (present(r.name)) {
    const n = str(r.name);
    if (n && n.length <= 64) out.name = n;
    else problems.push('name: at most 64 characters');
  }
  let fen: number | undefined;
  if (present(r.lifetimeSpendFen)) {
    const s = str(r.lifetimeSpendFen);
    if (s !== undefined && /^\d{1,15}$/.test(s) && Number(s) <= MAX_SPEND_FEN) fen = Number(s);
    else problems.push('lifetimeSpendFen: a whole number of fen, 0 or more');
  }
  if (present(r.lifetimeSpend)) {
    const y = yuanToFen(r.lifetimeSpend);
    if (y === undefined || y > MAX_SPEND_FEN) problems.push('lifetimeSpend: yuan with at most 2 decimals, e.g. 123.45');
    else if (fen !== undefined && fen !== y) problems.push('lifetimeSpend: disagrees with lifetimeSpendFen');
    else fen = y;
  }
  if (fen !== undefined) out.spendFen = fen;
  const channel = str(r.channel);
  if (!present(r.channel)) problems.push('channel: required (online-shop, offline-store, website or another lower-case slug)');
  else if (channel && CHANNEL.test(channel)) out.channel = channel;
  else problems.push('channel: a lower-case slug like online-shop (a–z, 0–9, -; at most 32)');
  if (present(r.externalId)) {
    const e = str(r.externalId);
    if (e && e.length <= 128) out.externalId = e;
    else problems.push('externalId: at most 128 characters');
  }
  if (!present(r.phone) && !present(r.unionid)) problems.push('phone or unionid: a row needs at least one');
  return problems.length ? bad(problems.join('; ')) : { ok: true, value: out };
}
