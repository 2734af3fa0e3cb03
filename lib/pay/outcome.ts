/**
 * What a payout call can come back with. The split that matters for money is between an answer we
 * can trust and everything else:
 * - `ok` / `found` / `not-found` / `rejected`: a verified answer from WeChat Pay.
 * - `unknown`: timeout, network error, 5xx, SYSTEM_ERROR, a response whose signature does not verify
 *   or that cannot be read. The bill may or may not exist: retry with the SAME out_bill_no /
 *   mch_billno, or query it. Never pick a new number on `unknown`.
 * - `throttled`: WeChat Pay's rate limit; nothing was created, retry later with the same number.
 */
export type UnknownCause = 'timeout' | 'network' | 'server-error' | 'unverified' | 'malformed';

export interface UnknownOutcome {
  kind: 'unknown';
  cause: UnknownCause;
  reason: string;
}

export interface ThrottledOutcome {
  kind: 'throttled';
  code: string;
}

/**
 * A verified refusal of this request: it created nothing. Note INVALID_REQUEST (v3) and FATAL_ERROR
 * (v2) say the number is already taken by a request with other content; that earlier bill may well
 * exist, so query it before deciding anything.
 */
export interface RejectedOutcome {
  kind: 'rejected';
  code: string;
  message: string;
}

export const TRANSFER_BILL_STATES = ['ACCEPTED', 'PROCESSING', 'WAIT_USER_CONFIRM', 'TRANSFERING', 'SUCCESS', 'FAIL', 'CANCELING', 'CANCELLED'] as const;
export type TransferBillState = (typeof TRANSFER_BILL_STATES)[number];

export function isTransferBillState(v: unknown): v is TransferBillState {
  return typeof v === 'string' && (TRANSFER_BILL_STATES as readonly string[]).includes(v);
}

export type CreateTransferBillResult =
  | { kind: 'ok'; state: TransferBillState; transferBillNo: string; outBillNo: string; createTime?: string; packageInfo?: string; failReason?: string }
  | UnknownOutcome
  | RejectedOutcome
  | ThrottledOutcome;

export type QueryTransferBillResult =
  | {
      kind: 'found';
      state: TransferBillState;
      transferBillNo: string;
      outBillNo: string;
      amountFen: number;
      openid: string;
      failReason?: string;
      createTime?: string;
      updateTime?: string;
    }
  | { kind: 'not-found' }
  | UnknownOutcome
  | RejectedOutcome
  | ThrottledOutcome;

export const REDPACK_STATUSES = ['SENDING', 'SENT', 'FAILED', 'RECEIVED', 'RFUND_ING', 'REFUND'] as const;
export type RedpackStatus = (typeof REDPACK_STATUSES)[number];

export type SendRedpackResult = { kind: 'ok'; sendListId: string; mchBillno: string } | UnknownOutcome | RejectedOutcome | ThrottledOutcome;

export type QueryRedpackResult =
  | {
      kind: 'found';
      status: RedpackStatus;
      detailId: string;
      mchBillno: string;
      amountFen: number;
      openid?: string;
      sendTime?: string;
      receivedTime?: string;
      refundTime?: string;
      reason?: string;
    }
  | { kind: 'not-found' }
  | UnknownOutcome
  | RejectedOutcome
  | ThrottledOutcome;

export const unknown = (cause: UnknownCause, reason: string): UnknownOutcome => ({ kind: 'unknown', cause, reason });
