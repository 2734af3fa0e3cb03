/**
 * What the WeChat Pay stand-in remembers: transfer bills, classic red packets, the merchant's
 * balance, the faults waiting to be injected and a log of merchant requests. Emptied by
 * `POST /sandbox/reset` (through SandboxState.onReset).
 */
export type TransferState = 'ACCEPTED' | 'PROCESSING' | 'WAIT_USER_CONFIRM' | 'TRANSFERING' | 'SUCCESS' | 'FAIL' | 'CANCELING' | 'CANCELLED';
export type RedpackStatus = 'SENDING' | 'SENT' | 'FAILED' | 'RECEIVED' | 'RFUND_ING' | 'REFUND';

export interface NotificationAttempt {
  at: number;
  url: string;
  /** The callback's HTTP status; 0 when it never answered. */
  status: number;
  error?: string;
}

export interface TransferBill {
  outBillNo: string;
  transferBillNo: string;
  appid: string;
  openid: string;
  amountFen: number;
  remark: string;
  sceneId: string;
  reportInfos: Array<{ info_type: string; info_content: string }>;
  notifyUrl?: string;
  userName?: string;
  userRecvPerception?: string;
  /** Everything the merchant sent that must match on a retry with the same out_bill_no. */
  fingerprint: string;
  state: TransferState;
  failReason?: string;
  packageInfo: string;
  createdAt: number;
  updatedAt: number;
  notifications: NotificationAttempt[];
}

export interface Redpack {
  mchBillno: string;
  detailId: string;
  openid: string;
  amountFen: number;
  sendName: string;
  wishing: string;
  actName: string;
  remark: string;
  fingerprint: string;
  status: RedpackStatus;
  sentAt: number;
  receivedAt?: number;
  refundedAt?: number;
}

export interface PayRequestLog {
  seq: number;
  at: number;
  method: string;
  path: string;
  status: number;
  /** The error code answered, if any (v3 `code`, v2 `err_code` / return_msg). */
  code?: string;
  fault?: FaultKind;
}

export const FAULT_KINDS = ['timeout', 'SYSTEM_ERROR', 'FREQUENCY_LIMITED', 'drop-after-commit', 'refuse'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  /** Applies to merchant API paths starting with this; every pay path when absent. */
  path?: string;
  kind: FaultKind;
  /** `refuse` only: the refusal code answered before anything is processed (v3 `code` with its HTTP status, v2 `err_code`). */
  code?: string;
  /** How many more requests it hits. */
  times: number;
}

export class PayLedger {
  transferBills = new Map<string, TransferBill>();
  redpacks = new Map<string, Redpack>();
  faults: Fault[] = [];
  requests: PayRequestLog[] = [];
  balanceFen: number;
  private seq = 0;

  constructor(private readonly initialBalanceFen: number) {
    this.balanceFen = initialBalanceFen;
  }

  clear(): void {
    this.transferBills.clear();
    this.redpacks.clear();
    this.faults = [];
    this.requests = [];
    this.balanceFen = this.initialBalanceFen;
  }

  /** The first fault queued for this path, used up by one. */
  takeFault(path: string): Pick<Fault, 'kind' | 'code'> | undefined {
    const i = this.faults.findIndex((f) => !f.path || path.startsWith(f.path));
    if (i < 0) return undefined;
    const fault = this.faults[i]!;
    if (--fault.times <= 0) this.faults.splice(i, 1);
    return { kind: fault.kind, ...(fault.code ? { code: fault.code } : {}) };
  }

  log(entry: Omit<PayRequestLog, 'seq'>): void {
    this.requests.push({ ...entry, seq: ++this.seq });
    if (this.requests.length > 10_000) this.requests.splice(0, this.requests.length - 10_000);
  }

  newTransferBillNo(): string {
    return `1330000${String(++this.seq).padStart(8, '0')}${randomDigits(10)}`;
  }

  newDetailId(): string {
    return `1000041701${String(++this.seq).padStart(8, '0')}${randomDigits(10)}`;
  }
}

function randomDigits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 10);
  return s;
}

/** Parses `POST /sandbox/pay/faults`. */
export function parseFault(body: unknown): { ok: true; fault: Fault } | { ok: false; error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, error: 'body must be { path?, kind, times }' };
  const b = body as Record<string, unknown>;
  if (!(FAULT_KINDS as readonly unknown[]).includes(b.kind)) return { ok: false, error: `"kind" must be one of ${FAULT_KINDS.join(', ')}` };
  if (b.path !== undefined && (typeof b.path !== 'string' || !b.path.startsWith('/')))
    return { ok: false, error: '"path" must be a path prefix starting with /' };
  const times = b.times ?? 1;
  if (!Number.isSafeInteger(times) || (times as number) < 1 || (times as number) > 1000)
    return { ok: false, error: '"times" must be an integer from 1 to 1000' };
  if (b.kind === 'refuse' && (typeof b.code !== 'string' || !/^[A-Z_]{2,40}$/.test(b.code)))
    return { ok: false, error: '"refuse" needs "code", an error code such as NOT_ENOUGH or SENDNUM_LIMIT' };
  if (b.kind !== 'refuse' && b.code !== undefined) return { ok: false, error: '"code" goes only with kind "refuse"' };
  return {
    ok: true,
    fault: {
      kind: b.kind as FaultKind,
      times: times as number,
      ...(b.path ? { path: b.path as string } : {}),
      ...(b.kind === 'refuse' ? { code: b.code as string } : {}),
    },
  };
}
