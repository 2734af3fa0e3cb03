import { ownValue } from '../records/own';
import type { Level } from '../levels/levels';
import { upgradeEffects } from '../levels/upgrade';
import { errorName, type Table } from '../store/dynamo';
import { batchGet, itemAt } from '../store/batchGet';
import {
  decodePerson,
  isMemberPk,
  lookupKey,
  lookupTarget,
  openidOfMemberPk,
  phoneLookup,
  profileKey,
  PROSPECT_PREFIX,
  prospectPk,
  transactWrite,
  unionidLookup,
  updateExpression,
  versionGuard,
  type PersonItem,
  type TxWrite,
} from '../table';
import { prospectId } from './lookups';
import type { ImportRow, RowError } from './row';

export interface ImportPorts {
  table: Table;
  levels: readonly Level[];
  nowMs: number;
}

export interface ImportCounts {
  created: number;
  merged: number;
  unchanged: number;
  errors: RowError[];
  /** Rows not attempted because time ran out; sending the same rows again finishes the job. */
  rowsLeft?: number;
}

export interface ImportOptions {
  /** Rows whose lookups are read in one go (BatchGetItem). */
  chunkRows?: number;
  /** Chunks in flight at once. */
  chunkConcurrency?: number;
  /** Writes in flight at once within a chunk. */
  writeConcurrency?: number;
  /** Epoch ms after which no new chunk starts (the admin API must answer within 29 s). */
  deadlineMs?: number;
}

type Rec = Record<string, unknown>;
type Outcome = 'created' | 'merged' | 'unchanged' | RowError;

/** What we know of the table, per lookup pk (→ targetPk, null = none) and per target pk (→ profile, null = none). */
interface View {
  lookups: Map<string, string | null>;
  records: Map<string, PersonItem | null>;
}

const MAX_ATTEMPTS = 10;
const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);

