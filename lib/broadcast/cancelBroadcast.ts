import { conflict, notFound, ok, type Result } from '../result';
import type { BroadcastRecord } from './broadcast';
import { broadcastView, type BroadcastAdminPorts, type BroadcastView } from './broadcastAdmin';

/**
 * Stops a broadcast where it is: what is not sent yet stays unsent. A broadcast already cancelled is
 * answered as it is; one that went out to everyone cannot be. Workers bump the version as they go,
 * so a cancel reads again and retries a few times before it gives up.
 */
export async function cancelBroadcast(ports: Pick<BroadcastAdminPorts, 'broadcasts' | 'deliveries' | 'clock'>, id: string): Promise<Result<BroadcastView>> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const b = await ports.broadcasts.get(id);
    if (!b) return notFound(`broadcast ${id} not found`);
    if (b.state === 'cancelled') return ok(await broadcastView(ports, b));
    const before = await broadcastView(ports, b);
    if (before.status === 'done') return conflict('the broadcast has gone out to everyone; nothing is left to cancel', { status: 'done' });
    const { dueAt: _due, ...rest } = b;
    const at = new Date(ports.clock.now()).toISOString();
    const cancelled: BroadcastRecord = { ...rest, state: 'cancelled', cancelledAt: at, updatedAt: at, version: b.version + 1 };
    if ((await ports.broadcasts.save(cancelled, b.version)) === 'saved') return ok(await broadcastView(ports, cancelled));
  }
  return conflict('the broadcast kept changing; try again');
}
