import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet } from '../../store/batchGet';
import { isConditionFailure } from '../../store/dynamo';
import { couponKey, isCouponKey, MEMBER_COUPON_PREFIX } from '../../table';
import { withoutKeys, type MemberContext, type OutsideFamily } from '../family';

/** The codes of the coupons the member holds, from their copies in the member's partition. */
const codesOf = (ctx: MemberContext) => [
  ...new Set(ctx.items.filter((i) => i.sk.startsWith(MEMBER_COUPON_PREFIX)).map((i) => String(i.code ?? i.sk.split('#').pop()))),
];

/**
 * A coupon by its code (`COUPON#<code>`) stays redeemable and in the shop's accounts; erasure puts
 * the pseudonym in place of the openid.
 */
export const couponsHeld: OutsideFamily = {
  name: 'couponsHeld',
  action: 'anonymise',
  foundBy: 'owner record',
  how: "the member's copies (COUPON#<issuedAt>#<code> in their partition) name the codes",
  writtenBy: 'lib/coupons/dynamoCouponStore.ts',
  holds: isCouponKey,
  async export(ctx) {
    return [...(await batchGet(ctx.table, codesOf(ctx).map(couponKey))).values()].map(withoutKeys);
  },
  async erase(ctx) {
    let changed = 0;
    for (const code of codesOf(ctx)) {
      try {
        await ctx.table.doc.send(
          new UpdateCommand({
            TableName: ctx.table.name,
            Key: couponKey(code),
            UpdateExpression: 'SET openid = :p, erasedAt = :at',
            ConditionExpression: 'openid = :o',
            ExpressionAttributeValues: { ':p': ctx.pseudonym, ':o': ctx.openid, ':at': new Date(ctx.nowMs).toISOString() },
          }),
        );
        changed += 1;
      } catch (err) {
        // Anonymised by an earlier run, or gone: nothing names the member there. Anything else fails the step.
        if (!isConditionFailure(err)) throw err;
      }
    }
    return changed;
  },
};
