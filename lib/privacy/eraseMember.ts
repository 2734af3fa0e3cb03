import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { roundKey, shareKey } from '../redpacket/dynamoRoundStore';
import { batchWriteAll } from '../store/batchWrite';
import { createHash } from 'node:crypto';
import { isConditionFailure, type Table } from '../store/dynamo';
import { forgetLookups } from '../import/lookups';
import { memberItems } from './memberItems';

export type EraseResult = { status: 'erased'; itemsDeleted: number; couponsAnonymised: number } | { status: 'not-found' };

/** A one-way fingerprint, so the audit trail can answer "was this openid erased?" without keeping it. */
export function openidFingerprint(openid: string): string {
  return createHash('sha256').update(`erasure:${openid}`).digest('hex');
}

/**
 * Red-packet shares a member took stay in the rounds (their money adds up in the report) but lose
 * the openid, found through the member's round items; so does a best-luck record naming them.
 */
async function anonymiseShares(table: Table, items: Record<string, unknown>[], openid: string): Promise<void> {
  const erased = `erased:${openidFingerprint(openid).slice(0, 16)}`;
  for (const item of items.filter((i) => String(i.sk).startsWith('RPROUND#') && i.shareIndexes)) {
    const round = await table.doc.send(new GetCommand({ TableName: table.name, Key: roundKey(String(item.campaignId), String(item.day)) }));
    const snapshot = round.Item?.snapshot as { shards: number } | undefined;
    if (!snapshot) continue;
    const where = { campaignId: String(item.campaignId), day: String(item.day), shards: snapshot.shards };
    for (const index of item.shareIndexes as Set<number>) {
      await table.doc
        .send(new UpdateCommand({ TableName: table.name, Key: shareKey(where, 'TAKEN', index), UpdateExpression: 'SET openid = :e', ConditionExpression: 'openid = :o', ExpressionAttributeValues: { ':e': erased, ':o': openid } }))
        .catch((err: unknown) => { if (!isConditionFailure(err)) throw err; });
    }
    if ((round.Item?.bestLuck as { openid?: string } | undefined)?.openid === openid) {
      await table.doc.send(new UpdateCommand({ TableName: table.name, Key: roundKey(where.campaignId, where.day), UpdateExpression: 'SET bestLuck.openid = :e', ExpressionAttributeValues: { ':e': erased } }));
    }
  }
}

/**
 * Erasure on request (PIPL): every item under the member's partition is deleted; coupons they held
 * and red-packet shares they took stay for the merchant's accounts but lose the openid; an audit entry records when and how much,
 * with a fingerprint instead of the openid. Dedup records (which may quote a reply) expire within a
 * day by TTL. Running it twice is harmless.
 */
export async function eraseMember(table: Table, openid: string, nowMs: number, requestedBy: string): Promise<EraseResult> {
  const items = await memberItems(table, openid);
  const profile = items.find((i) => i.sk === 'PROFILE');
  if (!profile) return { status: 'not-found' };
  // Lookups by phone and unionid live outside the member's partition and carry the phone in their key.
  await forgetLookups(table, { phone: profile.phone as string | undefined, unionid: profile.unionid as string | undefined }, `MEMBER#${openid}`);
  const couponCodes = items.filter((i) => i.sk.startsWith('COUPON#')).map((i) => String(i.code ?? i.sk.split('#').pop()));
  for (const code of couponCodes) {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: { pk: `COUPON#${code}`, sk: 'COUPON' },
        UpdateExpression: 'SET openid = :erased, erasedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':erased': 'erased', ':at': new Date(nowMs).toISOString() },
      }),
    ).catch(() => undefined); // a coupon already gone needs no anonymising
  }
  await anonymiseShares(table, items, openid);
  // Profile last: if we die midway, the member still reads as present and the erasure can be rerun.
  const ordered = [...items.filter((i) => i.sk !== 'PROFILE'), ...items.filter((i) => i.sk === 'PROFILE')];
  await batchWriteAll(table, ordered.map((it) => ({ DeleteRequest: { Key: { pk: it.pk, sk: it.sk } } })), { what: 'erasure' });
  const at = new Date(nowMs).toISOString();
  await table.doc.send(
    new PutCommand({
      TableName: table.name,
      Item: { pk: 'AUDIT#ERASURE', sk: `${at}#${openidFingerprint(openid).slice(0, 16)}`, fingerprint: openidFingerprint(openid), at, requestedBy, itemsDeleted: items.length, couponsAnonymised: couponCodes.length },
    }),
  );
  return { status: 'erased', itemsDeleted: items.length, couponsAnonymised: couponCodes.length };
}
