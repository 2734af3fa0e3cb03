import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, itemAt } from '../../store/batchGet';
import { isConditionFailure, type Table } from '../../store/dynamo';
import { decodeMemberRound, decodeRound, isRoundKey, isTakenShareKey, MEMBER_ROUND_PREFIX, roundKey, shareKey, type TableItem } from '../../table';
import { withoutKeys, type ErasureContext, type MemberContext, type OutsideFamily } from '../family';

/** The rounds the member grabbed in, from their `RPROUND#<campaign>#<day>` items (which list the share indexes). */
async function roundsOf(ctx: MemberContext) {
  const mine = ctx.items
    .filter((i) => i.sk.startsWith(MEMBER_ROUND_PREFIX))
    .flatMap((item) => {
      const { campaignId, day, shareIndexes } = decodeMemberRound(item);
      return campaignId && day ? [{ campaignId, day, shareIndexes }] : [];
    });
  const rounds = await batchGet(
    ctx.table,
    mine.map((m) => roundKey(m.campaignId, m.day)),
  );
  return mine.flatMap((m) => {
    const item = itemAt(rounds, roundKey(m.campaignId, m.day));
    return item ? [{ mine: m, item, round: decodeRound(item) }] : [];
  });
}

/** The TAKEN share items of the member's grabs (their openid, or the pseudonym once anonymised). */
export async function takenShares(ctx: MemberContext): Promise<TableItem[]> {
  const keys = (await roundsOf(ctx)).flatMap(({ mine, round }) => {
    const shards = round.snapshot.shards;
    if (!shards) return [];
    return [...(mine.shareIndexes ?? [])].map((i) => shareKey({ campaignId: mine.campaignId, day: mine.day, shards }, 'TAKEN', i));
  });
  return [...(await batchGet(ctx.table, keys)).values()];
}

/** `SET <path> = pseudonym` where it still names the member; false when it does not (anonymised already). */
async function replaceOpenid(table: Table, key: { pk: string; sk: string }, path: string, ctx: ErasureContext): Promise<boolean> {
  try {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: key,
        UpdateExpression: `SET ${path} = :p`,
        ConditionExpression: `${path} = :o`,
        ExpressionAttributeValues: { ':p': ctx.pseudonym, ':o': ctx.openid },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Shares the member took stay in their rounds (the money adds up in the report) under the pseudonym. */
export const redPacketShares: OutsideFamily = {
  name: 'redPacketShares',
  action: 'anonymise',
  foundBy: 'owner record',
  how: "the member's RPROUND#<campaign>#<day> items list the indexes of the shares they took",
  writtenBy: 'lib/redpacket/dynamoRoundStore.ts (claim)',
  holds: isTakenShareKey,
  export: async (ctx) =>
    (await takenShares(ctx)).map((s) => {
      const [, campaignId, day] = s.pk.split('#'); // RPSHARD#<campaign>#<day>#<shard>
      return { campaignId, day, ...withoutKeys(s) };
    }),
  async erase(ctx) {
    let changed = 0;
    for (const share of await takenShares(ctx)) if (await replaceOpenid(ctx.table, { pk: share.pk, sk: share.sk }, 'openid', ctx)) changed += 1;
    return changed;
  },
};

/** A round's luckiest grabber (`bestLuck` on `RPROUNDS#<campaign>` / day), under the pseudonym. */
export const roundBestLuck: OutsideFamily = {
  name: 'roundBestLuck',
  action: 'anonymise',
  foundBy: 'owner record',
  how: "the member's RPROUND#<campaign>#<day> items name the rounds; the round's bestLuck is checked",
  writtenBy: 'lib/redpacket/closeRound.ts (finishClose)',
  holds: isRoundKey,
  async export(ctx) {
    return (await roundsOf(ctx))
      .filter(({ round }) => round.bestLuck?.openid === ctx.openid)
      .map(({ mine, round }) => ({ campaignId: mine.campaignId, day: mine.day, bestLuck: round.bestLuck, prize: round.prize }));
  },
  async erase(ctx) {
    let changed = 0;
    for (const { item, round } of await roundsOf(ctx)) {
      if (round.bestLuck?.openid !== ctx.openid) continue;
      if (await replaceOpenid(ctx.table, { pk: item.pk, sk: item.sk }, 'bestLuck.openid', ctx)) changed += 1;
    }
    return changed;
  },
};
