import type { PayIdentity } from './pay-keys';
import type { PayLedger } from './pay-ledger';
import type { SandboxState } from './state';

/** What the WeChat Pay stand-in's parts share. */
export interface PayContext {
  state: SandboxState;
  ledger: PayLedger;
  /** Made at the first pay request: RSA key generation costs time every other sandbox user would pay. */
  identity(): PayIdentity;
  callbackTimeoutMs: number;
}

/** An APIv3 answer before signing; no json means an empty body. */
export interface V3Answer {
  status: number;
  json?: Record<string, unknown>;
}

export const v3Error = (status: number, code: string, message: string): V3Answer => ({ status, json: { code, message } });

export const DAY_MS = 24 * 3600 * 1000;
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

/** RFC 3339 in China time, as WeChat Pay writes times: 2025-06-02T09:00:00+08:00. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000 + CHINA_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

/** The China calendar day of an instant (China has no daylight saving time). */
export function chinaDay(ms: number): number {
  return Math.floor((ms + CHINA_OFFSET_MS) / DAY_MS);
}

export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}
