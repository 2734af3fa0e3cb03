import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../clock/clock';
import type { Level } from '../levels/levels';
import { upgradeEffects } from '../levels/upgrade';
import type { Interaction } from '../members/member';
import { errorName, type Table } from '../store/dynamo';
import {
  decodeLinkNote,
  decodePerson,
  isProspectPk,
  linkNoteKey,
  lookupKey,
  lookupTarget,
  memberPk,
  openidOfMemberPk,
  PENDING_LINKS_PK,
  phoneLookup,
  profileKey,
  transactWrite,
  unionidLookup,
  updateExpression,
  versionGuard,
  type PersonItem,
  type TxWrite,
} from '../table';
import type { ApiResult } from '../wechat/apiResult';
import type { UserInfo } from '../wechat/api';
import { pool } from './importRows';
import { log } from '../observability/log';
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
          Item: { ...linkNoteKey(new Date(interaction.at).toISOString(), openid), openid, expiresAt: Math.floor(interaction.at / 1000) + PENDING_TTL_SECONDS },
        }),
      );
    } catch (err) {
      // The hook must not throw: the follower still gets their reply; the link waits for their next follow or import.
      log.error('could not note a follower for prospect linking', { err: errorName(err) });
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
    new QueryCommand({
      TableName: ports.table.name,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PENDING_LINKS_PK },
      Limit: opts.limit ?? 200,
      ConsistentRead: true,
    }),
  );
  const notes = (out.Items ?? []).map(decodeLinkNote);
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
  const ownPk = memberPk(openid);
  const get = async (key: { pk: string; sk: string }) => (await table.doc.send(new GetCommand({ TableName: table.name, Key: key, ConsistentRead: true }))).Item;
  const profile = async (pk: string) => {
    const item = await get(profileKey(pk));
    return item && decodePerson(item);
  };

  for (let attempt = 0; attempt < 10; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));
    const member = await profile(ownPk);
    if (!member) return 'no-member';
    const at = new Date(ports.clock.now()).toISOString();
    const ukey = unionidLookup(unionid);
    const pointsTo = lookupTarget(await get(lookupKey(ukey)));
    const prospect = pointsTo && isProspectPk(pointsTo) ? await profile(pointsTo) : undefined;
    const other = pointsTo && pointsTo !== ownPk && !prospect ? await get(profileKey(pointsTo)) : undefined;
    if (other) return 'conflict'; // the unionid already belongs to another live member
    try {
      // No prospect: remember the unionid so later imports find this follower.
      const written = prospect
        ? await transactWrite(table, await mergeItems(ports, { member, prospect, unionid, at, note }))
        : await transactWrite(table, {
            profile: {
              Update: {
                Key: profileKey(ownPk),
                UpdateExpression: 'SET unionid = :u',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':u': unionid },
              },
            },
            lookup: {
              Put: {
                Item: { ...lookupKey(ukey), targetPk: ownPk, updatedAt: at },
                ConditionExpression: pointsTo ? 'targetPk = :seen' : 'attribute_not_exists(pk)',
                ...(pointsTo ? { ExpressionAttributeValues: { ':seen': pointsTo } } : {}),
              },
            },
          });
      if (written.status === 'written') return prospect ? 'linked' : 'unionid-recorded';
    } catch (err) {
      if (errorName(err) !== 'TransactionConflictException') throw err;
    }
  }
  return 'retry-later';
}

/** The prospect's data joins the member (the member's own values win), its lookups move, it and the note go. */
async function mergeItems(ports: LinkPorts, m: { member: PersonItem; prospect: PersonItem; unionid: string; at: string; note?: { pk: string; sk: string } }) {
  const { table } = ports;
  const { member, prospect, unionid, at } = m;
  const memberPk = member.pk;
  const prospectPk = prospect.pk;
  const spendByChannel = { ...prospect.spendByChannel, ...member.spendByChannel };
  const spendFen = Object.values(spendByChannel).reduce((a, b) => a + b, 0);
  const set: Record<string, unknown> = {
    unionid,
    spendByChannel,
    spendFen,
    externalIds: { ...prospect.externalIds, ...member.externalIds },
    mergedProspectAt: at,
  };
  const name = member.name ?? prospect.name;
  if (name) set.name = name;
  const phone = member.phone ?? prospect.phone;
  if (phone) set.phone = phone;
  const upgrade: TxWrite[] = [];
  if (spendFen > (member.spendFen ?? 0)) {
    const levels = await ports.levels();
    const effects = upgradeEffects(
      levels,
      { openid: openidOfMemberPk(memberPk), level: member.level ?? levels[0]!.name, spendFen },
      member.lifetimePoints ?? 0,
      at,
    );
    Object.assign(set, effects.memberSet ?? {});
    for (const Item of effects.puts ?? []) upgrade.push({ Put: { Item } });
  }
  const version = member.version ?? 0;
  const guard = versionGuard(version, { exists: true });
  const moves: TxWrite[] = [];
  // Re-point the prospect's lookups. Its phone lookup moves only if that phone is the member's
  // phone now (one phone per person); otherwise it goes, like the prospect.
  const lookups: { key: string; keep: boolean }[] = [{ key: unionidLookup(unionid), keep: true }];
  if (typeof prospect.phone === 'string') {
    const key = phoneLookup(prospect.phone);
    const current = lookupTarget((await table.doc.send(new GetCommand({ TableName: table.name, Key: lookupKey(key), ConsistentRead: true }))).Item);
    if (current === undefined || current === prospectPk || current === memberPk) lookups.push({ key, keep: set.phone === prospect.phone });
  }
  for (const { key, keep } of lookups) {
    const condition = {
      ConditionExpression: 'attribute_not_exists(pk) OR targetPk = :from OR targetPk = :to',
      ExpressionAttributeValues: { ':from': prospectPk, ':to': memberPk },
    };
    moves.push(
      keep ? { Put: { Item: { ...lookupKey(key), targetPk: memberPk, updatedAt: at }, ...condition } } : { Delete: { Key: lookupKey(key), ...condition } },
    );
  }
  return {
    member: {
      Update: {
        Key: profileKey(memberPk),
        ...updateExpression({ set: { ...set, version: version + 1, updatedAt: at }, values: guard.values }),
        ConditionExpression: guard.ConditionExpression,
      },
    },
    upgrade,
    prospect: { Delete: { Key: profileKey(prospectPk), ConditionExpression: 'version = :pv', ExpressionAttributeValues: { ':pv': prospect.version } } },
    lookups: moves,
    note: m.note && { Delete: { Key: m.note } },
  };
}
