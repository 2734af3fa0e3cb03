import { AsyncLocalStorage } from 'node:async_hooks';
import { logLevelFromEnv } from '../config/logLevel';
import { ownValue } from '../records/own';

/**
 * One JSON line per log entry (CloudWatch-friendly). Callers pass fields explicitly; nothing logs a
 * request body, a query string or configuration, so secrets and follower messages stay out of logs.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = ownValue(ORDER, logLevelFromEnv()) ?? 20;

const requestFields = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs `work` with `fields` (the request id, the function) on every line it logs, however deep. */
export function withLogContext<T>(fields: Record<string, unknown>, work: () => T): T {
  return requestFields.run(fields, work);
}

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  const line = JSON.stringify({ level, message, time: new Date().toISOString(), ...requestFields.getStore(), ...fields });
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

export const log = {
  debug: (m: string, f?: Record<string, unknown>) => write('debug', m, f),
  info: (m: string, f?: Record<string, unknown>) => write('info', m, f),
  warn: (m: string, f?: Record<string, unknown>) => write('warn', m, f),
  error: (m: string, f?: Record<string, unknown>) => write('error', m, f),
};

export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { errorName: err.name, errorMessage: err.message, stack: err.stack?.split('\n').slice(0, 6).join('\n') };
  return { errorMessage: String(err) };
}