/** Runs `fn` over `items` with at most `n` in flight. */
export async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Rows that name the same unionid or phone form one group and are applied in file order, one
 * after another; different groups run in parallel (two groups that still meet in one person —
 * a unionid in one, that person's phone in another — are kept apart by the version check).
 */
export function groupRows(rows: readonly ImportRow[]): ImportRow[][] {
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => {
    if (parent[i] !== i) parent[i] = find(parent[i]!);
    return parent[i]!;
  };
  const owner = new Map<string, number>();
  rows.forEach((r, i) => {
    for (const key of [r.unionid && `u:${r.unionid}`, r.phone && `p:${r.phone}`]) {
      if (!key) continue;
      const o = owner.get(key);
      if (o === undefined) owner.set(key, i);
      else parent[find(i)] = find(o);
    }
  });
  const groups = new Map<number, ImportRow[]>();
  rows.forEach((r, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(r);
    else groups.set(root, [r]);
  });
  return [...groups.values()];
}

function keysOf(row: ImportRow): string[] {
  return [row.unionid && unionidLookup(row.unionid), row.phone && phoneLookup(row.phone)].filter((k): k is string => !!k);
}

/** Reads (consistently) the lookups of these rows, what they point to, and the rows' own prospect ids. */
async function load(table: Table, view: View, rows: readonly ImportRow[]): Promise<void> {
  const lookupPks = [...new Set(rows.flatMap(keysOf))];
  const found = await batchGet(table, lookupPks.map(lookupKey));
  const targets = new Set(rows.map((r) => prospectPk(prospectId(r))));
  for (const pk of lookupPks) {
    const t = lookupTarget(itemAt(found, lookupKey(pk)));
    view.lookups.set(pk, t ?? null);
    if (t !== undefined) targets.add(t);
  }
  const records = [...(await batchGet(table, [...targets].map(profileKey))).values()].map(decodePerson);
  for (const pk of targets) view.records.set(pk, records.find((r) => r.pk === pk) ?? null);
  // A row may give a person a new phone: the lookup of the phone they have now must be known, so
  // it goes with the change (else it would keep pointing to them, holding a phone they no longer have).
  const phonesNow = records.flatMap((r) => (r.phone !== undefined ? [phoneLookup(r.phone)] : [])).filter((pk) => !view.lookups.has(pk));
  const more = await batchGet(table, phonesNow.map(lookupKey));
  for (const pk of phonesNow) view.lookups.set(pk, lookupTarget(itemAt(more, lookupKey(pk))) ?? null);
}

function cancelled(err: unknown): boolean {
  const name = errorName(err);
  return name === 'TransactionConflictException' || name === 'ConditionalCheckFailedException';
}

/**
 * Imports rows into the member base: each row merges into the follower or prospect its unionid
 * (first) or phone points to, or becomes a new prospect. Re-importing the same rows changes nothing.
 */
export async function importRows(ports: ImportPorts, rows: readonly ImportRow[], opts: ImportOptions = {}): Promise<ImportCounts> {
  const { chunkRows = 50, chunkConcurrency = 8, writeConcurrency = 16, deadlineMs = Infinity } = opts;
  let rowsLeft = 0;
  const outcomes = new Map<number, Outcome>();
  const groups = groupRows(rows);
  const chunks: ImportRow[][][] = [];
  let current: ImportRow[][] = [];
  let size = 0;
  for (const g of groups) {
    current.push(g);
    size += g.length;
    if (size >= chunkRows) {
      chunks.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length) chunks.push(current);

  await pool(chunks, chunkConcurrency, async (chunk) => {
    if (Date.now() >= deadlineMs) {
      rowsLeft += chunk.reduce((n, g) => n + g.length, 0);
      return;
    }
    const view: View = { lookups: new Map(), records: new Map() };
    await load(ports.table, view, chunk.flat());
    await pool(chunk, writeConcurrency, async (group) => {
      for (const row of group) outcomes.set(row.row, await applyRow(ports, view, row));
    });
  });

  const counts: ImportCounts = { created: 0, merged: 0, unchanged: 0, errors: [] };
  for (const o of outcomes.values()) {
    if (typeof o === 'string') counts[o]++;
    else counts.errors.push(o);
  }
  if (rowsLeft) counts.rowsLeft = rowsLeft;
  return counts;
}

async function applyRow(ports: ImportPorts, view: View, row: ImportRow): Promise<Outcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) {
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));
      await load(ports.table, view, [row]);
    }
    try {
      const plan = planRow(ports, view, row);
      if (plan === 'unchanged' || 'reason' in plan) return plan;
      const written = await transactWrite(ports.table, plan.writes);
      if (written.status === 'cancelled') continue; // someone else changed this person meanwhile: read again
      plan.after();
      return plan.outcome;
    } catch (err) {
      if (cancelled(err)) continue;
      return { row: row.row, reason: `(row): not saved (${errorName(err) ?? 'error'}); importing the file again is safe` };
    }
  }
  return { row: row.row, reason: '(row): not saved, the member kept changing; importing the file again is safe' };
}

type Plan = { writes: { profile: TxWrite; dropOldPhone?: TxWrite; upgrade?: TxWrite[]; lookups: TxWrite[] }; outcome: 'created' | 'merged'; after: () => void };

