import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildXml } from '../lib/wechat/xml';
import type { SandboxOptions } from './config';
import { parseJson, sendJson } from './http-io';
import { parseAuthorization, platformSignature, verifyMerchantRequest } from './pay-crypto';
import { v3Error, type PayContext, type V3Answer } from './pay-context';
import { keysView, makePayIdentity, type PayIdentity } from './pay-keys';
import { PayLedger, parseFault, type FaultKind } from './pay-ledger';
import { failure, getHbInfo, openRedpack, refundExpiredRedpacks, sendRedpack, type V2Fields } from './pay-redpacks';
import { createBill, expireBills, queryBill, settleBill } from './pay-transfer-bills';
import { notifyTransferBill, type ResourceOverride } from './pay-notify';
import type { SandboxState } from './state';

/**
 * The WeChat Pay stand-in: api.mch.weixin.qq.com's transfer-bill (APIv3) and red-packet (APIv2)
 * paths on the sandbox's port, plus `/sandbox/pay/*` controls for tests and the chat page.
 */
export interface SandboxPay {
  readonly ledger: PayLedger;
  identity(): PayIdentity;
  handle(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): Promise<void>;
}

const TRANSFER_BILLS = '/v3/fund-app/mch-transfer/transfer-bills';
const BY_OUT_BILL_NO = /^\/v3\/fund-app\/mch-transfer\/transfer-bills\/out-bill-no\/([^/]+)$/;
const SETTLE = /^\/sandbox\/pay\/transfer-bills\/([A-Za-z0-9]+)\/(confirm|reject|notify)$/;
const OPEN_REDPACK = /^\/sandbox\/pay\/redpacks\/([A-Za-z0-9]+)\/open$/;
const MAX_SKEW_SECONDS = 300;
/** How long a `timeout` fault holds a request before hanging up; the client gives up long before. */
const HOLD_MS = 120_000;

export function isPayPath(path: string): boolean {
  return path.startsWith('/v3/') || path.startsWith('/mmpaymkttransfers/') || path.startsWith('/sandbox/pay/');
}

export function createSandboxPay(state: SandboxState, options: SandboxOptions): SandboxPay {
  const ledger = new PayLedger(options.pay.balanceFen);
  state.onReset(() => ledger.clear());
  let id: PayIdentity | undefined;
  const identity = () => (id ??= makePayIdentity(options));
  const ctx: PayContext = { state, ledger, identity, callbackTimeoutMs: options.callbackTimeoutMs };

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path.startsWith('/sandbox/pay/')) {
      const answer = await control(ctx, method, path, url.searchParams, rawBody);
      return sendJson(res, answer.status, answer.json);
    }
    // Time-driven ends (24 h) happen whenever the stand-in is used; their callbacks go out on the side.
    void expireBills(ctx);
    refundExpiredRedpacks(ctx);
    const v2 = path.startsWith('/mmpaymkttransfers/');
    const taken = ledger.takeFault(path);
    const fault = taken?.kind;
    const log = (status: number, code?: string) =>
      ledger.log({ at: state.now(), method, path, status, ...(code ? { code } : {}), ...(fault ? { fault } : {}) });
    if (fault === 'timeout') {
      log(0);
      return holdOpen(res);
    }
    if (fault === 'SYSTEM_ERROR' || fault === 'FREQUENCY_LIMITED' || fault === 'refuse') {
      const answer = v2 ? faultV2(fault, taken?.code) : faultV3(fault, taken?.code);
      log(answer.status, answer.code);
      return v2 ? sendV2(res, answer.fields as V2Fields) : sendV3(res, answer.fields as V3Answer, ctx);
    }
    if (v2) {
      const fields = method === 'POST' ? answerV2(ctx, path, rawBody) : failure('PARAM_ERROR', `${path} 只接受 POST`);
      const flat = 'fields' in fields ? (fields.fields as V2Fields) : fields;
      log(200, flat.result_code === 'SUCCESS' ? undefined : String(flat.err_code ?? flat.return_msg));
      if (fault === 'drop-after-commit') return void res.destroy();
      return sendV2(res, 'fields' in fields ? { ...(fields.fields as V2Fields), hblist: { hbinfo: fields.hbinfo } } : fields);
    }
    const answer = answerV3(ctx, req, url, rawBody);
    log(answer.status, typeof answer.json?.code === 'string' ? answer.json.code : undefined);
    // The request was processed; the answer is lost on the way, as on a network failure.
    if (fault === 'drop-after-commit') return void res.destroy();
    return sendV3(res, answer, ctx);
  }

  return { ledger, identity, handle };
}

