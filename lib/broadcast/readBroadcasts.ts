import { notFound, ok, type Result } from '../result';
import { broadcastView, type BroadcastAdminPorts, type BroadcastView } from './broadcastAdmin';
import { previewBroadcast, type PreviewResult } from './previewBroadcast';

/** The newest broadcasts first, at most `limit`. */
export async function listBroadcasts(ports: Pick<BroadcastAdminPorts, 'broadcasts' | 'deliveries' | 'clock'>, limit: number): Promise<BroadcastView[]> {
  return Promise.all((await ports.broadcasts.list(limit)).map((b) => broadcastView(ports, b)));
}

export async function getBroadcast(ports: Pick<BroadcastAdminPorts, 'broadcasts' | 'deliveries' | 'clock'>, id: string): Promise<Result<BroadcastView>> {
  const b = await ports.broadcasts.get(id);
  return b ? ok(await broadcastView(ports, b)) : notFound(`broadcast ${id} not found`);
}

/** Sends a stored broadcast to test openids now (lib/broadcast/previewBroadcast.ts). */
export async function previewStoredBroadcast(
  ports: BroadcastAdminPorts,
  id: string,
  openids: readonly string[],
): Promise<Result<{ results: PreviewResult[] }>> {
  const b = await ports.broadcasts.get(id);
  if (!b) return notFound(`broadcast ${id} not found`);
  return ok({ results: await previewBroadcast(ports, b, openids) });
}
