import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { containerApp } from '../app/containerApp';
import type { App } from '../app/createApp';
import { forEachMessage, type BatchOptions, type MessageOutcome } from '../queue/sqsBatch';
import { lambdaHandler, type HandlerOptions, type LambdaHandler } from './handler';

export interface AppHandlerOptions extends HandlerOptions {
  /** The app the handler works with: the container's (lib/app/containerApp.ts) unless given. */
  app?: () => Promise<App>;
}

/** A handler that works with the app: the one handler shape, and the container's app made (once) before `run`. */
export function appHandler<E, R>(run: (event: E, app: App, context: Partial<Context>) => Promise<R>, opts: AppHandlerOptions = {}): LambdaHandler<E, R> {
  const app = opts.app ?? containerApp;
  return lambdaHandler(async (event: E, context) => run(event, await app(), context), opts);
}

export interface SqsWorkerOptions<T, P> extends BatchOptions<T> {
  /** The body of every message, checked before `handle` sees it; one that does not fit is logged and dropped. */
  schema: z.ZodType<T>;
  /** What the worker needs from the app, made once per batch; a throw fails the whole batch (SQS hands it back). */
  ports: (app: App) => P | Promise<P>;
  /** One message. Throwing, or `retry-later`, leaves it to SQS to hand back after the visibility timeout. */
  handle: (message: T, ports: P, record: SQSRecord, context: Partial<Context>) => Promise<MessageOutcome>;
  app?: () => Promise<App>;
}

/** An SQS worker (ReportBatchItemFailures): every body parsed with its schema, one batch loop, partial batch failures. */
export function sqsWorker<T, P>(opts: SqsWorkerOptions<T, P>): LambdaHandler<SQSEvent, SQSBatchResponse> {
  return appHandler(
    async (event: SQSEvent, app, context) => {
      const ports = await opts.ports(app);
      return forEachMessage(event, opts.schema, opts, (message, record) => opts.handle(message, ports, record, context));
    },
    { app: opts.app },
  );
}
