import type { PayClient } from '../pay/client';
import type {
  CreateTransferBillResult,
  QueryRedpackResult,
  QueryTransferBillResult,
  RejectedOutcome,
  SendRedpackResult,
  ThrottledOutcome,
  TransferBillState,
  UnknownOutcome,
} from '../pay/outcome';
import { refusalAction } from '../pay/refusals';
import type { MemberNotice, NoticeResult } from '../notices/notifyMember';
import { log } from '../observability/log';
import { askToConfirm } from './confirmNotice';
import { payeeOf } from './payout';
import { isFinal, type Payout, type PayoutOrderState, type PayoutPatch, type PayoutStore } from './payoutStore';

export interface PayoutPorts {
  payouts: PayoutStore;
  pay: Pick<PayClient, 'createTransferBill' | 'queryTransferBill' | 'sendRedpack' | 'queryRedpack'>;
  /** Tells the follower to confirm a transfer (link to the confirmation page). */
  notify: (openid: string, notice: MemberNotice) => Promise<NoticeResult>;
  /** Gives a failed or cancelled withdrawal back to the wallet (once). */
  refundWithdrawal: (p: Payout, nowMs: number, reason: 'withdrawal failed' | 'withdrawal cancelled') => Promise<unknown>;
  clock: { now(): number };
  /** The H5 page where the follower confirms a transfer (JS-SDK requestMerchantTransfer). */
  confirmPageUrl?: string;
  /** A "transfer to confirm" service notice for followers outside the 48-hour window. */
  confirmTemplateId?: string;
  sendName?: string;
}

/** `stale`: the order moved on while this step ran (another worker, the callback, an operator); the step wrote nothing. */
export type PayoutStep = PayoutOrderState | 'retry-later' | 'missing' | 'stale';

const MAX_BACKOFF_MS = 30 * 60_000;
export const backoff = (attempts: number) => Math.min(MAX_BACKOFF_MS, 30_000 * 2 ** Math.min(attempts, 6));
/** Longer than any send can take (rate-limit wait + the client's timeout), shorter than an operator's patience. */
export const SEND_LEASE_MS = 2 * 60_000;

export function fromTransferState(s: TransferBillState): PayoutOrderState {
  if (s === 'SUCCESS') return 'paid';
  if (s === 'FAIL' || s === 'CANCELLED') return 'failed';
  if (s === 'WAIT_USER_CONFIRM') return 'awaiting-confirmation';
  return 'processing';
}

/**
 * One step for one order, safe to run any number of times and by any number of workers at once: a
 * pending or held order is sent (always under its own ref, by whoever holds its send lease), an order
 * WeChat Pay has is queried. Every write is conditional on what the step read.
 */
export async function processPayout(ports: PayoutPorts, ref: string): Promise<PayoutStep> {
  const p = await ports.payouts.get(ref);
  if (!p) return 'missing';
  if (isFinal(p.state)) return p.state;
  if (p.state === 'pending' || p.state === 'held') {
    if (!(await ports.payouts.claimSend(p, ports.clock.now(), SEND_LEASE_MS))) return 'stale';
    return p.mode === 'transfer' ? sendTransfer(ports, p) : sendRedpack(ports, p);
  }
  return p.mode === 'transfer' ? queryTransfer(ports, p) : queryRedpack(ports, p);
}

/** Writes a step's outcome, only if the order is still as the step read it. */
function record(ports: PayoutPorts, p: Payout, patch: PayoutPatch): Promise<boolean> {
  return ports.payouts.update(p.ref, { ...patch, attempts: p.attempts + 1 }, ports.clock.now(), { state: p.state, attempts: p.attempts });
}

/** An answer we cannot trust: retry under the same ref. A held order may exist at WeChat Pay now, so it is pending again. */
async function retryLater(ports: PayoutPorts, p: Payout, why: string): Promise<PayoutStep> {
  const state = p.state === 'held' ? 'pending' : p.state;
  return (await record(ports, p, { state, lastError: why, nextAttemptAt: ports.clock.now() + backoff(p.attempts) })) ? 'retry-later' : 'stale';
}

/** A verified refusal that can clear: nothing exists at WeChat Pay; the reconciliation sends it again later, same ref. */
async function hold(ports: PayoutPorts, p: Payout, code: string, message: string): Promise<PayoutStep> {
  const reason = message ? `${code}: ${message}` : code;
  return (await record(ports, p, { state: 'held', holdReason: reason, lastError: reason, nextAttemptAt: ports.clock.now() + backoff(p.attempts) }))
    ? 'held'
    : 'stale';
}

