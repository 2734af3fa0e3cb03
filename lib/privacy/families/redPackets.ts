import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { roundKey, shareKey } from '../../redpacket/dynamoRoundStore';
import { batchGet } from '../../store/batchGet';
import { isConditionFailure, type Table } from '../../store/dynamo';
import { withoutKeys, type ErasureContext, type MemberContext, type Item, type OutsideFamily } from '../family';

/** The rounds the member grabbed in, from their `RPROUND#<campaign>#<day>` items (which list the share indexes). */
async function roundsOf(ctx: MemberContext): Promise<{ mine: Item; round: Record<string, unknown> }[]> {
  const mine = ctx.items.filter((i) => i.sk.startsWith('RPROUND#') && i.campaignId && i.day);
  const rounds = await batchGet(ctx.table, mine.map((i) => roundKey(String(i.campaignId), String(i.day))));
  return mine.flatMap((m) => {
    const k = roundKey(String(m.campaignId), String(m.day));
    const round = rounds.get(`${k.pk}|${k.sk}`);
    return round ? [{ mine: m, round }] : [];
  });
}

/** The TAKEN share items of the member's grabs (their openid, or the pseudonym once anonymised). */
export async function takenShares(ctx: MemberContext): Promise<Item[]> {
  const keys = (await roundsOf(ctx)).flatMap(({ mine, round }) => {
    const shards = (round.snapshot as { shards?: number } | undefined)?.shards;
    if (!shards) return [];
    const where = { campaignId: String(mine.campaignId), day: String(mine.day), shards };
    return [...((mine.shareIndexes as Set<number> | undefined) ?? [])].map((i) => shareKey(where, 'TAKEN', Number(i)));
  });
  return [...(await batchGet(ctx.table, keys)).values()] as Item[];
}

/** `SET <path> = pseudonym` where it still names the member; false when it does not (anonymised already). */
async function replaceOpenid(table: Table, key: { pk: string; sk: string }, path: string, ctx: ErasureContext): Promise<boolean> {
  try {
    await table.doc.send(
      new UpdateCommand({ TableName: table.name, Key: key, UpdateExpression: `SET ${path} = :p`, ConditionExpression: `${path} = :o`, ExpressionAttributeValues: { ':p': ctx.pseudonym, ':o': ctx.openid } }),
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
  holds: (key) => key.pk.startsWith('RPSHARD#') && key.sk.startsWith('TAKEN#'),
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
  holds: (key) => key.pk.startsWith('RPROUNDS#'),
  async export(ctx) {
    return (await roundsOf(ctx))
      .filter(({ round }) => (round.bestLuck as { openid?: string } | undefined)?.openid === ctx.openid)
      .map(({ mine, round }) => ({ campaignId: mine.campaignId, day: mine.day, bestLuck: round.bestLuck, prize: round.prize }));
  },
  async erase(ctx) {
    let changed = 0;
    for (const { round } of await roundsOf(ctx)) {
      if ((round.bestLuck as { openid?: string } | undefined)?.openid !== ctx.openid) continue;
      if (await replaceOpenid(ctx.table, { pk: String(round.pk), sk: String(round.sk) }, 'bestLuck.openid', ctx)) changed += 1;
    }
    return changed;
  },
};
