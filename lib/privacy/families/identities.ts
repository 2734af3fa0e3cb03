import { forgetLookups, prospectId } from '../../import/lookups';
import { batchGet } from '../../store/batchGet';
import { deleteIfExists } from '../../store/dynamo';
import {
  decodePerson,
  isLookupKey,
  isProspectPk,
  lookupKey,
  lookupTarget,
  memberPk,
  phoneLookup,
  profileKey,
  prospectPk,
  unionidLookup,
  type PersonItem,
} from '../../table';
import { withoutKeys, type MemberContext, type OutsideFamily } from '../family';

/** The phone and unionid the member is known by in other channels (on the profile). */
export function identitiesOf(ctx: MemberContext): { phone?: string; unionid?: string } {
  if (!ctx.profile) return { phone: undefined, unionid: undefined };
  const { phone, unionid } = decodePerson(ctx.profile);
  return { phone, unionid };
}

const lookupPks = (who: { phone?: string; unionid?: string }) =>
  [who.phone && phoneLookup(who.phone), who.unionid && unionidLookup(who.unionid)].filter((k): k is string => !!k);

/**
 * Imported records of the same person not (yet) merged into the member: reached through the
 * lookups of the member's phone and unionid, and by the prospect id those give (it is derived from them).
 */
async function prospectsOf(ctx: MemberContext): Promise<PersonItem[]> {
  const who = identitiesOf(ctx);
  const lookups = await batchGet(ctx.table, lookupPks(who).map(lookupKey));
  const candidates = new Set<string>([...lookups.values()].map((l) => String(lookupTarget(l))).filter(isProspectPk));
  if (who.unionid) candidates.add(prospectPk(prospectId({ unionid: who.unionid })));
  if (who.phone) candidates.add(prospectPk(prospectId({ phone: who.phone })));
  const found = await batchGet(ctx.table, [...candidates].map(profileKey));
  return [...found.values()].map(decodePerson).filter((p) => (!!who.phone && p.phone === who.phone) || (!!who.unionid && p.unionid === who.unionid));
}

export const prospects: OutsideFamily = {
  name: 'prospects',
  action: 'delete',
  foundBy: 'reverse index',
  how: "lookups of the member's phone and unionid (LOOKUP#PHONE#…, LOOKUP#UNIONID#…) and the prospect id derived from them",
  writtenBy: 'lib/import/importRows.ts',
  holds: (key) => isProspectPk(key.pk),
  export: async (ctx) => (await prospectsOf(ctx)).map(withoutKeys),
  async erase(ctx) {
    let changed = 0;
    for (const p of await prospectsOf(ctx)) {
      // Its lookups first: once the prospect is gone, nothing would lead to them.
      await forgetLookups(ctx.table, { phone: p.phone, unionid: p.unionid }, p.pk);
      if (await deleteIfExists(ctx.table, { pk: p.pk, sk: p.sk })) changed += 1;
    }
    return changed;
  },
};

/** Lookups hold the phone or unionid in their key and point to the member: deleted (those pointing elsewhere belong to someone else now). */
export const lookups: OutsideFamily = {
  name: 'lookups',
  action: 'delete',
  foundBy: 'reverse index',
  how: "the profile's phone and unionid give the lookup keys",
  writtenBy: 'lib/import/importRows.ts, lib/import/linkProspects.ts',
  holds: isLookupKey,
  async export(ctx) {
    const found = await batchGet(ctx.table, lookupPks(identitiesOf(ctx)).map(lookupKey));
    return [...found.values()].filter((l) => lookupTarget(l) === memberPk(ctx.openid)).map((l) => ({ key: l.pk, updatedAt: l.updatedAt }));
  },
  erase: (ctx) => forgetLookups(ctx.table, identitiesOf(ctx), memberPk(ctx.openid)),
};
