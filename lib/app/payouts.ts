import { createPayClient, type PayClient } from '../pay/client';
import { loadPayConfig } from '../pay/sandboxConfig';
import { dynamoMemberStore } from '../members/dynamoMemberStore';
import { notifyMember } from '../notices/notifyMember';
import { describeError, log } from '../observability/log';
import { dynamoPayoutStore } from '../payouts/payoutStore';
import { processPayout, type PayoutPorts } from '../payouts/processPayout';
import type { OperatorPorts } from '../payouts/operatorActions';
import { queueUrlFor } from '../queue/queueUrl';
import { sqsQueue } from '../queue/sqsQueue';
import { dynamoWallet } from '../wallet/wallet';
import { paced } from '../ratelimit/paced';
import { createRateLimiter, realSleep } from '../ratelimit/rateLimiter';
import { dynamoRateState } from '../ratelimit/dynamoRateState';
import type { Runtime } from './runtime';
import { weChatApi } from './wechatApi';

/** The payout worker's message (handlers/payout): the order's fixed out_bill_no / mch_billno. */
export interface PayoutMessage {
  ref: string;
}

let client: Promise<PayClient | undefined> | undefined;

/** One WeChat Pay client per container; undefined when WeChat Pay is not configured (wallet-only accounts). */
export function payClient(): Promise<PayClient | undefined> {
  client ??= loadPayConfig(process.env).then((c) => (c ? createPayClient({ ...c, timeoutMs: Number(process.env.WECHATPAY_TIMEOUT_MS) || c.timeoutMs, notifyUrl: process.env.WECHATPAY_NOTIFY_URL || c.notifyUrl }) : undefined));
  client.catch(() => (client = undefined));
  return client;
}

/** WeChat Pay allows 100 QPS per merchant; every payout call, from any function, shares this rate. */
export const DEFAULT_WECHATPAY_RATE = 50;

export async function payoutPorts(rt: Runtime): Promise<PayoutPorts | undefined> {
  const client = await payClient();
  if (!client) return undefined;
  const perSecond = Number(process.env.WECHATPAY_RATE_PER_SECOND) || DEFAULT_WECHATPAY_RATE;
  const pay = paced(client, createRateLimiter({ state: dynamoRateState(rt.table), clock: rt.clock, sleep: realSleep }, 'wechatpay', async () => ({ perSecond, burst: 5 })));
  const members = dynamoMemberStore(rt.table);
  const wallet = dynamoWallet(rt.table);
  return {
    payouts: dynamoPayoutStore(rt.table),
    pay,
    notify: (openid, notice) => notifyMember({ members, api: weChatApi(rt), clock: rt.clock }, openid, notice),
    refundWithdrawal: (p, nowMs, reason) => wallet.refund(p.openid, p.ref, p.amountFen, nowMs, reason),
    clock: rt.clock,
    confirmPageUrl: process.env.TRANSFER_CONFIRM_PAGE_URL || undefined,
    confirmTemplateId: process.env.WECHAT_TRANSFER_TEMPLATE_ID || undefined,
    sendName: process.env.REDPACK_SEND_NAME || undefined,
  };
}

/**
 * Hands a new payout order to the worker: through SQS whenever a payout queue is configured (AWS, or
 * local-aws-sqs under `npm start`, see queueUrlFor); only with no queue at all (unit tests) does the
 * step run in-process. Either way a lost hand-off is picked up by the reconciliation schedule,
 * because the order was stored first.
 */
export function payoutQueue(rt: Runtime): (ref: string) => Promise<void> {
  const url = queueUrlFor('PAYOUT');
  if (url) {
    const queue = sqsQueue<PayoutMessage>(url);
    return (ref) => queue.send([{ ref }]);
  }
  return async (ref) => {
    const ports = await payoutPorts(rt);
    if (!ports) return log.warn('payout order stored but WeChat Pay is not configured', { ref });
    await processPayout(ports, ref).catch((err: unknown) => log.warn('payout step failed; the reconciliation will retry', { ref, ...describeError(err) }));
  };
}

/** What the operators' payout routes need: they work (list, cancel) even where WeChat Pay is not configured. */
export function payoutOperatorPorts(rt: Runtime): OperatorPorts {
  const wallet = dynamoWallet(rt.table);
  return {
    payouts: dynamoPayoutStore(rt.table),
    pay: payClient,
    clock: rt.clock,
    refundWithdrawal: (p, nowMs, reason) => wallet.refund(p.openid, p.ref, p.amountFen, nowMs, reason),
    onPayoutOrdered: payoutQueue(rt),
  };
}
