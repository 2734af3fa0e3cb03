import { refreshAccessToken, stableTokenFetcher, tokenProvider, type StoredToken } from '../wechat/accessToken';
import { createWeChatApi, type WeChatApi } from '../wechat/api';
import { fail, type ApiResult } from '../wechat/apiResult';
import { dynamoTokenStore } from '../wechat/dynamoTokenStore';
import type { Runtime } from './runtime';

/** The refresher use case wired to the store and WECHAT_API_BASE (used by handlers/token-refresh). */
export function tokenRefresher(rt: Runtime) {
  const ports = {
    store: dynamoTokenStore(rt.table),
    fetchToken: stableTokenFetcher(rt.config.appId, rt.config.appSecret, { baseUrl: rt.config.apiBase }),
    clock: rt.clock,
  };
  return (stale?: string) => refreshAccessToken(ports, stale);
}

/**
 * In AWS only the token-refresh function has the whitelisted egress IP, so other functions ask it to
 * refresh (a synchronous invoke). Locally and in tests the refresher runs in-process.
 */
function refreshRequester(rt: Runtime): (stale: string) => Promise<ApiResult<StoredToken>> {
  const fn = process.env.TOKEN_REFRESHER_FUNCTION;
  const inAws = !!process.env.AWS_LAMBDA_FUNCTION_NAME && !process.env.IS_OFFLINE;
  if (!inAws || !fn) return tokenRefresher(rt);
  return async (stale) => {
    const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
    const out = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify({ staleToken: stale })) }));
    if (out.FunctionError || !out.Payload) return fail(-1, `token refresher failed: ${out.FunctionError ?? 'no payload'}`);
    return JSON.parse(Buffer.from(out.Payload).toString('utf8')) as ApiResult<StoredToken>;
  };
}

let api: WeChatApi | undefined;

/** One API client per container, sharing one token provider. */
export function weChatApi(rt: Runtime): WeChatApi {
  api ??= createWeChatApi({ baseUrl: rt.config.apiBase, tokens: tokenProvider(dynamoTokenStore(rt.table), rt.clock, refreshRequester(rt)) });
  return api;
}
