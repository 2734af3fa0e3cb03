import { decryptResource } from './resourceCipher';
import { headerLookup, verifyWechatpaySignature, type VerifyKey } from './signature';
import { isTransferBillState, type TransferBillState } from './outcome';

/**
 * A callback from WeChat Pay (e.g. MCHTRANSFER.BILL.FINISHED): signature and clock skew checked like
 * a response, then the resource decrypted with the APIv3 key, GCM tag included. The body must be the
 * bytes exactly as received: the signature covers them, not a re-serialised object.
 *
 * Answer WeChat Pay with 200/204 when `ok`, otherwise with `status` and `{ code: 'FAIL', message }`;
 * it retries a callback that was not accepted (for about a day), each time signed afresh.
 */
export interface PayNotificationInput {
  headers: Headers | Record<string, string | string[] | undefined>;
  body: string;
}

export type PayNotification =
  | { ok: true; id: string; eventType: string; createTime?: string; summary?: string; resource: Record<string, unknown> }
  /** 401: not from WeChat Pay (signature, key id, stale or future timestamp, undecryptable resource); 400: malformed. */
  | { ok: false; status: 400 | 401; error: string };

export function openPayNotification(input: PayNotificationInput, key: VerifyKey, apiV3Key: string, nowMs: number): PayNotification {
  const verified = verifyWechatpaySignature(headerLookup(input.headers), input.body, key, nowMs);
  if (!verified.ok) return { ok: false, status: 401, error: verified.error };
  let envelope: unknown;
  try {
    envelope = JSON.parse(input.body);
  } catch {
    return { ok: false, status: 400, error: 'body is not JSON' };
  }
  if (!isObject(envelope) || !isObject(envelope.resource)) return { ok: false, status: 400, error: 'body has no resource object' };
  const r = envelope.resource;
  if (r.algorithm !== 'AEAD_AES_256_GCM') return { ok: false, status: 400, error: `unsupported algorithm ${String(r.algorithm)}` };
  if (typeof r.ciphertext !== 'string' || typeof r.nonce !== 'string' || (r.associated_data !== undefined && typeof r.associated_data !== 'string')) {
    return { ok: false, status: 400, error: 'resource needs ciphertext, nonce and associated_data strings' };
  }
  const opened = decryptResource({ ciphertext: r.ciphertext, nonce: r.nonce, associatedData: (r.associated_data as string | undefined) ?? '' }, apiV3Key);
  if (!opened.ok) return { ok: false, status: 401, error: opened.error };
  let resource: unknown;
  try {
    resource = JSON.parse(opened.plaintext);
  } catch {
    return { ok: false, status: 400, error: 'decrypted resource is not JSON' };
  }
  if (!isObject(resource)) return { ok: false, status: 400, error: 'decrypted resource is not a JSON object' };
  if (typeof envelope.event_type !== 'string' || typeof envelope.id !== 'string') return { ok: false, status: 400, error: 'body needs id and event_type' };
  return {
    ok: true,
    id: envelope.id,
    eventType: envelope.event_type,
    ...(typeof envelope.create_time === 'string' ? { createTime: envelope.create_time } : {}),
    ...(typeof envelope.summary === 'string' ? { summary: envelope.summary } : {}),
    resource,
  };
}

export const TRANSFER_BILL_FINISHED = 'MCHTRANSFER.BILL.FINISHED';

export interface TransferBillFinished {
  outBillNo: string;
  transferBillNo: string;
  state: TransferBillState;
  amountFen: number;
  openid: string;
  mchid: string;
  failReason?: string;
  updateTime?: string;
}

/** The decrypted resource of MCHTRANSFER.BILL.FINISHED, typed; undefined when fields are missing. */
export function transferBillFinished(resource: Record<string, unknown>): TransferBillFinished | undefined {
  const r = resource;
  if (typeof r.out_bill_no !== 'string' || typeof r.transfer_bill_no !== 'string' || !isTransferBillState(r.state)) return undefined;
  if (!Number.isSafeInteger(r.transfer_amount) || typeof r.openid !== 'string' || typeof r.mch_id !== 'string') return undefined;
  return {
    outBillNo: r.out_bill_no,
    transferBillNo: r.transfer_bill_no,
    state: r.state,
    amountFen: r.transfer_amount as number,
    openid: r.openid,
    mchid: r.mch_id,
    ...(typeof r.fail_reason === 'string' ? { failReason: r.fail_reason } : {}),
    ...(typeof r.update_time === 'string' ? { updateTime: r.update_time } : {}),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
