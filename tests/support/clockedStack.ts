import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { fixedClock } from '../../lib/clock/clock';
import { conversationPorts } from '../../lib/app/conversation';
import { createApp, type App } from '../../lib/app/createApp';
import { callbackSecrets, readConfig } from '../../lib/config/config';
import { answerPush } from '../../lib/conversation/answerPush';
import { deadlineAfter } from '../../lib/deadline/deadline';
import type { Table } from '../../lib/store/dynamo';
import { refreshAccessToken, stableTokenFetcher } from '../../lib/wechat/accessToken';
import { dynamoReplayRecord } from '../../lib/wechat/dynamoReplayRecord';
import { dynamoTokenStore } from '../../lib/wechat/dynamoTokenStore';
import { createSandbox, type Sandbox } from '../../sandbox/server';
import { loadHandlers } from './handlers';
import { serveHandler } from './lambdaServer';
import { postToSandbox } from './sandboxCalls';
import { useTestTable } from './testTable';

/**
 * The callback on a clock the test moves (service hours, idle timeouts), with the sandbox on the
 * same clock (its pushes' timestamps must be fresh for the callback), a fresh table, and the admin
 * API (on the real clock: configuration only). Calls to WeChat's API work for two hours of the
 * test's clock (the access token's life). `table` lets a test put the callback's table behind
 * a fault-injecting client.
 */
export async function startClockedStack(startMs: number, opts: { table?: (t: Table) => Table } = {}) {
  const clock = fixedClock(startMs);
  let app: App | undefined;
  const callback = await serveHandler(async () => (event: APIGatewayProxyEventV2) => answerPush(event, callbackOf(app!), deadlineAfter(5_000)));
  const sandbox: Sandbox = createSandbox({ callbackUrl: `${callback.url}/wechat`, clock: () => clock.now() });
  await sandbox.listen(0);
  const table = await useTestTable({ WECHAT_API_BASE: sandbox.url });
  app = createApp(readConfig(process.env), { clock, ...(opts.table ? { table: opts.table(table) } : {}) });
  // The access token as the refresher would store it, on the test's clock (the refresher itself
  // runs on the real clock, so a token it stored would look expired or early to this app).
  const token = await refreshAccessToken({
    store: dynamoTokenStore(app.table),
    fetchToken: stableTokenFetcher(app.config.appId, process.env.WECHAT_APPSECRET ?? '', { baseUrl: sandbox.url }),
    clock,
  });
  if (!token.ok) throw new Error(`no access token from the sandbox: ${token.error.errmsg}`);
  const handlers = await loadHandlers();
  /** The follower does something on their phone; the sandbox's answer (`reply` is what they were shown). */
  const follower = (openid: string, action: Record<string, unknown>) => postToSandbox(sandbox, `/sandbox/followers/${openid}/messages`, action);
  return {
    clock,
    app,
    sandbox,
    table,
    handlers,
    follower,
    /** A text, a second after the last push (one push per second keeps their MsgIds apart). */
    says: (openid: string, content: string) => {
      clock.advance(1_000);
      return follower(openid, { type: 'text', content });
    },
    async close() {
      await sandbox.close();
      await callback.close();
    },
  };
}

const buildCallback = (a: App) => ({ secrets: callbackSecrets(a.config), ports: conversationPorts(a), replays: dynamoReplayRecord(a.table) });
const callbackOf = (app: App) => app.once(buildCallback);
