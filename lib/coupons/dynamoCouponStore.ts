import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, putIf, type Table } from '../store/dynamo';
import { queryAll } from '../store/queryAll';
import { queryPartition } from '../store/queryPartition';
import {
  COUPON_TEMPLATES_PK,
  couponIssueKey,
  couponKey,
  couponTemplateKey,
  decodeCoupon,
  decodeCouponTemplate,
  MEMBER_COUPON_PREFIX,
  memberCouponKey,
  memberKey,
  memberPk,
  serviceEventIndex,
  transactWrite,
  type TxWrite,
} from '../table';
import { couponState, type CouponTemplate } from './coupon';
import type { CouponStore, CouponTemplateStore } from './couponStore';

const MAX_ATTEMPTS = 25;

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * 2 ** attempt)));

export function dynamoCouponTemplates(table: Table): CouponTemplateStore {
  const key = couponTemplateKey;
  const put = (t: CouponTemplate, condition: string) => putIf(table, { ...key(t.id), template: t }, condition);
  return {
    list: async () => (await queryPartition(table, COUPON_TEMPLATES_PK)).map(decodeCouponTemplate),
    async get(id) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: key(id), ConsistentRead: true }));
      return out.Item ? decodeCouponTemplate(out.Item) : undefined;
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
    return out.Item ? decodeCoupon(out.Item) : undefined;
  };
  const byIdempotencyKey = async (openid: string, key: string) => {
    const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: couponIssueKey(openid, key), ConsistentRead: true }));
    return out.Item ? get(String(out.Item.code)) : undefined;
  };

  return {
    get,
    byIdempotencyKey,

    async issue(coupon, idempotencyKey) {
      const written = await transactWrite(table, {
        member: { ConditionCheck: { Key: memberKey(coupon.openid), ConditionExpression: 'attribute_exists(pk)' } },
        coupon: { Put: { Item: { ...couponKey(coupon.code), ...coupon }, ConditionExpression: 'attribute_not_exists(pk)' } },
        // Indexed by expiry, for "coupon expiring tomorrow" notices (lib/reengage).
        memberCopy: { Put: { Item: { ...memberCouponKey(coupon), ...coupon, ...serviceEventIndex('COUPONEXP', coupon.openid, coupon.validUntil) } } },
        issueKey: idempotencyKey
          ? {
              Put: {
                Item: { ...couponIssueKey(coupon.openid, idempotencyKey), code: coupon.code, at: coupon.issuedAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            }
          : undefined,
      });
      if (written.status === 'written') return { status: 'issued' };
      if (written.failed.has('member')) return { status: 'no-member' };
      if (idempotencyKey && written.failed.has('issueKey')) {
        const earlier = await byIdempotencyKey(coupon.openid, idempotencyKey);
        if (earlier) return { status: 'duplicate', coupon: earlier };
      }
      // A code collision (one in 2⁶⁰) or a conflicting transaction: the caller tries again with a new code.
      return { status: 'code-taken' };
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
        const memberCopyUpdate: TxWrite | undefined = memberCopy
          ? { Update: { Key: memberCouponKey(coupon), ...set, ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: values } }
          : undefined;
        const written = await transactWrite(table, {
          coupon: {
            Update: {
              Key: couponKey(code),
              ...set,
              ConditionExpression: '#status = :issued AND validFrom <= :now AND validUntil >= :now',
              ExpressionAttributeValues: { ...values, ':issued': 'issued' },
            },
          },
          memberCopy: memberCopyUpdate,
        });
        if (written.status === 'written')
          return { status: 'redeemed', coupon: { ...coupon, status: 'redeemed', redeemedAt: now, ...(by ? { redeemedBy: by } : {}) } };
        if (memberCopy && !written.failed.has('coupon') && written.failed.has('memberCopy')) {
          memberCopy = false;
          continue;
        }
        // Someone else redeemed it (or the transactions conflicted): re-read to say which.
        await pause(attempt);
      }
      throw new Error(`coupons: gave up redeeming ${code} after ${MAX_ATTEMPTS} attempts under contention`);
    },

    async listOf(openid) {
      const items = await queryAll(table, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':pk': memberPk(openid), ':c': MEMBER_COUPON_PREFIX },
        ScanIndexForward: false,
        ConsistentRead: true,
      });
      return items.map(decodeCoupon);
    },
  };
}
