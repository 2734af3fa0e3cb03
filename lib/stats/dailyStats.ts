/**
 * Daily numbers, kept as counters per business day while events happen (never recomputed by scans).
 * Counter names: newFollowers, unfollows, activeMembers, signIns, pointsIssued, pointsRedeemed,
 * levelUpgrades, redPacketFen (red-packet money won, bonus included), reengagementSent, reengaged
 * (members who came back after a re-engagement notice, on the day they came back), and
 * `newFollowers:<scene>` per parametric QR source.
 */
export const COUNTERS = [
  'newFollowers',
  'unfollows',
  'activeMembers',
  'signIns',
  'pointsIssued',
  'pointsRedeemed',
  'levelUpgrades',
  'redPacketFen',
  'reengagementSent',
  'reengaged',
] as const;
export type Counter = (typeof COUNTERS)[number];

export interface DayNumbers {
  day: string;
  newFollowers: number;
  unfollows: number;
  netGrowth: number;
  activeMembers: number;
  signIns: number;
  pointsIssued: number;
  pointsRedeemed: number;
  levelUpgrades: number;
  redPacketSpendFen: number;
  reengagementSent: number;
  reengaged: number;
  /** reengaged / reengagementSent that day (0 when nothing was sent). */
  reengagementRate: number;
  newFollowersBySource: Record<string, number>;
}

export interface StatsStore {
  /** Adds to the day's counters; `spreadKey` picks the shard so a crowd does not hit one item. */
  add(day: string, counts: Partial<Record<string, number>>, spreadKey: string): Promise<void>;
  /** Marks the member active that day; true only the first time (so active members are distinct). */
  markActive(day: string, openid: string): Promise<boolean>;
  /** Summed counters per day. */
  read(days: string[]): Promise<Map<string, Record<string, number>>>;
}

export function toDayNumbers(day: string, raw: Record<string, number> = {}): DayNumbers {
  const n = (k: string) => raw[k] ?? 0;
  const bySource: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith('newFollowers:')) bySource[k.slice('newFollowers:'.length)] = v;
  return {
    day,
    newFollowers: n('newFollowers'),
    unfollows: n('unfollows'),
    netGrowth: n('newFollowers') - n('unfollows'),
    activeMembers: n('activeMembers'),
    signIns: n('signIns'),
    pointsIssued: n('pointsIssued'),
    pointsRedeemed: n('pointsRedeemed'),
    levelUpgrades: n('levelUpgrades'),
    redPacketSpendFen: n('redPacketFen'),
    reengagementSent: n('reengagementSent'),
    reengaged: n('reengaged'),
    reengagementRate: n('reengagementSent') ? Math.round((n('reengaged') / n('reengagementSent')) * 1000) / 1000 : 0,
    newFollowersBySource: bySource,
  };
}

/** Every calendar day from `from` to `to` inclusive (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  const d = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  while (d <= end) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}
