import { newMediaId } from './media';
import type { FollowerAction } from './push-xml';
import type { PushMode } from './reply-decoder';

/**
 * Validates the JSON posted to `/sandbox/followers/{openid}/messages`. Every refusal names the field
 * that is wrong, so a test author sees at once what to fix.
 */
export interface FollowerRequest {
  action: FollowerAction;
  mode: PushMode;
  /** How many identical pushes to make at once (WeChat's retries): 1–4. */
  deliveries: number;
}

export type Parsed = { ok: true; value: FollowerRequest } | { ok: false; error: string };

const EVENTS = ['subscribe', 'unsubscribe', 'SCAN', 'LOCATION', 'VIEW', 'CLICK'] as const;
const MODES = ['plain', 'aes', 'compat'] as const;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const OPENID = /^[A-Za-z0-9_-]{1,64}$/;

class Refused extends Error {}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Refused(`"${field}" must be a string`);
  return v;
}

function requiredString(body: Record<string, unknown>, field: string, maxBytes: number): string {
  const v = optionalString(body, field);
  if (!v) throw new Refused(`"${field}" is required (a non-empty string)`);
  if (Buffer.byteLength(v, 'utf8') > maxBytes) throw new Refused(`"${field}" is longer than ${maxBytes} bytes`);
  return v;
}

function optionalNumber(body: Record<string, unknown>, field: string): number | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Refused(`"${field}" must be a number`);
  return v;
}

function action(body: Record<string, unknown>): FollowerAction {
  switch (body.type) {
    case 'text':
      return { type: 'text', content: requiredString(body, 'content', 4096) };
    case 'image': {
      const mediaId = newMediaId();
      return { type: 'image', mediaId, picUrl: `https://mmbiz.qpic.cn/sandbox/${mediaId}/0` };
    }
    case 'click':
      return { type: 'event', event: 'CLICK', eventKey: requiredString(body, 'key', 128) };
    case 'event': {
      const name = body.event;
      const event = EVENTS.find((e) => typeof name === 'string' && e.toLowerCase() === name.toLowerCase());
      if (!event) throw new Refused(`"event" must be one of ${EVENTS.join(', ')}`);
      const needsKey = event === 'SCAN' || event === 'VIEW' || event === 'CLICK';
      const eventKey = needsKey ? requiredString(body, 'eventKey', 1024) : optionalString(body, 'eventKey');
      const ticket = optionalString(body, 'ticket');
      const out: FollowerAction = { type: 'event', event, ...(eventKey !== undefined ? { eventKey } : {}), ...(ticket ? { ticket } : {}) };
      if (event === 'LOCATION') {
        return {
          ...out,
          latitude: optionalNumber(body, 'latitude') ?? 23.137466,
          longitude: optionalNumber(body, 'longitude') ?? 113.352425,
          precision: optionalNumber(body, 'precision') ?? 119.38504,
        };
      }
      return out;
    }
    default:
      throw new Refused('"type" must be "text", "image", "event" or "click"');
  }
}

/** `defaultMode`: the account's push mode, for a request that names none. */
export function parseFollowerRequest(body: unknown, defaultMode: PushMode = 'plain'): Parsed {
  try {
    if (!isObject(body)) throw new Refused('body must be a JSON object like {"type":"text","content":"hi"}');
    const mode = body.mode ?? defaultMode;
    if (!MODES.includes(mode as PushMode)) throw new Refused(`"mode" must be one of ${MODES.join(', ')}`);
    const deliveries = body.deliveries ?? 1;
    if (typeof deliveries !== 'number' || !Number.isInteger(deliveries) || deliveries < 1 || deliveries > 4)
      throw new Refused('"deliveries" must be an integer from 1 to 4');
    return { ok: true, value: { action: action(body), mode: mode as PushMode, deliveries } };
  } catch (err) {
    if (err instanceof Refused) return { ok: false, error: err.message };
    throw err;
  }
}
