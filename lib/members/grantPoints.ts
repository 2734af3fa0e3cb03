import type { Clock } from '../clock/clock';
import type { Level } from '../levels/levels';
import { DEFAULT_EXPIRY_POLICY, type ExpiryPolicy } from './pointLots';
import { planPointsChange } from './planPointsChange';
import type { PointsChange, PointsResult } from './points';
import type { PointsLedger } from './pointsLedger';

export interface PointsPorts {
  ledger: PointsLedger;
  levels: () => Promise<readonly Level[]>;
  /** When earned points expire; defaults to the end of next year. */
  expiryPolicy?: () => Promise<ExpiryPolicy>;
  timeZone?: string;
  clock: Clock;
}

export async function planContext(ports: PointsPorts) {
  const [levels, policy] = await Promise.all([ports.levels(), ports.expiryPolicy?.() ?? DEFAULT_EXPIRY_POLICY]);
  return { levels, policy, timeZone: ports.timeZone ?? 'Asia/Shanghai', nowMs: ports.clock.now() };
}

/** A points change with its lots and level re-evaluation, as one atomic write. */
export async function changePoints(ports: PointsPorts, openid: string, change: PointsChange): Promise<PointsResult> {
  const ctx = await planContext(ports);
  return ports.ledger.apply(openid, (member) => planPointsChange(ctx, member, change), ctx.nowMs);
}