async function settle(ports: PayoutPorts, p: Payout, state: PayoutOrderState, extra: PayoutPatch = {}): Promise<PayoutStep> {
  const now = ports.clock.now();
  if (!(await record(ports, p, { ...extra, state }))) return 'stale';
  if (state === 'failed' && p.source === 'withdrawal') await ports.refundWithdrawal(p, now, 'withdrawal failed');
  if (state === 'awaiting-confirmation' && !p.confirmSentAt) await askToConfirm(ports, { ...p, ...extra });
  return state;
}

const describe = (r: { kind: string; code?: string; cause?: string; reason?: string }) =>
  r.kind === 'unknown' ? `${r.cause}: ${r.reason}` : r.code ? `${r.kind}: ${r.code}` : r.kind;

/** WeChat Pay's record under our ref pays this order (same follower, same amount), not something else. */
function sameOrder(p: Payout, found: { amountFen: number; openid?: string }): boolean {
  // An erased member's order no longer names them (lib/payouts/payoutErasure.ts): the amount is what can be checked.
  return found.amountFen === p.amountFen && (found.openid === undefined || !!p.erasedAt || found.openid === p.openid);
}

function numberTaken(ports: PayoutPorts, p: Payout, found: { amountFen: number; openid?: string }): Promise<PayoutStep> {
  log.error('ALARM payout ref carries another payment at WeChat Pay', {
    alarm: 'payout-ref-mismatch',
    ref: p.ref,
    orderFen: p.amountFen,
    foundFen: found.amountFen,
    sameOpenid: found.openid === undefined || found.openid === p.openid,
  });
  return hold(ports, p, 'NUMBER_TAKEN', `WeChat Pay holds ${found.amountFen} fen${found.openid === p.openid ? '' : ' to another follower'} under this ref`);
}

async function sendTransfer(ports: PayoutPorts, p: Payout): Promise<PayoutStep> {
  const r: CreateTransferBillResult = await ports.pay.createTransferBill({
    outBillNo: p.ref,
    openid: payeeOf(p),
    amountFen: p.amountFen,
    remark: p.source === 'withdrawal' ? '红包钱包提现' : `${p.campaignName}红包`,
    activityName: p.campaignName.slice(0, 32),
    rewardDescription: p.source === 'withdrawal' ? '会员钱包中的红包奖励' : '抢红包活动奖励',
  });
  if (r.kind === 'ok')
    return settle(ports, p, fromTransferState(r.state), { transferBillNo: r.transferBillNo, packageInfo: r.packageInfo, failReason: r.failReason });
  return afterSendNotOk(ports, p, 'transfer', r, async (refusal) => {
    // The number may carry a bill already (e.g. an earlier attempt with other content): it decides.
    const q = await ports.pay.queryTransferBill(p.ref);
    if (q.kind === 'not-found') return hold(ports, p, refusal.code, refusal.message);
    if (q.kind !== 'found') return retryLater(ports, p, `${refusal.code}, then the query: ${describe(q)}`);
    if (!sameOrder(p, q)) return numberTaken(ports, p, q);
    return settle(ports, p, fromTransferState(q.state), { transferBillNo: q.transferBillNo, failReason: q.failReason });
  });
}

/**
 * Whatever a send answered other than ok: an untrusted answer is retried later (same ref), a rate
 * limit or a refusal that can clear holds the order, a final refusal fails it, and a refusal that
 * says the number may already carry a payment is handed to `queryFirst`.
 */
function afterSendNotOk(
  ports: PayoutPorts,
  p: Payout,
  api: 'transfer' | 'redpack',
  r: UnknownOutcome | ThrottledOutcome | RejectedOutcome,
  queryFirst: (r: RejectedOutcome) => Promise<PayoutStep>,
): Promise<PayoutStep> {
  if (r.kind === 'unknown') return retryLater(ports, p, describe(r));
  if (r.kind === 'throttled') return hold(ports, p, r.code, 'rate limit');
  const action = refusalAction(api, r.code);
  if (action === 'hold') return hold(ports, p, r.code, r.message);
  if (action === 'final') return settle(ports, p, 'failed', { failReason: `${r.code}: ${r.message}` });
  return queryFirst(r);
}

