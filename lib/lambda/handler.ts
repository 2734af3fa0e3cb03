import middy, { type MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { withLogContext } from '../observability/log';

/**
 * What every handler module exports as `handler` (serverless.yml names `handlers/<file>.handler`).
 * Lambda passes a context; a test may leave it out.
 */
export type LambdaHandler<E, R> = (event: E, context?: Partial<Context>) => Promise<R>;

export interface HandlerOptions {
  /** What answers for anything that escapes (HTTP handlers). Without one the error reaches Lambda: a failed batch or invocation, retried. */
  boundary?: MiddlewareObj;
}

let coldStart = true;

/** True for the first invocation of this container (its cold start), false ever after. */
function takeColdStart(): boolean {
  const was = coldStart;
  coldStart = false;
  return was;
}

/**
 * The one handler shape: middy, the request's id, the cold-start flag and the function name on every log line written while
 * it runs, and the error boundary where the handler has one. Handlers that use the app take it from
 * lib/lambda/appHandler.ts, which builds on this.
 */
export function lambdaHandler<E, R>(run: (event: E, context: Partial<Context>) => Promise<R>, opts: HandlerOptions = {}): LambdaHandler<E, R> {
  const handler = middy<E, R>();
  if (opts.boundary) handler.use(opts.boundary);
  const wrapped = handler.handler((event: E, context: Partial<Context>) =>
    withLogContext(
      {
        function_request_id: context.awsRequestId ?? 'local',
        cold_start: takeColdStart(),
        ...(context.functionName ? { function_name: context.functionName } : {}),
      },
      () => run(event, context),
    ),
  );
  return (event, context = {}) => wrapped(event, context as Context);
}

/**
 * A string option of a scheduled or invoked function's event (`{ day }`, `{ staleToken }`), if it is
 * one and matches `pattern`; the schedule's `{}`, or anything else, means the option was not given.
 * (Checked by hand: zod would add ~450 KB to functions that have no other use for it.)
 */
export function eventOption(event: unknown, name: string, pattern?: RegExp): string | undefined {
  const value = event && typeof event === 'object' ? (event as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && (!pattern || pattern.test(value)) ? value : undefined;
}
