import { randomBytes } from 'node:crypto';
import { conflict, invalid, invalidField, ok, type Result } from '../result';
import { broadcastWarnings, sendAtInstant, type BroadcastRecord } from './broadcast';
import { broadcastView, type BroadcastAdminPorts, type BroadcastView } from './broadcastAdmin';
import type { BroadcastConfig } from './broadcastSchema';
import type { Principal } from '../identity/roles';

// Ids sort by creation time (the list is newest first), with randomness against collisions.
const newId = (nowMs: number) => `b${nowMs.toString(36)}${randomBytes(3).toString('hex')}`;

/** A new broadcast, due at its `sendAt` in the account's time zone ("now", or at most a minute ago, sends at once). */
export async function scheduleBroadcast(
  ports: Pick<BroadcastAdminPorts, 'broadcasts' | 'deliveries' | 'clock' | 'timeZone' | 'review'>,
  config: BroadcastConfig,
  requester?: Principal,
): Promise<Result<BroadcastView>> {
  const at = ports.clock.now();
  const sendAt = sendAtInstant(config.sendAt, ports.timeZone, at);
  if (!Number.isFinite(sendAt)) return invalidField('sendAt', 'not a valid date');
  if (sendAt < at - 60_000)
    return invalid(`sendAt: ${config.sendAt} is in the past (account time zone ${ports.timeZone}); use "now" to send at once`, {
      issues: [{ path: 'sendAt', message: 'in the past' }],
    });
  const iso = new Date(Math.max(sendAt, at)).toISOString();
  const id = newId(at);
  // A crowd waits for a second person: saved without a due time, so the dispatcher never sees it.
  const approval = ports.review && requester ? await ports.review(id, config.segment, requester) : undefined;
  const b: BroadcastRecord = {
    id,
    config,
    sendAt: iso,
    ...(approval ? { approval } : { dueAt: iso }),
    state: 'scheduled',
    expansion: { queued: 0, chunks: 0 },
    warnings: broadcastWarnings(config),
    version: 1,
    createdAt: new Date(at).toISOString(),
    updatedAt: new Date(at).toISOString(),
  };
  if (!(await ports.broadcasts.create(b))) return conflict('broadcast id collision, try again');
  return ok(await broadcastView(ports, b));
}