function answerV3(ctx: PayContext, req: IncomingMessage, url: URL, rawBody: string): V3Answer {
  const id = ctx.identity();
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth?.mchid || !auth.serial_no || !auth.timestamp || !auth.nonce_str || !auth.signature)
    return v3Error(401, 'SIGN_ERROR', 'Authorization 须为 WECHATPAY2-SHA256-RSA2048 并含 mchid、nonce_str、signature、timestamp、serial_no');
  if (auth.mchid !== id.mchid) return v3Error(401, 'SIGN_ERROR', `mchid ${auth.mchid} 不是本商户`);
  if (auth.serial_no !== id.merchantSerial) return v3Error(401, 'SIGN_ERROR', `商户证书序列号 ${auth.serial_no} 有误`);
  if (!/^\d{1,12}$/.test(auth.timestamp) || Math.abs(ctx.state.now() / 1000 - Number(auth.timestamp)) > MAX_SKEW_SECONDS)
    return v3Error(401, 'SIGN_ERROR', 'timestamp 与微信支付服务器时间相差超过 5 分钟');
  const method = req.method ?? 'GET';
  if (!verifyMerchantRequest(method, req.url ?? '/', auth.timestamp, auth.nonce_str, rawBody, auth.signature, id.merchantPublicKey))
    return v3Error(401, 'SIGN_ERROR', '签名错误');
  const path = url.pathname;
  if (path === TRANSFER_BILLS && method === 'POST') {
    const parsed = parseJson(rawBody);
    if (!parsed.ok) return v3Error(400, 'PARAM_ERROR', parsed.error);
    return createBill(ctx, parsed.value, header(req, 'wechatpay-serial'));
  }
  const byNo = BY_OUT_BILL_NO.exec(path);
  if (byNo && method === 'GET') return queryBill(ctx, decodeURIComponent(byNo[1]!));
  return v3Error(404, 'NOT_FOUND', `the sandbox does not emulate ${method} ${path}`);
}

function answerV2(ctx: PayContext, path: string, rawBody: string): ReturnType<typeof getHbInfo> {
  if (path === '/mmpaymkttransfers/sendredpack') return sendRedpack(ctx, rawBody);
  if (path === '/mmpaymkttransfers/gethbinfo') return getHbInfo(ctx, rawBody);
  return { return_code: 'FAIL', return_msg: `the sandbox does not emulate ${path}` };
}

/** HTTP statuses WeChat Pay answers its v3 refusal codes with (others: 400). */
const V3_REFUSAL_STATUS: Record<string, number> = {
  NOT_ENOUGH: 403,
  NO_AUTH: 403,
  USER_ERROR: 403,
  SIGN_ERROR: 401,
  FREQUENCY_LIMITED: 429,
  SYSTEM_ERROR: 500,
};

function faultV3(kind: FaultKind, code?: string): { status: number; code: string; fields: V3Answer } {
  const a =
    kind === 'SYSTEM_ERROR'
      ? v3Error(500, 'SYSTEM_ERROR', '系统异常，请使用相同参数稍后重新调用')
      : kind === 'FREQUENCY_LIMITED'
        ? v3Error(429, 'FREQUENCY_LIMITED', '请求频率超过限制，请降低频率')
        : v3Error(V3_REFUSAL_STATUS[code!] ?? 400, code!, `沙箱按要求拒绝：${code}`);
  return { status: a.status, code: String(a.json!.code), fields: a };
}

function faultV2(kind: FaultKind, code?: string): { status: number; code: string; fields: V2Fields } {
  if (kind === 'SYSTEM_ERROR') return { status: 200, code: 'SYSTEMERROR', fields: failure('SYSTEMERROR', '系统繁忙，请使用原单号以及原请求参数重试') };
  if (kind === 'FREQUENCY_LIMITED') return { status: 200, code: 'FREQ_LIMIT', fields: failure('FREQ_LIMIT', '超过频率限制，请稍后再试') };
  return { status: 200, code: code!, fields: failure(code!, `沙箱按要求拒绝：${code}`) };
}

function sendV3(res: ServerResponse, answer: V3Answer, ctx: PayContext): void {
  const id = ctx.identity();
  const body = answer.json === undefined ? '' : JSON.stringify(answer.json);
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'request-id': `08${Date.now().toString(16).toUpperCase()}`,
    ...platformSignature(body, ctx.state.now(), id.platformKey, id.platformPublicKeyId),
  });
  res.end(body);
}

