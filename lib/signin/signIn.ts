import { businessDay } from '../clock/timeZone';
import { planContext, type PointsPorts } from '../members/grantPoints';
import { planPointsChange } from '../members/planPointsChange';

export interface SignInRules {
  pointsPerDay: number;
  /** Extra points on reaching a streak length, e.g. { 7: 50 }. */
  streakBonuses: Record<number, number>;
}

export const DEFAULT_SIGNIN_RULES: SignInRules = { pointsPerDay: 10, streakBonuses: { 7: 50, 30: 300 } };

export type SignInResult =
  | { status: 'signed-in'; day: string; streak: number; points: number; bonus: number; balance: number; level: string; upgradedTo?: string }
  | { status: 'already'; day: string; streak: number; balance: number }
  | { status: 'not-a-member' };

export function previousDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Yesterday continues the streak, today repeats it, anything older starts again at 1. */
export function nextStreak(lastDay: string | undefined, streak: number | undefined, today: string): number {
  if (lastDay === previousDay(today)) return (streak ?? 0) + 1;
  return 1;
}

export interface SignInPorts extends PointsPorts {
  rules: () => Promise<SignInRules>;
  timeZone: string;
}

/**
 * Once per business day in the account's time zone. The idempotency key is the day, so a second
 * sign-in that day (or two racing at once) awards nothing; streak and level move in the same write.
 */
export async function signIn(ports: SignInPorts, openid: string): Promise<SignInResult> {
  const [ctx, rules] = await Promise.all([planContext(ports), ports.rules()]);
  const now = ctx.nowMs;
  const day = businessDay(now, ports.timeZone);
  let planned: { streak: number; points: number; bonus: number; upgradedTo?: string } = { streak: 0, points: 0, bonus: 0, upgradedTo: undefined };
  let seen = { points: 0, streak: 0 };
  const result = await ports.ledger.apply(
    openid,
    (m) => {
      const streak = nextStreak(m.lastSignInDay, m.signInStreak, day);
      const multiplier = ctx.levels.find((l) => l.name === m.level)?.benefits.pointsMultiplier ?? 1;
      const bonus = rules.streakBonuses[streak] ?? 0;
      const points = Math.round(rules.pointsPerDay * multiplier) + bonus;
      seen = { points: m.points, streak: m.lastSignInDay === day ? (m.signInStreak ?? 1) : 0 };
      const change = {
        delta: points,
        reason: bonus ? `签到（连续 ${streak} 天，奖励 ${bonus}）` : `签到（连续 ${streak} 天）`,
        idempotencyKey: `signin:${day}`,
        kind: 'signin' as const,
      };
      const plan = planPointsChange(ctx, m, change, { lastSignInDay: day, signInStreak: streak });
      const upgradedTo = plan.memberSet?.level;
      planned = { streak, points, bonus, upgradedTo };
      return plan;
    },
    now,
  );
  switch (result.status) {
    case 'applied':
      return { status: 'signed-in', day, ...planned, balance: result.member.points, level: result.member.level };
    case 'duplicate':
      // The plan saw the member as it is now: today's streak and the current balance.
      return { status: 'already', day, streak: seen.streak, balance: seen.points };
    default:
      return { status: 'not-a-member' };
  }
}
