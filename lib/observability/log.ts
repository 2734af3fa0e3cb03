import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { logLevelFromEnv } from '../config/logLevel';
import { ownValue } from '../records/own';

/**
 * One JSON line per log entry, written by Powertools Logger (level, message, timestamp, service, the
 * X-Ray trace id in AWS), so CloudWatch Logs Insights reads it like any Powertools function's.
 * Inside a handler every line also carries the invocation's `function_request_id`, `cold_start` and
 * `function_name` (lib/lambda/handler.ts), however deep the code that logs. Callers pass fields
 * explicitly; nothing logs a request body, a query string or configuration, so secrets and
 * follower messages stay out of logs.
 */
const LEVELS = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'wechat-oa-crm',
  logLevel: ownValue(LEVELS, logLevelFromEnv()) ?? 'INFO',
});

// Per invocation rather than on the logger: tests run many invocations at once in one process.
const requestFields = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs `work` with `fields` (the request id, the cold-start flag, the function) on every line it logs, however deep. */
export function withLogContext<T>(fields: Record<string, unknown>, work: () => T): T {
  return requestFields.run(fields, work);
}

type Fields = Record<string, unknown>;
const withContext = (fields?: Fields): Fields => ({ ...requestFields.getStore(), ...fields });

export const log = {
  debug: (m: string, f?: Fields) => logger.debug(m, withContext(f)),
  info: (m: string, f?: Fields) => logger.info(m, withContext(f)),
  warn: (m: string, f?: Fields) => logger.warn(m, withContext(f)),
  error: (m: string, f?: Fields) => logger.error(m, withContext(f)),
};

export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { errorName: err.name, errorMessage: err.message, stack: err.stack?.split('\n').slice(0, 6).join('\n') };
  return { errorMessage: String(err) };
}
