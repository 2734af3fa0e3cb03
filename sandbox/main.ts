/**
 * Starts the WeChat sandbox: `npx tsx sandbox/main.ts`, then open http://localhost:4000/.
 * Env: SANDBOX_PORT (4000), SANDBOX_HOST (127.0.0.1), WECHAT_APPID, WECHAT_APPSECRET, WECHAT_TOKEN,
 * WECHAT_ENCODING_AES_KEY, CALLBACK_URL, WECHAT_ORIGINAL_ID, WECHAT_ACCOUNT_NAME, WECHAT_TEMPLATE_IDS,
 * WECHAT_PUSH_MODE, SANDBOX_TEMPLATE_DAILY_QUOTA, SANDBOX_MASS_MONTHLY_QUOTA, SANDBOX_SEND_RATE_PER_SECOND,
 * SANDBOX_JOB_EVENTS.
 */
import { optionsFromEnv } from './config';
import { createSandbox } from './server';

const port = Number(process.env.SANDBOX_PORT ?? 4000);
const host = process.env.SANDBOX_HOST ?? '127.0.0.1';
const sandbox = createSandbox(optionsFromEnv(process.env));
await sandbox.listen(port, host);
const o = sandbox.options;
console.log(`WeChat sandbox on ${sandbox.url}  (appid ${o.appId}, pushes to ${o.callbackUrl})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    sandbox.close().finally(() => process.exit(0));
  });
}