async function queryTransfer(ports: PayoutPorts, p: Payout): Promise<PayoutStep> {
  const r: QueryTransferBillResult = await ports.pay.queryTransferBill(p.ref);
  if (r.kind !== 'found') return retryLater(ports, p, r.kind === 'not-found' ? 'bill not found yet' : describe(r));
  if (!sameOrder(p, r)) return numberTaken(ports, p, r);
  const state = fromTransferState(r.state);
  return state === p.state ? p.state : settle(ports, p, state, { transferBillNo: r.transferBillNo, failReason: r.failReason });
}

async function sendRedpack(ports: PayoutPorts, p: Payout): Promise<PayoutStep> {
  const r: SendRedpackResult = await ports.pay.sendRedpack({
    mchBillno: p.ref,
    openid: payeeOf(p),
    amountFen: p.amountFen,
    sendName: (ports.sendName ?? '会员中心').slice(0, 32),
    wishing: '恭喜发财，大吉大利',
    actName: p.campaignName.slice(0, 32),
    remark: '抢红包活动奖励',
  });
  if (r.kind === 'ok') return settle(ports, p, 'sent');
  return afterSendNotOk(ports, p, 'redpack', r, async (refusal) => {
    // FATAL_ERROR: this mch_billno already carries a packet sent with other content (e.g. the send name
    // changed between a lost answer and its retry). That packet is the payout: follow it.
    const q = await ports.pay.queryRedpack(p.ref);
    if (q.kind !== 'found') return retryLater(ports, p, `${refusal.code}, then the query: ${describe(q)}`);
    return followRedpack(ports, p, q);
  });
}

async function queryRedpack(ports: PayoutPorts, p: Payout): Promise<PayoutStep> {
  const r: QueryRedpackResult = await ports.pay.queryRedpack(p.ref);
  if (r.kind !== 'found') return retryLater(ports, p, r.kind === 'not-found' ? 'red packet not found' : describe(r));
  return followRedpack(ports, p, r);
}

function followRedpack(ports: PayoutPorts, p: Payout, r: Extract<QueryRedpackResult, { kind: 'found' }>): Promise<PayoutStep> | PayoutStep {
  if (!sameOrder(p, r)) return numberTaken(ports, p, r);
  if (r.status === 'RECEIVED') return settle(ports, p, 'paid');
  if (r.status === 'REFUND' || r.status === 'FAILED') return settle(ports, p, 'failed', { failReason: r.reason ?? r.status });
  return p.state === 'sent' ? p.state : settle(ports, p, 'sent');
}

/**
 * A verified callback said where a transfer stands. It is authoritative, so a write that lost a race
 * with a worker is read again and retried (a few times), never dropped.
 */
export async function applyTransferState(ports: PayoutPorts, ref: string, state: TransferBillState, failReason?: string): Promise<PayoutStep> {
  for (let tries = 0; tries < 3; tries++) {
    const p = await ports.payouts.get(ref);
    if (!p) return 'missing';
    const target = fromTransferState(state);
    if (isFinal(p.state) || target === p.state) return p.state;
    const step = await settle(ports, p, target, { failReason });
    if (step !== 'stale') return step;
  }
  return 'stale';
}

/**
 * The reconciliation: every open order whose next attempt is due and that no send holds is stepped
 * again (pending and held ones resent under their ref, the others queried), so nothing stays in an
 * unknown state and a held order is paid once its refusal clears.
 */
export async function reconcilePayouts(
  ports: PayoutPorts,
  opts: { olderThanMs?: number; max?: number /** Every order still held after this run (not due yet, or held again). */; onHeld?: (p: Payout) => void } = {},
): Promise<Record<string, number>> {
  const now = ports.clock.now();
  const counts: Record<string, number> = {};
  let start: Record<string, unknown> | undefined;
  let seen = 0;
  do {
    const page = await ports.payouts.listOpen(100, start);
    for (const p of page.payouts) {
      if (seen++ >= (opts.max ?? 1000)) return counts;
      if ((p.nextAttemptAt ?? 0) > now || (p.leaseUntil ?? 0) > now || Date.parse(p.updatedAt) > now - (opts.olderThanMs ?? 0)) {
        if (p.state === 'held') opts.onHeld?.(p);
        continue;
      }
      const step = await processPayout(ports, p.ref);
      counts[step] = (counts[step] ?? 0) + 1;
      if (step === 'held') opts.onHeld?.(p);
    }
    start = page.next;
  } while (start);
  return counts;
}
