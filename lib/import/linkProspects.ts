import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../clock/clock';
import type { Level } from '../levels/levels';
import { upgradeEffects } from '../levels/upgrade';
import type { Interaction } from '../members/member';
import type { Table } from '../store/dynamo';
import type { ApiResult } from '../wechat/apiResult';
import type { UserInfo } from '../wechat/api';
import { LOOKUP_SK, lookupKey, phoneLookup, unionidLookup } from './lookups';
import { pool } from './importRows';
import { log } from '../observability/log';

/** New subscribers waiting to be linked to an imported prospect (one partition, sorted by time). */
export const PENDING_PK = 'LINK#PENDING';
/** A note nobody could process (WeChat unreachable for a week) expires by TTL. */
const PENDING_TTL_SECONDS = 7 * 24 * 3600;

/**
 * The callback's part: one cheap put per subscribe, no outbound call (the callback must answer
 * within WeChat's 5 s). Used as (part of) the conversation's `onInteraction`.
 */
export function notePendingLinks(table: Table) {
  return async (openid: string, interaction: Interaction): Promise<void> => {
    if (interaction.kind !== 'event' || interaction.event !== 'subscribe') return;
    try {
      await table.doc.send(
        new PutCommand({
          TableName: table.name,
          Item: { pk: PENDING_PK, sk: `${new Date(interaction.at).toISOString()}#${openid}`, openid, expiresAt: Math.floor(interaction.at / 1000) + PENDING_TTL_SECONDS },
        }),
      );
    } catch (err) {
      // The hook must not throw: the follower still gets their reply; the link waits for their next follow or import.
      log.error('could not note a follower for prospect linking', { err: (err as Error).name });
    }
  };
}

export interface LinkPorts {
  table: Table;
  api: { getUserInfo(openid: string): Promise<ApiResult<UserInfo>> };
  levels: () => Promise<readonly Level[]>;
  clock: Clock;
}

export type LinkOutcome = 'linked' | 'unionid-recorded' | 'no-unionid' | 'no-member' | 'conflict' | 'retry-later';

export interface LinkSummary {
  checked: number;
  outcomes: Partial<Record<LinkOutcome, number>>;
}

/**
 * The scheduled part (handlers/link-prospects.ts): takes pending notes oldest first, asks WeChat
 * for each follower's unionid, and merges a prospect with that unionid into the member. A note is
 * deleted once handled; when WeChat cannot be reached it stays for the next run.
 */
export async function linkPendingProspects(ports: LinkPorts, opts: { limit?: number; concurrency?: number } = {}): Promise<LinkSummary> {
  const out = await ports.table.doc.send(
    new QueryCommand({ TableName: ports.table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PENDING_PK }, Limit: opts.limit ?? 200, ConsistentRead: true }),
  );
  const notes = (out.Items ?? []) as { pk: string; sk: string; openid: string }[];
  const summary: LinkSummary = { checked: notes.length, outcomes: {} };
  await pool(notes, opts.concurrency ?? 10, async (note) => {
    const outcome = await linkFollower(ports, note.openid, { pk: note.pk, sk: note.sk });
    summary.outcomes[outcome] = (summary.outcomes[outcome] ?? 0) + 1;
    if (outcome !== 'retry-later' && outcome !== 'linked') {
      await ports.table.doc.send(new DeleteCommand({ TableName: ports.table.name, Key: { pk: note.pk, sk: note.sk } }));
    }
  });
  return summary;
}

/** Links one follower: records their unionid (and its lookup) and merges the matching prospect, if any. */
export async function linkFollower(ports: LinkPorts, openid: string, note?: { pk: string; sk: string }): Promise<LinkOutcome> {
  const info = await ports.api.getUserInfo(openid);
  if (!info.ok) return info.error.kind === 'transient' || info.error.kind === 'token' ? 'retry-later' : 'no-member';
  const unionid = info.value.unionid;
  if (!unionid) return 'no-unionid';
  const { table } = ports;
  const memberPk = `MEMBER#${openid}`;
  const get = async (pk: string, sk: string) => (await table.doc.send(new GetCommand({ TableName: table.name, Key: { pk, sk }, ConsistentRead: true }))).Item;

  for (let attempt = 0; attempt < 10; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));
    const member = await get(memberPk, 'PROFILE');
    if (!member) return 'no-member';
    const at = new Date(ports.clock.now()).toISOString();
    const ukey = unionidLookup(unionid);
    const lookup = await get(ukey, LOOKUP_SK);
    const pointsTo = typeof lookup?.targetPk === 'string' ? lookup.targetPk : undefined;
    const prospect = pointsTo?.startsWith('PROSPECT#') ? await get(pointsTo, 'PROFILE') : undefined;
    const other = pointsTo && pointsTo !== memberPk && !prospect ? await get(pointsTo, 'PROFILE') : undefined;
    if (other) return 'conflict'; // the unionid already belongs to another live member
    try {
      if (!prospect) {
        // No prospect: remember the unionid so later imports find this follower.
        await table.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Update: { TableName: table.name, Key: { pk: memberPk, sk: 'PROFILE' }, UpdateExpression: 'SET unionid = :u', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':u': unionid } } },
              {
                Put: {
                  TableName: table.name,
                  Item: { ...lookupKey(ukey), targetPk: memberPk, updatedAt: at },
                  ConditionExpression: pointsTo ? 'targetPk = :seen' : 'attribute_not_exists(pk)',
                  ...(pointsTo ? { ExpressionAttributeValues: { ':seen': pointsTo } } : {}),
                },
              },
            ],
          }),
        );
        return 'unionid-recorded';
      }
      await table.doc.send(new TransactWriteCommand({ TransactItems: await mergeItems(ports, { member, prospect, unionid, at, note }) }));
      return 'linked';
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name !== 'TransactionCanceledException' && name !== 'TransactionConflictException') throw err;
    }
  }
  return 'retry-later';
}

