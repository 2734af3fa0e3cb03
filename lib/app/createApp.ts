import type { Chunk } from '../broadcast/sendChunk';
import { systemClock, type Clock } from '../clock/clock';
import type { AppConfig } from '../config/config';
import { lambdaInvoker } from '../lambda/invoke';
import type { ImportJobMessage, PayoutMessage, RoundCloseMessage } from '../queue/messages';
import type { WorkQueue } from '../queue/queue';
import { lazySqsClient, sqsQueue } from '../queue/sqsQueue';
import { createTable, type Table } from '../store/dynamo';
import { tokenProvider, type StoredToken } from '../wechat/accessToken';
import { createWeChatApi, type WeChatApi } from '../wechat/api';
import { fail, type ApiResult } from '../wechat/apiResult';
import { dynamoTokenStore } from '../wechat/dynamoTokenStore';

/** Where background work goes: one SQS queue per kind of work, each drained by its worker. */
export interface AppQueues {
  payouts: WorkQueue<PayoutMessage>;
  sendChunks: WorkQueue<Chunk>;
  roundClose: WorkQueue<RoundCloseMessage>;
  importJobs: WorkQueue<ImportJobMessage>;
}

/**
 * The composition root: everything a handler uses, made from one configuration. The core (table,
 * clock, WeChat API client, queues) is made here; each capability's ports are made by its wiring
 * module in lib/app/ from the app, once per app where they hold caches (`once`), so caches live on
 * the app, never in module globals, and two apps with two configurations can live in one process.
 * Wiring modules stay separate files so each function's bundle holds only the capabilities it uses
 * (the callback's cold start).
 */
export interface App {
  readonly config: AppConfig;
  readonly table: Table;
  readonly clock: Clock;
  /** One WeChat API client per app: one token provider, so one refresh at a time per container. */
  readonly wechatApi: WeChatApi;
  /** Asks the token-refresh function for a new token after a 40001/42001 (a synchronous invoke). */
  readonly requestTokenRefresh: (staleToken: string) => Promise<ApiResult<StoredToken>>;
  readonly queues: AppQueues;
  /** `build(app)`, made on first use and kept for the app's life (keyed by the function: pass a module-level one). */
  once<T>(build: (app: App) => T): T;
}

export interface AppOverrides {
  clock?: Clock;
  /** The table's client (e.g. a fault-injecting one); by default made from the configuration. */
  table?: Table;
}

export function createApp(config: AppConfig, overrides: AppOverrides = {}): App {
  const table = overrides.table ?? createTable(config.tableName, config.dynamoEndpoint, config.dynamoLimits, config.region);
  const clock = overrides.clock ?? systemClock;
  const sqs = lazySqsClient({ endpoint: config.sqsEndpoint, region: config.region });
  const queue = <T>(what: string, url: string | undefined): WorkQueue<T> => (url ? sqsQueue<T>(url, sqs) : unconfiguredQueue(what));
  const invoke = lambdaInvoker({ endpoint: config.lambdaEndpoint, region: config.region });
  const requestTokenRefresh = async (staleToken: string): Promise<ApiResult<StoredToken>> => {
    if (!config.tokenRefresherFunction) return fail(-1, 'no token refresher configured (TOKEN_REFRESHER_FUNCTION)');
    const out = await invoke(config.tokenRefresherFunction, { staleToken });
    // The refresher answers with its ApiResult as is (handlers/token-refresh.ts).
    return out.ok ? (out.payload as ApiResult<StoredToken>) : fail(-1, `token refresher failed: ${out.error}`);
  };
  const memo = new Map<unknown, unknown>();
  const app: App = {
    config,
    table,
    clock,
    wechatApi: createWeChatApi({ baseUrl: config.apiBase, tokens: tokenProvider(dynamoTokenStore(table), clock, (stale) => requestTokenRefresh(stale)) }),
    requestTokenRefresh,
    queues: {
      payouts: queue('payouts (PAYOUT_QUEUE_URL)', config.queues.payout),
      sendChunks: queue('broadcast chunks (SEND_QUEUE_URL)', config.queues.send),
      roundClose: queue('emptied rounds (ROUND_CLOSE_QUEUE_URL)', config.queues.roundClose),
      importJobs: queue('import jobs (IMPORT_QUEUE_URL)', config.queues.importJobs),
    },
    once<T>(build: (app: App) => T): T {
      if (!memo.has(build)) memo.set(build, build(app));
      return memo.get(build) as T;
    },
  };
  return app;
}

/** A queue the configuration does not name: sending to it fails loudly rather than doing the work somewhere else. */
function unconfiguredQueue<T>(what: string): WorkQueue<T> {
  return {
    async send() {
      throw new Error(`no queue configured for ${what}`);
    },
  };
}
