import { dynamoBroadcastStore } from '../broadcast/broadcastStore';
import { DEFAULT_MASS_MONTHLY_QUOTA } from '../broadcast/broadcast';
import { dispatchBroadcasts, type DispatchPorts } from '../broadcast/dispatchBroadcasts';
import { dynamoDeliveryStore } from '../broadcast/dynamoDeliveryStore';
import { sendChunk, type Chunk, type SendPolicy, type SendPorts } from '../broadcast/sendChunk';
import { dynamoMemberStore } from '../members/dynamoMemberStore';
import type { WorkQueue } from '../queue/queue';
import { queueUrlFor } from '../queue/queueUrl';
import { sqsQueue } from '../queue/sqsQueue';
import { dynamoRateState } from '../ratelimit/dynamoRateState';
import { createRateLimiter, realSleep } from '../ratelimit/rateLimiter';
import { dynamoSegmentIndex } from '../segments/dynamoSegmentIndex';
import { selectMembers } from '../segments/select';
import { cacheFor } from '../store/cacheFor';
import { configDocument } from '../store/configDocument';
import { CONFIG_CACHE_MS } from './crm';
import type { Runtime } from './runtime';
import { weChatApi } from './wechatApi';

export const DEFAULT_SEND_POLICY: SendPolicy = { ratePerSecond: 100, massMonthlyQuota: DEFAULT_MASS_MONTHLY_QUOTA };

export function sendPolicyDocument(rt: Runtime) {
  return configDocument<SendPolicy>(rt.table, 'SEND_POLICY', DEFAULT_SEND_POLICY);
}

function cachedSendPolicy(rt: Runtime) {
  return cacheFor(CONFIG_CACHE_MS, () => sendPolicyDocument(rt).get(), rt.clock);
}

/** The outbound WeChat message rate, one token bucket for broadcasts and re-engagement notices alike. */
export function wechatSendLimiter(rt: Runtime, policy = cachedSendPolicy(rt)) {
  return createRateLimiter({ state: dynamoRateState(rt.table), clock: rt.clock, sleep: realSleep }, 'wechat-send', async () => ({ perSecond: (await policy.get()).ratePerSecond }));
}

/** The worker's ports. The broadcast record is cached briefly: a cancel reaches every worker within 2 s. */
export function sendPorts(rt: Runtime): SendPorts {
  const broadcasts = dynamoBroadcastStore(rt.table);
  const policy = cachedSendPolicy(rt);
  const records = new Map<string, ReturnType<typeof cacheFor<Awaited<ReturnType<typeof broadcasts.get>>>>>();
  return {
    broadcasts: {
      get: (id) => (records.get(id) ?? records.set(id, cacheFor(2_000, () => broadcasts.get(id), rt.clock)).get(id)!).get(),
      save: async (b, v) => {
        records.get(b.id)?.invalidate();
        return broadcasts.save(b, v);
      },
    },
    deliveries: dynamoDeliveryStore(rt.table),
    api: weChatApi(rt),
    limiter: wechatSendLimiter(rt, policy),
    policy: () => policy.get(),
    clock: rt.clock,
    sleep: realSleep,
    timeZone: rt.config.timeZone,
    leaseMs: Number(process.env.BROADCAST_CLAIM_LEASE_MS) || undefined,
  };
}

/**
 * The send queue: SQS in AWS and under npm start (local-aws-sqs); with no queue configured (plain
 * unit tests) the chunks are sent in-process, one after another.
 */
export function sendQueue(rt: Runtime): WorkQueue<Chunk> {
  const url = queueUrlFor('SEND');
  if (url) return sqsQueue<Chunk>(url);
  return {
    async send(chunks) {
      const ports = sendPorts(rt);
      for (const chunk of chunks) await sendChunk(ports, chunk);
    },
  };
}

export function dispatchPorts(rt: Runtime): DispatchPorts {
  const index = dynamoSegmentIndex(rt.table);
  return {
    broadcasts: dynamoBroadcastStore(rt.table),
    select: (segment, opts) => selectMembers({ index, clock: rt.clock }, segment, opts),
    queue: sendQueue(rt),
    clock: rt.clock,
    timeZone: rt.config.timeZone,
  };
}

export function broadcastAdminPorts(rt: Runtime) {
  return {
    broadcasts: dynamoBroadcastStore(rt.table),
    deliveries: dynamoDeliveryStore(rt.table),
    policy: sendPolicyDocument(rt),
    members: dynamoMemberStore(rt.table),
    api: async () => weChatApi(rt),
    clock: rt.clock,
    timeZone: rt.config.timeZone,
  };
}

export { dispatchBroadcasts };
