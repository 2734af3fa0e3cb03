import { bonusWithin } from './budget';
import { shardOf } from './round';
import type { Claim, ClaimResult, RoundStore } from './roundStore';

/** Tries with a shrunk bonus before the grab settles for none (a claim without bonus needs no pool). */
const MAX_SHRINKS = 3;

/**
 * Claims a share with as much of its level bonus as the share's shard still holds. The store takes
 * the bonus from the shard's pool under a condition, so two grabs can never spend the same fen:
 * the one that loses reads what is left and tries again with that, and after a few tries with no
 * bonus. The share itself is never at stake: it is part of the round the budget approved.
 */
export async function claimWithinBonusPool(
  store: Pick<RoundStore, 'claim' | 'bonusLeft'>,
  c: Claim,
  limits: { perRound: number; perDay: number },
  leftSeenFen: number,
): Promise<{ result: Exclude<ClaimResult, 'bonus-short'>; bonusFen: number }> {
  let bonusFen = bonusWithin(c.bonusFen, leftSeenFen);
  for (let shrinks = 0; ; shrinks++) {
    const result = await store.claim({ ...c, bonusFen }, limits);
    if (result !== 'bonus-short') return { result, bonusFen };
    if (bonusFen === 0) throw new Error(`round ${c.round.campaignId}/${c.round.day}: a claim without bonus was refused for its bonus`);
    bonusFen = shrinks + 1 >= MAX_SHRINKS ? 0 : bonusWithin(bonusFen, await store.bonusLeft(c.round, shardOf(c.index, c.round.shards)));
  }
}
