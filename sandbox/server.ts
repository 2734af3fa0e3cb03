import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeAesKey } from '../lib/wechat/crypto';
import { ApiFaults, sendApiAnswer } from './api-faults';
import { handleApi, isApiPath } from './api-routes';
import { chatPageHtml } from './chat-page';
import { withDefaults, type SandboxOptions, type SandboxOptionsInput } from './config';
import { handleFollowers } from './follower-routes';
import { BodyTooLarge, readBody, readBodyBytes, sendBytes, sendJson, sendText } from './http-io';
import { handleMediaApi, isMediaPath, MAX_IMAGE_BYTES } from './media';
import { JobEvents } from './job-events';
import { createSandboxPay, isPayPath, type SandboxPay } from './pay-routes';
import { handleControls } from './sandbox-routes';
import { handleSendControls } from './send-controls';
import { SendLimits } from './send-limits';
import { SandboxState } from './state';
import { TokenIssuer } from './tokens';

/**
 * The WeChat sandbox: a local stand-in for api.weixin.qq.com and for followers' phones, plus a chat
 * page at `/`. Never deployed. All state is in memory.
 */
export interface Sandbox {
  listen(port?: number, host?: string): Promise<void>;
  close(): Promise<void>;
  /** `http://127.0.0.1:<port>` once listening. */
  readonly url: string;
  readonly state: SandboxState;
  readonly tokens: TokenIssuer;
  readonly options: SandboxOptions;
  /** The WeChat Pay stand-in (api.mch.weixin.qq.com paths and /sandbox/pay/*). */
  readonly pay: SandboxPay;
  /** Outbound limits and their usage (`/sandbox/limits`). */
  readonly limits: SendLimits;
  /** TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH and how their delivery went (`/sandbox/job-events`). */
  readonly jobs: JobEvents;
  /** API faults waiting to be injected (`/sandbox/faults`). */
  readonly faults: ApiFaults;
}

export function createSandbox(partial: SandboxOptionsInput = {}): Sandbox {
  const options = withDefaults(partial);
  const aesKey = decodeAesKey(options.encodingAesKey);
  const state = new SandboxState(options.clock);
  const tokens = new TokenIssuer(() => state.now());
  const { templateDailyQuota, massMonthlyQuota, sendRatePerSecond, jobEvents } = options;
  const limits = new SendLimits({ templateDailyQuota, massMonthlyQuota, sendRatePerSecond, jobEvents }, () => state.now());
  const jobs = new JobEvents({ state, options, aesKey, enabled: () => limits.settings.jobEvents });
  const faults = new ApiFaults();
  state.onReset(() => {
    limits.reset();
    jobs.clear();
    faults.clear();
  });
  const deps = { state, tokens, options, aesKey, limits, jobs, faults };
  const pay = createSandboxPay(state, options);
  let url = '';

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsedUrl = new URL(req.url ?? '/', 'http://sandbox');
    const path = parsedUrl.pathname;
    const method = req.method ?? 'GET';
    if ((path === '/' || path === '/index.html') && method === 'GET') return sendText(res, 200, 'text/html; charset=utf-8', chatPageHtml());
    if (isMediaPath(path)) return answerMedia(req, res, method, path, parsedUrl);
    const rawBody = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
    if (isPayPath(path)) return pay.handle(req, res, parsedUrl, rawBody);
    if (isApiPath(path)) {
      return sendApiAnswer(res, handleApi({ method, path, query: Object.fromEntries(parsedUrl.searchParams), rawBody }, deps));
    }
    const answer =
      (await handleFollowers(method, path, parsedUrl.searchParams, rawBody, deps)) ??
      handleSendControls(method, path, parsedUrl.searchParams, rawBody, deps) ??
      (await handleControls(method, path, parsedUrl.searchParams, rawBody, deps));
    if (answer) return sendJson(res, answer.status, answer.json);
    sendJson(res, 404, { error: `no route for ${method} ${path}` });
  }

  async function answerMedia(req: IncomingMessage, res: ServerResponse, method: string, path: string, parsedUrl: URL): Promise<void> {
    const body = method === 'POST' ? await readBodyBytes(req, MAX_IMAGE_BYTES + 64 * 1024) : Buffer.alloc(0);
    const query = Object.fromEntries(parsedUrl.searchParams);
    const answer = handleMediaApi({ method, path, query, contentType: req.headers['content-type'] ?? '', body }, deps);
    if ('json' in answer) return sendJson(res, answer.status, answer.json);
    const { media } = answer;
    sendBytes(res, 200, media.contentType, media.bytes, { 'content-disposition': `attachment; filename="${media.fileName.replace(/["\\\r\n]/g, '_')}"` });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof BodyTooLarge) return sendJson(res, 413, { error: err.message });
      console.error('sandbox: unexpected error', err);
      sendJson(res, 500, { error: 'internal sandbox error (see the sandbox log)' });
    });
  });

  return {
    state,
    tokens,
    options,
    pay,
    limits,
    jobs,
    faults,
    get url() {
      return url;
    },
    listen(port = 0, host = '127.0.0.1') {
      return new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          url = `http://${host}:${(server.address() as AddressInfo).port}`;
          resolve();
        });
      });
    },
    close() {
      jobs.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