function planRow(ports: ImportPorts, view: View, row: ImportRow): Plan | 'unchanged' | RowError {
  const at = new Date(ports.nowMs).toISOString();
  const ukey = row.unionid ? unionidLookup(row.unionid) : undefined;
  const pkey = row.phone ? phoneLookup(row.phone) : undefined;
  const live = (k: string | undefined) => {
    const t = k ? view.lookups.get(k) : undefined;
    return t && view.records.get(t) ? t : undefined;
  };
  const ownPk = prospectPk(prospectId(row));
  const target = live(ukey) ?? live(pkey) ?? (view.records.get(ownPk) ? ownPk : undefined);

  // Lookups this row adds: any of its keys that points nowhere (or to something gone) now points here.
  const lookupPuts = (targetPk: string) =>
    [ukey, pkey]
      .filter((k): k is string => !!k && !live(k))
      .map((k) => {
        const seen = view.lookups.get(k);
        return {
          key: k,
          item: {
            Put: {
              Item: { ...lookupKey(k), targetPk, updatedAt: at },
              ConditionExpression: seen ? 'targetPk = :seen' : 'attribute_not_exists(pk)',
              ...(seen ? { ExpressionAttributeValues: { ':seen': seen } } : {}),
            },
          },
        };
      });

  if (!target) {
    const spendByChannel = row.spendFen === undefined ? {} : { [row.channel]: row.spendFen };
    const item = {
      ...profileKey(ownPk),
      prospectId: ownPk.slice(PROSPECT_PREFIX.length),
      ...(row.phone ? { phone: row.phone } : {}),
      ...(row.unionid ? { unionid: row.unionid } : {}),
      ...(row.name ? { name: row.name } : {}),
      spendByChannel,
      spendFen: sum(spendByChannel),
      externalIds: row.externalId ? { [row.channel]: row.externalId } : {},
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    const puts = lookupPuts(ownPk);
    return {
      outcome: 'created',
      writes: { profile: { Put: { Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }, lookups: puts.map((p) => p.item) },
      after: () => {
        view.records.set(ownPk, item);
        for (const p of puts) view.lookups.set(p.key, ownPk);
      },
    };
  }

  const rec = view.records.get(target)!;
  if (row.unionid && rec.unionid !== undefined && rec.unionid !== row.unionid) {
    return { row: row.row, reason: 'unionid: this phone already belongs to someone with a different unionid' };
  }
  const set: Rec = {};
  if (row.name && rec.name !== row.name) set.name = row.name;
  if (row.unionid && rec.unionid !== row.unionid) set.unionid = row.unionid;
  const oldPhone = rec.phone;
  if (row.phone && oldPhone !== row.phone) set.phone = row.phone;
  const oldSpend = rec.spendByChannel ?? {};
  const oldSpendFen = rec.spendFen ?? 0;
  if (row.spendFen !== undefined && ownValue(oldSpend, row.channel) !== row.spendFen) {
    const spendByChannel = { ...oldSpend, [row.channel]: row.spendFen };
    set.spendByChannel = spendByChannel;
    set.spendFen = sum(spendByChannel);
  }
  const oldIds = rec.externalIds ?? {};
  if (row.externalId && ownValue(oldIds, row.channel) !== row.externalId) set.externalIds = { ...oldIds, [row.channel]: row.externalId };
  const puts = lookupPuts(target);
  if (Object.keys(set).length === 0 && puts.length === 0) return 'unchanged';

  // One phone per person, the latest imported: the old phone's lookup goes if it pointed here.
  const dropOldPhone = set.phone && oldPhone && view.lookups.get(phoneLookup(oldPhone)) === target ? phoneLookup(oldPhone) : undefined;
  const upgrade: TxWrite[] = [];
  if (isMemberPk(target) && typeof set.spendFen === 'number' && set.spendFen > oldSpendFen) {
    const level = rec.level ?? ports.levels[0]!.name;
    const effects = upgradeEffects(ports.levels, { openid: openidOfMemberPk(target), level, spendFen: set.spendFen }, rec.lifetimePoints ?? 0, at);
    Object.assign(set, effects.memberSet ?? {});
    for (const Item of effects.puts ?? []) upgrade.push({ Put: { Item } });
  }
  const version = rec.version ?? 0;
  const guard = versionGuard(version, { exists: true });
  return {
    outcome: 'merged',
    writes: {
      profile: {
        Update: {
          Key: profileKey(target),
          ...updateExpression({ set: { ...set, version: version + 1, updatedAt: at }, values: guard.values }),
          ConditionExpression: guard.ConditionExpression,
        },
      },
      dropOldPhone: dropOldPhone
        ? { Delete: { Key: lookupKey(dropOldPhone), ConditionExpression: 'targetPk = :t', ExpressionAttributeValues: { ':t': target } } }
        : undefined,
      upgrade,
      lookups: puts.map((p) => p.item),
    },
    after: () => {
      view.records.set(target, { ...rec, ...set, version: version + 1 });
      for (const p of puts) view.lookups.set(p.key, target);
      if (dropOldPhone) view.lookups.set(dropOldPhone, null);
    },
  };
}
