import { yuan } from '../money/yuan';
import type { PayClient } from '../pay/client';
import type { CreateTransferBillResult, QueryRedpackResult, QueryTransferBillResult, SendRedpackResult, TransferBillState } from '../pay/outcome';
import type { MemberNotice, NoticeResult } from '../notices/notifyMember';
import type { Payout, PayoutStore } from './payoutStore';

export interface PayoutPorts {
  payouts: PayoutStore;
  pay: Pick<PayClient, 'createTransferBill' | 'queryTransferBill' | 'sendRedpack' | 'queryRedpack'>;
  /** Tells the follower to confirm a transfer (link to the confirmation page). */
  notify: (openid: string, notice: MemberNotice) => Promise<NoticeResult>;
  /** Gives a failed withdrawal back to the wallet (once). */
  refundWithdrawal: (p: Payout, nowMs: number) => Promise<unknown>;
  clock: { now(): number };
  /** The H5 page where the follower confirms a transfer (JS-SDK requestMerchantTransfer). */
  confirmPageUrl?: string;
  /** A "transfer to confirm" service notice for followers outside the 48-hour window. */
  confirmTemplateId?: string;
  sendName?: string;
}

export type PayoutStep = Payout['state'] | 'retry-later' | 'missing';

const MAX_BACKOFF_MS = 30 * 60_000;
const backoff = (attempts: number) => Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** Math.min(attempts, 6));

function fromTransferState(s: TransferBillState): Payout['state'] {
  if (s === 'SUCCESS') return 'paid';
  if (s === 'FAIL' || s === 'CANCELLED') return 'failed';
  if (s === 'WAIT_USER_CONFIRM') return 'awaiting-confirmation';
  return 'processing';
}

/**
 * One step for one order, safe to run any number of times, from the queue worker or the
 * reconciliation: a pending order is sent (always under its own ref), an order WeChat Pay has is
 * queried. An answer we cannot trust leaves the order pending for a retry under the same ref.
 */
export async function processPayout(ports: PayoutPorts, ref: string): Promise<PayoutStep> {
  const p = await ports.payouts.get(ref);
  if (!p) return 'missing';
  if (p.state === 'paid' || p.state === 'failed') return p.state;
  if (p.mode === 'transfer') return p.state === 'pending' ? sendTransfer(ports, p) : queryTransfer(ports, p);
  return p.state === 'pending' ? sendRedpack(ports, p) : queryRedpack(ports, p);
}

async function retryLater(ports: PayoutPorts, p: Payout, why: string): Promise<PayoutStep> {
  const now = ports.clock.now();
  await ports.payouts.update(p.ref, { attempts: p.attempts + 1, lastError: why, nextAttemptAt: now + backoff(p.attempts) }, now);
  return 'retry-later';
}

async function settle(ports: PayoutPorts, p: Payout, state: Payout['state'], extra: Partial<Payout> = {}): Promise<PayoutStep> {
  const now = ports.clock.now();
  await ports.payouts.update(p.ref, { ...extra, state, attempts: p.attempts + 1 }, now);
  if (state === 'failed' && p.source === 'withdrawal') await ports.refundWithdrawal(p, now);
  if (state === 'awaiting-confirmation' && !p.confirmSentAt) await askToConfirm(ports, { ...p, ...extra });
  return state;
}

async function sendTransfer(ports: PayoutPorts, p: Payout): Promise<PayoutStep> {
  const r: CreateTransferBillResult = await ports.pay.createTransferBill({
    outBillNo: p.ref,
    openid: p.openid,
    amountFen: p.amountFen,
    remark: p.source === 'withdrawal' ? '红包钱包提现' : `${p.campaignName}红包`,
    activityName: p.campaignName.slice(0, 32),
    rewardDescription: p.source === 'withdrawal' ? '会员钱包中的红包奖励' : '抢红包活动奖励',
  });
  switch (r.kind) {
    case 'ok':
      return settle(ports, p, fromTransferState(r.state), { transferBillNo: r.transferBillNo, packageInfo: r.packageInfo, failReason: r.failReason });
    case 'unknown':
    case 'throttled':
      return retryLater(ports, p, r.kind === 'unknown' ? `${r.cause}: ${r.reason}` : `throttled: ${r.code}`);
    case 'rejected':
      // INVALID_REQUEST: this ref exists with other content; what WeChat Pay holds decides.
      if (r.code === 'INVALID_REQUEST') return queryTransfer(ports, p);
      return settle(ports, p, 'failed', { failReason: `${r.code}: ${r.message}` });
  }
}

