import { randomInt } from 'node:crypto';
import { signParts } from '../lib/wechat/signature';
import type { SandboxOptions } from './config';
import { parseJson } from './http-io';
import type { SandboxState } from './state';
import type { TokenIssuer } from './tokens';

/** Sandbox-only controls for tests and the chat page: state, reset, clock, call log, URL check. */
export interface ControlDeps {
  state: SandboxState;
  tokens: TokenIssuer;
  options: SandboxOptions;
}

type Answer = { status: number; json: unknown };

export async function handleControls(method: string, path: string, query: URLSearchParams, rawBody: string, deps: ControlDeps): Promise<Answer | null> {
  const { state, tokens, options } = deps;
  if (path === '/sandbox/state' && method === 'GET') {
    const tokenSummary = tokens.summary();
    return {
      status: 200,
      json: {
        account: {
          appId: options.appId,
          originalId: options.originalId,
          name: options.accountName,
          callbackUrl: options.callbackUrl,
          pushMode: options.pushMode,
        },
        now: state.now(),
        menu: state.menu ? { button: state.menu } : null,
        followers: [...state.followers.values()],
        tokenCount: tokenSummary.issued,
        tokens: tokenSummary,
        callCount: state.calls.length,
      },
    };
  }
  if (path === '/sandbox/calls' && method === 'GET') {
    const only = query.get('path');
    const after = Number(query.get('after') ?? 0);
    return { status: 200, json: { calls: state.calls.filter((c) => c.seq > after && (!only || c.path === only)) } };
  }
  if (path === '/sandbox/reset' && method === 'POST') {
    state.reset();
    tokens.reset();
    return { status: 200, json: { ok: true } };
  }
  if (path === '/sandbox/clock' && method === 'POST') {
    const parsed = parseJson(rawBody);
    const advance = parsed.ok ? (parsed.value as { advanceSeconds?: unknown } | undefined)?.advanceSeconds : undefined;
    if (typeof advance !== 'number' || !Number.isFinite(advance)) return { status: 400, json: { error: '"advanceSeconds" must be a number' } };
    state.offsetMs += advance * 1000;
    return { status: 200, json: { now: state.now(), offsetSeconds: state.offsetMs / 1000 } };
  }
  if (path === '/sandbox/verify-callback' && method === 'POST') return { status: 200, json: await verifyCallback(state, options) };
  return null;
}

/** The GET check WeChat makes when the callback URL is saved: the app must echo `echostr`. */
async function verifyCallback(state: SandboxState, options: SandboxOptions) {
  const timestamp = String(Math.floor(state.now() / 1000));
  const nonce = String(randomInt(100_000_000, 2_147_483_647));
  const echostr = String(randomInt(1e12, 2 ** 47));
  const url = new URL(options.callbackUrl);
  url.searchParams.set('signature', signParts([options.token, timestamp, nonce]));
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('echostr', echostr);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(options.callbackTimeoutMs) });
    const body = await res.text();
    return { ok: res.status === 200 && body === echostr, status: res.status, expected: echostr, body: body.slice(0, 200) };
  } catch (err) {
    return { ok: false, status: 0, expected: echostr, error: (err as Error).message };
  }
}
