import { levelsDocument } from './crm';
import type { App } from './createApp';

/** The import worker's ports (handlers/import-worker). */
export function importJobPorts(app: App) {
  return { table: app.table, levels: () => levelsDocument(app).get(), now: () => app.clock.now() };
}

/** Starts (or continues) an import job: a message on the import queue, drained by the import worker. */
export function importJobStarter(app: App): (jobId: string) => Promise<void> {
  return (jobId) => app.queues.importJobs.send([{ jobId }]);
}