async function queryTransfer(ports: PayoutPorts, p: Payout): Promise<PayoutStep> {
  const r: QueryTransferBillResult = await ports.pay.queryTransferBill(p.ref);
  switch (r.kind) {
    case 'found':
      return fromTransferState(r.state) === p.state ? p.state : settle(ports, p, fromTransferState(r.state), { transferBillNo: r.transferBillNo, failReason: r.failReason });
    case 'not-found':
      // Never created (the first call was lost before WeChat Pay saw it): send again, same ref.
      return p.state === 'pending' ? sendTransfer(ports, p) : retryLater(ports, p, 'bill not found yet');
    default:
      return retryLater(ports, p, r.kind === 'unknown' ? `${r.cause}: ${r.reason}` : `${r.kind}: ${r.code}`);
  }
}

async function sendRedpack(ports: PayoutPorts, p: Payout): Promise<PayoutStep> {
  const r: SendRedpackResult = await ports.pay.sendRedpack({ mchBillno: p.ref, openid: p.openid, amountFen: p.amountFen, sendName: (ports.sendName ?? '会员中心').slice(0, 32), wishing: '恭喜发财，大吉大利', actName: p.campaignName.slice(0, 32), remark: '抢红包活动奖励' });
  switch (r.kind) {
    case 'ok':
      return settle(ports, p, 'sent');
    case 'unknown':
    case 'throttled':
      return retryLater(ports, p, r.kind === 'unknown' ? `${r.cause}: ${r.reason}` : `throttled: ${r.code}`);
    case 'rejected':
      return settle(ports, p, 'failed', { failReason: `${r.code}: ${r.message}` });
  }
}

async function queryRedpack(ports: PayoutPorts, p: Payout): Promise<PayoutStep> {
  const r: QueryRedpackResult = await ports.pay.queryRedpack(p.ref);
  if (r.kind !== 'found') return retryLater(ports, p, r.kind === 'not-found' ? 'red packet not found' : r.kind);
  if (r.status === 'RECEIVED') return settle(ports, p, 'paid');
  if (r.status === 'REFUND' || r.status === 'FAILED') return settle(ports, p, 'failed', { failReason: r.reason ?? r.status });
  return p.state;
}

async function askToConfirm(ports: PayoutPorts, p: Payout): Promise<void> {
  const link = ports.confirmPageUrl ? `${ports.confirmPageUrl}?bill=${encodeURIComponent(p.ref)}` : undefined;
  const told = await ports.notify(p.openid, {
    text: `你的 ${yuan(p.amountFen)} 元红包已发出，请${link ? `点击 <a href="${link}">确认收款</a>` : '在微信支付消息中确认收款'}（24 小时内有效）。`,
    template: link && ports.confirmTemplateId ? { templateId: ports.confirmTemplateId, url: link, data: { first: { value: '你有一笔红包待确认收款' }, keyword1: { value: `${yuan(p.amountFen)} 元` }, keyword2: { value: p.campaignName } } } : undefined,
  }).catch(() => undefined);
  if (told && 'sent' in told) await ports.payouts.update(p.ref, { confirmSentAt: new Date(ports.clock.now()).toISOString() }, ports.clock.now());
}

/** A verified callback or query said where a transfer stands. */
export async function applyTransferState(ports: PayoutPorts, ref: string, state: TransferBillState, failReason?: string): Promise<PayoutStep> {
  const p = await ports.payouts.get(ref);
  if (!p) return 'missing';
  if (p.state === 'paid' || p.state === 'failed') return p.state;
  return settle(ports, p, fromTransferState(state), { failReason });
}

/**
 * The reconciliation: every open order whose next attempt is due is stepped again (pending ones
 * resent under their ref, the others queried), so nothing stays in an unknown state.
 */
export async function reconcilePayouts(ports: PayoutPorts, opts: { olderThanMs?: number; max?: number } = {}): Promise<Record<string, number>> {
  const now = ports.clock.now();
  const counts: Record<string, number> = {};
  let start: Record<string, unknown> | undefined;
  let seen = 0;
  do {
    const page = await ports.payouts.listOpen(100, start);
    for (const p of page.payouts) {
      if (seen++ >= (opts.max ?? 1000)) return counts;
      if ((p.nextAttemptAt ?? 0) > now || Date.parse(p.updatedAt) > now - (opts.olderThanMs ?? 0)) continue;
      const step = await processPayout(ports, p.ref);
      counts[step] = (counts[step] ?? 0) + 1;
    }
    start = page.next;
  } while (start);
  return counts;
}
