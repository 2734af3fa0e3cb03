import { dynamoBroadcastStore } from '../broadcast/broadcastStore';
import { DEFAULT_MASS_MONTHLY_QUOTA } from '../broadcast/broadcast';
import { dispatchBroadcasts, type DispatchPorts } from '../broadcast/dispatchBroadcasts';
import { dynamoDeliveryStore } from '../broadcast/dynamoDeliveryStore';
import type { Chunk, SendPolicy, SendPorts } from '../broadcast/sendChunk';
import { dynamoMemberStore } from '../members/dynamoMemberStore';
import type { WorkQueue } from '../queue/queue';
import type { ChunkWorkerPorts } from '../broadcast/workChunk';
import { dynamoRateState } from '../ratelimit/dynamoRateState';
import { createRateLimiter, realSleep } from '../ratelimit/rateLimiter';
import { dynamoSegmentIndex } from '../segments/dynamoSegmentIndex';
import { selectMembers } from '../segments/select';
import { cacheFor } from '../store/cacheFor';
import { configDocument } from '../store/configDocument';
import { CONFIG_CACHE_MS } from './crm';
import type { App } from './createApp';
import { historyStore } from './handoff';

export const DEFAULT_SEND_POLICY: SendPolicy = { ratePerSecond: 100, massMonthlyQuota: DEFAULT_MASS_MONTHLY_QUOTA };

export function sendPolicyDocument(app: App) {
  return configDocument<SendPolicy>(app.table, 'SEND_POLICY', DEFAULT_SEND_POLICY);
}

function cachedSendPolicy(app: App) {
  return cacheFor(CONFIG_CACHE_MS, () => sendPolicyDocument(app).get(), app.clock);
}

/** The outbound WeChat message rate, one token bucket for broadcasts and re-engagement notices alike. */
export function wechatSendLimiter(app: App, policy = cachedSendPolicy(app)) {
  return createRateLimiter({ state: dynamoRateState(app.table), clock: app.clock, sleep: realSleep }, 'wechat-send', async () => ({
    perSecond: (await policy.get()).ratePerSecond,
  }));
}

/** The worker's ports. The broadcast record is cached briefly: a cancel reaches every worker within 2 s. */
export function sendPorts(app: App): SendPorts {
  const broadcasts = dynamoBroadcastStore(app.table);
  const policy = cachedSendPolicy(app);
  const records = new Map<string, ReturnType<typeof cacheFor<Awaited<ReturnType<typeof broadcasts.get>>>>>();
  return {
    broadcasts: {
      get: (id) =>
        (
          records.get(id) ??
          records
            .set(
              id,
              cacheFor(2_000, () => broadcasts.get(id), app.clock),
            )
            .get(id)!
        ).get(),
      save: async (b, v) => {
        records.get(b.id)?.invalidate();
        return broadcasts.save(b, v);
      },
    },
    deliveries: dynamoDeliveryStore(app.table),
    history: historyStore(app),
    api: app.wechatApi,
    limiter: wechatSendLimiter(app, policy),
    policy: () => policy.get(),
    clock: app.clock,
    sleep: realSleep,
    timeZone: app.config.timeZone,
    leaseMs: app.config.broadcastClaimLeaseMs,
  };
}

/** The send queue (SQS: in AWS, under npm start and in tests), drained by the send worker. */
export function sendQueue(app: App): WorkQueue<Chunk> {
  return app.queues.sendChunks;
}

function buildSendWorkerPorts(app: App): ChunkWorkerPorts {
  return { ports: sendPorts(app), queue: sendQueue(app) };
}

/** The send worker's ports, once per app (the broadcast records and the send policy are cached across batches). */
export const sendWorkerPorts = (app: App) => app.once(buildSendWorkerPorts);

export function dispatchPorts(app: App): DispatchPorts {
  const index = dynamoSegmentIndex(app.table);
  return {
    broadcasts: dynamoBroadcastStore(app.table),
    select: (segment, opts) => selectMembers({ index, clock: app.clock }, segment, opts),
    queue: sendQueue(app),
    clock: app.clock,
    timeZone: app.config.timeZone,
  };
}

export function broadcastAdminPorts(app: App) {
  return {
    broadcasts: dynamoBroadcastStore(app.table),
    deliveries: dynamoDeliveryStore(app.table),
    policy: sendPolicyDocument(app),
    members: dynamoMemberStore(app.table),
    api: async () => app.wechatApi,
    clock: app.clock,
    timeZone: app.config.timeZone,
  };
}

export { dispatchBroadcasts };
