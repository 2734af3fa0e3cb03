import { serviceEventIndex } from '../notices/serviceEvents';
import { queryAll } from '../store/queryAll';
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { memberKey } from '../members/dynamoMemberStore';
import { cancellationCodes, isConditionFailure, putIf, type Table } from '../store/dynamo';
import { queryPartition } from '../store/queryPartition';
import { couponState, type Coupon, type CouponTemplate } from './coupon';
import type { CouponStore, CouponTemplateStore } from './couponStore';

const TEMPLATE_PK = 'CONFIG#COUPON_TEMPLATE';
const MAX_ATTEMPTS = 25;

export const couponKey = (code: string) => ({ pk: `COUPON#${code}`, sk: 'COUPON' });
export const memberCouponKey = (c: Pick<Coupon, 'openid' | 'issuedAt' | 'code'>) => ({ pk: `MEMBER#${c.openid}`, sk: `COUPON#${c.issuedAt}#${c.code}` });
const issueKey = (openid: string, key: string) => ({ pk: `MEMBER#${openid}`, sk: `COUPONKEY#${key}` });

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));

function toCoupon(item: Record<string, unknown>): Coupon {
  const { pk: _pk, sk: _sk, gsi1pk: _ipk, gsi1sk: _isk, ...rest } = item;
  return rest as unknown as Coupon;
}

export function dynamoCouponTemplates(table: Table): CouponTemplateStore {
  const key = (id: string) => ({ pk: TEMPLATE_PK, sk: id });
  const put = (t: CouponTemplate, condition: string) => putIf(table, { ...key(t.id), template: t }, condition);
  return {
    list: async () => (await queryPartition(table, TEMPLATE_PK)).map((item) => item.template as CouponTemplate),
    async get(id) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: key(id), ConsistentRead: true }));
      return out.Item?.template as CouponTemplate | undefined;
    },
    create: (t) => put(t, 'attribute_not_exists(pk)'),
    replace: (t) => put(t, 'attribute_exists(pk)'),
    async remove(id) {
      try {
        await table.doc.send(new DeleteCommand({ TableName: table.name, Key: key(id), ConditionExpression: 'attribute_exists(pk)' }));
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
  };
}

/**
 * A coupon is two items written in one transaction: `COUPON#<code>/COUPON` (redeem by code is one
 * key) and `MEMBER#<openid>/COUPON#<issuedAt>#<code>` (a member's list is one query). Redeeming
 * updates both in one transaction guarded by the coupon's status and window.
 */
export function dynamoCoupons(table: Table): CouponStore {
  const get = async (code: string) => {
    const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: couponKey(code), ConsistentRead: true }));
    return out.Item ? toCoupon(out.Item) : undefined;
  };
  const byIdempotencyKey = async (openid: string, key: string) => {
    const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: issueKey(openid, key), ConsistentRead: true }));
    return out.Item ? get(String(out.Item.code)) : undefined;
  };

  return {
    get,
    byIdempotencyKey,

    async issue(coupon, idempotencyKey) {
      try {
        await table.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { ConditionCheck: { TableName: table.name, Key: memberKey(coupon.openid), ConditionExpression: 'attribute_exists(pk)' } },
              { Put: { TableName: table.name, Item: { ...couponKey(coupon.code), ...coupon }, ConditionExpression: 'attribute_not_exists(pk)' } },
              // Indexed by expiry, for "coupon expiring tomorrow" notices (lib/reengage).
              { Put: { TableName: table.name, Item: { ...memberCouponKey(coupon), ...coupon, ...serviceEventIndex('COUPONEXP', coupon.openid, coupon.validUntil) } } },
              ...(idempotencyKey
                ? [{ Put: { TableName: table.name, Item: { ...issueKey(coupon.openid, idempotencyKey), code: coupon.code, at: coupon.issuedAt }, ConditionExpression: 'attribute_not_exists(pk)' } }]
                : []),
            ],
          }),
        );
        return { status: 'issued' };
      } catch (err) {
        const codes = cancellationCodes(err);
        if (!codes) throw err;
        if (codes[0] === 'ConditionalCheckFailed') return { status: 'no-member' };
        if (idempotencyKey && codes[3] === 'ConditionalCheckFailed') {
          const earlier = await byIdempotencyKey(coupon.openid, idempotencyKey);
          if (earlier) return { status: 'duplicate', coupon: earlier };
        }
        // A code collision (one in 2⁶⁰) or a conflicting transaction: the caller tries again with a new code.
        return { status: 'code-taken' };
      }
    },

    async redeem(code, nowMs, by) {
      const now = new Date(nowMs).toISOString();
      // The member's copy is gone when the member was erased (the coupon itself stays redeemable).
      let memberCopy = true;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const coupon = await get(code);
        if (!coupon) return { status: 'unknown' };
        const state = couponState(coupon, nowMs);
        if (state === 'redeemed') return { status: 'already-redeemed', coupon };
        if (state === 'expired') return { status: 'expired', coupon };
        if (state === 'not-yet-valid') return { status: 'not-yet-valid', coupon };
        const set = {
          UpdateExpression: `SET #status = :redeemed, redeemedAt = :now${by ? ', redeemedBy = :by' : ''}`,
          ExpressionAttributeNames: { '#status': 'status' },
        };
        const values = { ':redeemed': 'redeemed', ':now': now, ...(by ? { ':by': by } : {}) };
        try {
          await table.doc.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: table.name,
                    Key: couponKey(code),
                    ...set,
                    ConditionExpression: '#status = :issued AND validFrom <= :now AND validUntil >= :now',
                    ExpressionAttributeValues: { ...values, ':issued': 'issued' },
                  },
                },
                ...(memberCopy
                  ? [{ Update: { TableName: table.name, Key: memberCouponKey(coupon), ...set, ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: values } }]
                  : []),
              ],
            }),
          );
          return { status: 'redeemed', coupon: { ...coupon, status: 'redeemed', redeemedAt: now, ...(by ? { redeemedBy: by } : {}) } };
        } catch (err) {
          const codes = cancellationCodes(err);
          if (!codes) throw err;
          if (memberCopy && codes[0] !== 'ConditionalCheckFailed' && codes[1] === 'ConditionalCheckFailed') {
            memberCopy = false;
            continue;
          }
          // Someone else redeemed it (or the transactions conflicted): re-read to say which.
          await pause(attempt);
        }
      }
      throw new Error(`coupons: gave up redeeming ${code} after ${MAX_ATTEMPTS} attempts under contention`);
    },

    async listOf(openid) {
      const items = await queryAll(table, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':pk': `MEMBER#${openid}`, ':c': 'COUPON#' },
        ScanIndexForward: false,
        ConsistentRead: true,
      });
      return items.map(toCoupon);
    },
  };
}
