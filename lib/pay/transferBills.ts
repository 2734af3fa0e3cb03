import { publicEncrypt, constants, type KeyObject } from 'node:crypto';
import { isTransferBillState, unknown, type CreateTransferBillResult, type QueryTransferBillResult } from './outcome';
import type { V3Reply } from './v3Transport';

/**
 * Merchant transfers (商家转账, user-confirmation mode) for red-packet payouts: scene 1000 (cash
 * marketing) with its two report lines. A new bill waits for the follower to confirm it on an H5
 * page (`package_info` goes to JS-SDK requestMerchantTransfer); unconfirmed bills fail after 24 h.
 */
export const TRANSFER_BILLS_PATH = '/v3/fund-app/mch-transfer/transfer-bills';
export const CASH_MARKETING_SCENE = '1000';
/** out_bill_no: 1–32 letters and digits. It goes into a URL path, so nothing else may pass. */
export const OUT_BILL_NO = /^[A-Za-z0-9]{1,32}$/;

export interface TransferBillInput {
  outBillNo: string;
  openid: string;
  amountFen: number;
  /** transfer_remark, ≤ 32 characters; the follower sees it. */
  remark: string;
  /** Report line 活动名称. */
  activityName: string;
  /** Report line 奖励说明. */
  rewardDescription: string;
  /** Where MCHTRANSFER.BILL.FINISHED goes; the configured default when absent. */
  notifyUrl?: string;
  /** The follower's real name; WeChat Pay requires it from 2,000 CNY. Sent encrypted with the platform key. */
  userName?: string;
  /** user_recv_perception, what the follower is shown the money is for: 活动奖励 or 现金奖励 for scene 1000. */
  userRecvPerception?: string;
}

export type V3Call = (method: 'GET' | 'POST', path: string, body?: unknown, headers?: Record<string, string>) => Promise<V3Reply>;

export interface TransferBillDeps {
  call: V3Call;
  appid: string;
  notifyUrl?: string;
  platformPublicKeyId: string;
  platformPublicKey: KeyObject;
}

export async function createTransferBill(input: TransferBillInput, d: TransferBillDeps): Promise<CreateTransferBillResult> {
  const body = {
    appid: d.appid,
    out_bill_no: input.outBillNo,
    transfer_scene_id: CASH_MARKETING_SCENE,
    openid: input.openid,
    ...(input.userName ? { user_name: encryptSensitive(input.userName, d.platformPublicKey) } : {}),
    transfer_amount: input.amountFen,
    transfer_remark: input.remark,
    ...((input.notifyUrl ?? d.notifyUrl) ? { notify_url: input.notifyUrl ?? d.notifyUrl } : {}),
    ...(input.userRecvPerception ? { user_recv_perception: input.userRecvPerception } : {}),
    transfer_scene_report_infos: [
      { info_type: '活动名称', info_content: input.activityName },
      { info_type: '奖励说明', info_content: input.rewardDescription },
    ],
  };
  // An encrypted field must say which key encrypted it.
  const headers: Record<string, string> = input.userName ? { 'wechatpay-serial': d.platformPublicKeyId } : {};
  const reply = await d.call('POST', TRANSFER_BILLS_PATH, body, headers);
  if (reply.kind === 'not-found') return { kind: 'rejected', code: reply.code, message: reply.message };
  if (reply.kind !== 'success') return reply;
  const j = reply.json;
  if (!isTransferBillState(j.state) || typeof j.transfer_bill_no !== 'string')
    return unknown('malformed', 'the answer has no known state or no transfer_bill_no');
  if (j.out_bill_no !== undefined && j.out_bill_no !== input.outBillNo)
    return unknown('malformed', `the answer is about ${String(j.out_bill_no)}, not ${input.outBillNo}`);
  return {
    kind: 'ok',
    state: j.state,
    transferBillNo: j.transfer_bill_no,
    outBillNo: input.outBillNo,
    ...(typeof j.create_time === 'string' ? { createTime: j.create_time } : {}),
    ...(typeof j.package_info === 'string' ? { packageInfo: j.package_info } : {}),
    ...(typeof j.fail_reason === 'string' ? { failReason: j.fail_reason } : {}),
  };
}

export async function queryTransferBill(outBillNo: string, d: Pick<TransferBillDeps, 'call'>): Promise<QueryTransferBillResult> {
  if (!OUT_BILL_NO.test(outBillNo)) throw new TypeError('outBillNo must be 1–32 letters and digits');
  const reply = await d.call('GET', `${TRANSFER_BILLS_PATH}/out-bill-no/${outBillNo}`);
  if (reply.kind === 'not-found') return { kind: 'not-found' };
  if (reply.kind !== 'success') return reply;
  const j = reply.json;
  if (!isTransferBillState(j.state) || typeof j.transfer_bill_no !== 'string')
    return unknown('malformed', 'the answer has no known state or no transfer_bill_no');
  if (j.out_bill_no !== outBillNo) return unknown('malformed', `the answer is about ${String(j.out_bill_no)}, not ${outBillNo}`);
  if (!Number.isSafeInteger(j.transfer_amount) || typeof j.openid !== 'string') return unknown('malformed', 'the answer has no transfer_amount or openid');
  return {
    kind: 'found',
    state: j.state,
    transferBillNo: j.transfer_bill_no,
    outBillNo,
    amountFen: j.transfer_amount as number,
    openid: j.openid,
    ...(typeof j.fail_reason === 'string' ? { failReason: j.fail_reason } : {}),
    ...(typeof j.create_time === 'string' ? { createTime: j.create_time } : {}),
    ...(typeof j.update_time === 'string' ? { updateTime: j.update_time } : {}),
  };
}

/** Sensitive fields (user_name): RSA-OAEP (SHA-1, as WeChat Pay specifies) with the platform public key. */
export function encryptSensitive(plain: string, platformPublicKey: KeyObject): string {
  return publicEncrypt({ key: platformPublicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(plain, 'utf8')).toString('base64');
}