type Rec = Record<string, unknown>;

/** The prospect's data joins the member (the member's own values win), its lookups move, it and the note go. */
async function mergeItems(ports: LinkPorts, m: { member: Rec; prospect: Rec; unionid: string; at: string; note?: { pk: string; sk: string } }) {
  const { table } = ports;
  const { member, prospect, unionid, at } = m;
  const memberPk = String(member.pk);
  const prospectPk = String(prospect.pk);
  const spendByChannel = { ...((prospect.spendByChannel ?? {}) as Record<string, number>), ...((member.spendByChannel ?? {}) as Record<string, number>) };
  const spendFen = Object.values(spendByChannel).reduce((a, b) => a + b, 0);
  const set: Rec = {
    unionid,
    spendByChannel,
    spendFen,
    externalIds: { ...((prospect.externalIds ?? {}) as Rec), ...((member.externalIds ?? {}) as Rec) },
    mergedProspectAt: at,
  };
  const name = member.name ?? prospect.name;
  if (name) set.name = name;
  const phone = member.phone ?? prospect.phone;
  if (phone) set.phone = phone;
  const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
  if (spendFen > Number(member.spendFen ?? 0)) {
    const levels = await ports.levels();
    const openid = memberPk.slice('MEMBER#'.length);
    const effects = upgradeEffects(levels, { openid, level: typeof member.level === 'string' ? member.level : levels[0]!.name, spendFen }, Number(member.lifetimePoints ?? 0), at);
    Object.assign(set, effects.memberSet ?? {});
    for (const Item of effects.puts ?? []) items.push({ Put: { TableName: table.name, Item } });
  }
  const version = Number(member.version ?? 0);
  const names: Record<string, string> = {};
  const values: Rec = { ':next': version + 1, ':at': at, ...(version ? { ':version': version } : {}) };
  const sets = Object.entries(set).map(([k, v], i) => ((names[`#a${i}`] = k), (values[`:a${i}`] = v), `#a${i} = :a${i}`));
  items.unshift({
    Update: {
      TableName: table.name,
      Key: { pk: memberPk, sk: 'PROFILE' },
      UpdateExpression: `SET ${[...sets, 'version = :next', 'updatedAt = :at'].join(', ')}`,
      ConditionExpression: version ? 'version = :version' : 'attribute_exists(pk) AND attribute_not_exists(version)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  });
  items.push({ Delete: { TableName: table.name, Key: { pk: prospectPk, sk: 'PROFILE' }, ConditionExpression: 'version = :pv', ExpressionAttributeValues: { ':pv': prospect.version } } });
  // Re-point the prospect's lookups. Its phone lookup moves only if that phone is the member's
  // phone now (one phone per person); otherwise it goes, like the prospect.
  const lookups: { key: string; keep: boolean }[] = [{ key: unionidLookup(unionid), keep: true }];
  if (typeof prospect.phone === 'string') {
    const key = phoneLookup(prospect.phone);
    const current = (await table.doc.send(new GetCommand({ TableName: table.name, Key: lookupKey(key), ConsistentRead: true }))).Item?.targetPk;
    if (current === undefined || current === prospectPk || current === memberPk) lookups.push({ key, keep: set.phone === prospect.phone });
  }
  for (const { key, keep } of lookups) {
    const condition = { ConditionExpression: 'attribute_not_exists(pk) OR targetPk = :from OR targetPk = :to', ExpressionAttributeValues: { ':from': prospectPk, ':to': memberPk } };
    items.push(keep ? { Put: { TableName: table.name, Item: { ...lookupKey(key), targetPk: memberPk, updatedAt: at }, ...condition } } : { Delete: { TableName: table.name, Key: lookupKey(key), ...condition } });
  }
  if (m.note) items.push({ Delete: { TableName: table.name, Key: m.note } });
  return items;
}

