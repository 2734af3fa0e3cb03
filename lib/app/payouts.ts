import { createPayClient, type PayClient } from '../pay/client';
import { loadPayConfig } from '../pay/sandboxConfig';
import { dynamoMemberStore } from '../members/dynamoMemberStore';
import { notifyMember } from '../notices/notifyMember';
import { dynamoPayoutStore } from '../payouts/payoutStore';
import type { PayoutPorts } from '../payouts/processPayout';
import type { OperatorPorts } from '../payouts/operatorActions';
import { dynamoWallet } from '../wallet/wallet';
import { paced } from '../ratelimit/paced';
import { createRateLimiter, realSleep } from '../ratelimit/rateLimiter';
import { dynamoRateState } from '../ratelimit/dynamoRateState';
import type { App } from './createApp';
import { historyRecorder } from './handoff';

/** The app's WeChat Pay client, made on first use; a failed load (the sandbox not up yet) is tried again next time. */
function payClientLoader(app: App): () => Promise<PayClient | undefined> {
  const { keys, timeoutMs, notifyUrl } = app.config.pay;
  let client: Promise<PayClient | undefined> | undefined;
  return () => {
    client ??= loadPayConfig(keys).then((c) =>
      c ? createPayClient({ ...c, timeoutMs: timeoutMs || c.timeoutMs, notifyUrl: notifyUrl || c.notifyUrl }) : undefined,
    );
    client.catch(() => (client = undefined));
    return client;
  };
}

/** One WeChat Pay client per app; undefined when WeChat Pay is not configured (wallet-only accounts). */
export function payClient(app: App): Promise<PayClient | undefined> {
  return app.once(payClientLoader)();
}

/** WeChat Pay allows 100 QPS per merchant; every payout call, from any function, shares this rate. */
export const DEFAULT_WECHATPAY_RATE = 50;

export async function payoutPorts(app: App): Promise<PayoutPorts | undefined> {
  const client = await payClient(app);
  if (!client) return undefined;
  const perSecond = app.config.pay.ratePerSecond ?? DEFAULT_WECHATPAY_RATE;
  const pay = paced(
    client,
    createRateLimiter({ state: dynamoRateState(app.table), clock: app.clock, sleep: realSleep }, 'wechatpay', async () => ({ perSecond, burst: 5 })),
  );
  const members = dynamoMemberStore(app.table);
  const history = historyRecorder(app);
  const wallet = dynamoWallet(app.table);
  return {
    payouts: dynamoPayoutStore(app.table),
    pay,
    notify: (openid, notice) => notifyMember({ members, api: app.wechatApi, clock: app.clock, history }, openid, notice),
    refundWithdrawal: (p, nowMs, reason) => wallet.refund(p.openid, p.ref, p.amountFen, nowMs, reason),
    clock: app.clock,
    confirmPageUrl: app.config.pay.confirmPageUrl,
    confirmTemplateId: app.config.pay.confirmTemplateId,
    sendName: app.config.pay.sendName,
  };
}

/**
 * Hands a new payout order to the payout worker through its queue. A lost hand-off is picked up by
 * the reconciliation schedule, because the order was stored first.
 */
export function payoutQueue(app: App): (ref: string) => Promise<void> {
  return (ref) => app.queues.payouts.send([{ ref }]);
}

/** What the operators' payout routes need: they work (list, cancel) even where WeChat Pay is not configured. */
export function payoutOperatorPorts(app: App): OperatorPorts {
  const wallet = dynamoWallet(app.table);
  return {
    payouts: dynamoPayoutStore(app.table),
    pay: () => payClient(app),
    clock: app.clock,
    refundWithdrawal: (p, nowMs, reason) => wallet.refund(p.openid, p.ref, p.amountFen, nowMs, reason),
    onPayoutOrdered: payoutQueue(app),
  };
}