function sendV2(res: ServerResponse, fields: Record<string, unknown>): void {
  const body = buildXml(fields);
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A `timeout` fault: no answer at all, until the client gives up (or the sandbox closes). */
function holdOpen(res: ServerResponse): void {
  const timer = setTimeout(() => res.destroy(), HOLD_MS);
  timer.unref();
  res.on('close', () => clearTimeout(timer));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

type Answer = { status: number; json: unknown };

async function control(ctx: PayContext, method: string, path: string, query: URLSearchParams, rawBody: string): Promise<Answer> {
  const { ledger } = ctx;
  if (path === '/sandbox/pay/keys' && method === 'GET') return { status: 200, json: keysView(ctx.identity()) };
  if (path === '/sandbox/pay/bills' && method === 'GET') {
    const notifications = await expireBills(ctx);
    refundExpiredRedpacks(ctx);
    const strip = <T extends { fingerprint: string }>({ fingerprint: _f, ...rest }: T) => rest;
    return {
      status: 200,
      json: {
        balanceFen: ledger.balanceFen,
        transferBills: [...ledger.transferBills.values()].map(strip),
        redpacks: [...ledger.redpacks.values()].map(strip),
        expiredNow: notifications.length,
      },
    };
  }
  if (path === '/sandbox/pay/requests' && method === 'GET') {
    const after = Number(query.get('after') ?? 0);
    return { status: 200, json: { requests: ledger.requests.filter((r) => r.seq > after) } };
  }
  if (path === '/sandbox/pay/faults') {
    if (method === 'GET') return { status: 200, json: { faults: ledger.faults } };
    if (method === 'DELETE') {
      ledger.faults = [];
      return { status: 200, json: { faults: [] } };
    }
    if (method === 'POST') {
      const parsed = parseJson(rawBody);
      const fault = parsed.ok ? parseFault(parsed.value) : parsed;
      if (!fault.ok) return { status: 400, json: { error: fault.error } };
      ledger.faults.push(fault.fault);
      return { status: 200, json: { faults: ledger.faults } };
    }
  }
  if (path === '/sandbox/pay/balance' && method === 'POST') {
    // { balanceFen } sets the merchant's balance; { addFen } tops it up (the merchant recharging).
    const parsed = parseJson(rawBody);
    const b = (parsed.ok ? parsed.value : undefined) as { balanceFen?: unknown; addFen?: unknown } | undefined;
    const fen = b?.balanceFen ?? b?.addFen;
    if (!Number.isSafeInteger(fen) || (fen as number) < 0 || (b?.balanceFen !== undefined) === (b?.addFen !== undefined))
      return { status: 400, json: { error: 'give "balanceFen" (set) or "addFen" (top up), a non-negative integer' } };
    ledger.balanceFen = b?.balanceFen !== undefined ? (fen as number) : ledger.balanceFen + (fen as number);
    return { status: 200, json: { balanceFen: ledger.balanceFen } };
  }
  const settle = SETTLE.exec(path);
  if (settle && method === 'POST') {
    const [, outBillNo, action] = settle as unknown as [string, string, 'confirm' | 'reject' | 'notify'];
    if (action === 'notify') {
      const bill = ledger.transferBills.get(outBillNo);
      if (!bill) return { status: 404, json: { error: `no transfer bill ${outBillNo}` } };
      if (!['SUCCESS', 'FAIL', 'CANCELLED'].includes(bill.state))
        return { status: 409, json: { error: `bill ${outBillNo} is ${bill.state}: only final states are notified` } };
      const override = parseOverride(rawBody);
      if (!override.ok) return { status: 400, json: { error: override.error } };
      return { status: 200, json: { notification: await notifyTransferBill(ctx, bill, override.value) } };
    }
    const parsed = rawBody.trim() ? parseJson(rawBody) : { ok: true as const, value: {} };
    const notify = parsed.ok ? (parsed.value as { notify?: unknown } | null)?.notify : undefined;
    if (!parsed.ok || (notify !== undefined && typeof notify !== 'boolean'))
      return { status: 400, json: { error: 'body must be {} or { "notify": false } (hold the callback back)' } };
    const done = await settleBill(ctx, outBillNo, action, { notify });
    if (!done.ok) return { status: done.status, json: { error: done.error } };
    const { fingerprint: _f, ...bill } = done.bill;
    return { status: 200, json: { bill, notification: done.notification } };
  }
  const open = OPEN_REDPACK.exec(path);
  if (open && method === 'POST') {
    const done = openRedpack(ctx, open[1]!);
    if (!done.ok) return { status: done.status, json: { error: done.error } };
    const { fingerprint: _f, ...packet } = done.packet;
    return { status: 200, json: { redpack: packet } };
  }
  return { status: 404, json: { error: `no route for ${method} ${path}` } };
}

/**
 * `POST …/notify` may carry `{ "resource": { "mch_id"?, "transfer_amount"?, "openid"? } }`: the callback
 * then says that, still properly signed and sealed, the way a misrouted callback or a leaked key would.
 */
function parseOverride(rawBody: string): { ok: true; value: ResourceOverride } | { ok: false; error: string } {
  if (!rawBody.trim()) return { ok: true, value: {} };
  const parsed = parseJson(rawBody);
  const r = parsed.ok ? (parsed.value as { resource?: Record<string, unknown> } | null)?.resource : undefined;
  if (!parsed.ok || (r !== undefined && (typeof r !== 'object' || r === null || Array.isArray(r))))
    return { ok: false, error: 'body must be {} or { "resource": { "mch_id"?, "transfer_amount"?, "openid"? } }' };
  const out: ResourceOverride = {};
  for (const [k, v] of Object.entries(r ?? {})) {
    if ((k === 'mch_id' || k === 'openid') && typeof v === 'string') out[k] = v;
    else if (k === 'transfer_amount' && Number.isSafeInteger(v)) out.transfer_amount = v as number;
    else return { ok: false, error: `resource.${k}: only mch_id, openid (strings) and transfer_amount (integer) can be overridden` };
  }
  return { ok: true, value: out };
}
