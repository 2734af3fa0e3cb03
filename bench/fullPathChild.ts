/**
 * Section 1b in a child process, on whichever Node runs it (`<node> --import tsx bench/fullPathChild.ts
 * <endpoint> [options as JSON]`, spawned by bench/nodes.ts with an IPC channel and the callback's environment):
 * warms up, says `ready`, then runs one round per `round` message and answers `rows` to `finish`.
 */
import { FULL_PATH_DEFAULTS, startFullPath, type FullPathOptions, type FullPathSession } from './fullPath';

export type ToChild = { type: 'round'; r: number } | { type: 'finish' };
export type FromChild =
  | { type: 'ready'; node: string }
  | { type: 'round-done'; r: number }
  | { type: 'rows'; rows: ReturnType<FullPathSession['rows']> }
  | { type: 'error'; message: string };

const send = (m: FromChild) => new Promise<void>((resolve) => process.send!(m, () => resolve()));

if (!process.send) throw new Error('bench/fullPathChild.ts runs as a child with an IPC channel (bench/nodes.ts)');
const endpoint = process.argv[2]!;
const opts: FullPathOptions = { ...FULL_PATH_DEFAULTS, ...(process.argv[3] ? (JSON.parse(process.argv[3]) as Partial<FullPathOptions>) : {}) };

try {
  const session = await startFullPath(endpoint, opts);
  process.on('message', (m: ToChild) => {
    void (async () => {
      if (m.type === 'round') {
        await session.round(m.r);
        await send({ type: 'round-done', r: m.r });
      } else {
        const rows = session.rows();
        session.close();
        await send({ type: 'rows', rows });
        process.exit(0);
      }
    })().catch(async (err: unknown) => {
      await send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.exit(1);
    });
  });
  await send({ type: 'ready', node: process.version });
} catch (err) {
  await send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
}
