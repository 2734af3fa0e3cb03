import type { Clock } from '../clock/clock';
import type { Level } from '../levels/levels';
import { upgradeEffects } from '../levels/upgrade';
import { lifetimeDelta, type PointsChange, type PointsResult } from './points';
import type { PointsLedger } from './pointsLedger';

export interface PointsPorts {
  ledger: PointsLedger;
  levels: () => Promise<readonly Level[]>;
  clock: Clock;
}

/** A points change with its level re-evaluation, as one atomic write. */
export async function changePoints(ports: PointsPorts, openid: string, change: PointsChange): Promise<PointsResult> {
  const levels = await ports.levels();
  const now = ports.clock.now();
  const at = new Date(now).toISOString();
  return ports.ledger.apply(
    openid,
    (member) => {
      const lifetime = member.lifetimePoints + lifetimeDelta(change);
      return { change, ...upgradeEffects(levels, member as typeof member & { spendFen?: number }, lifetime, at) };
    },
    now,
  );
}
