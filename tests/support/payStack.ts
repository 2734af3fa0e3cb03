import assert from 'node:assert/strict';
import type { Table } from '../../lib/store/dynamo';
import { createSandbox, type Sandbox } from '../../sandbox/server';
import { loadHandlers } from './handlers';
import { drained } from './localAws';
import { serveHandler } from './lambdaServer';
import { useTestTable } from './testTable';

export interface PayStack {
  sandbox: Sandbox;
  table: Table;
  handlers: Awaited<ReturnType<typeof loadHandlers>>;
  /** Where the real pay-notify handler listens (WeChat Pay's callbacks). */
  notifyUrl: string;
  /** A sandbox control or follower call that must answer 200. */
  post(path: string, body?: unknown): Promise<Record<string, unknown>>;
  bills(): Promise<{
    transferBills: { outBillNo: string; openid?: string; state: string; amountFen: number }[];
    redpacks: { mchBillno: string; status: string }[];
  }>;
  /** A follower follows and sends the campaign's keyword; the grab's reply, once the payout worker has had the order. */
  grab(openid: string, keyword: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Payouts end to end: the real callback and pay-notify handlers on local ports, the sandbox as
 * WeChat and WeChat Pay (its keys handed to our client), a fresh table, and the admin API.
 */
export async function startPayStack(env: Record<string, string> = {}): Promise<PayStack> {
  const callback = await serveHandler(async () => (await import('../../handlers/wechat')).handler);
  const notify = await serveHandler(async () => (await import('../../handlers/pay-notify')).handler);
  const sandbox = createSandbox({ callbackUrl: `${callback.url}/wechat`, pay: { notifyUrl: `${notify.url}/pay/notify` } });
  await sandbox.listen(0);
  const table = await useTestTable({
    WECHAT_API_BASE: sandbox.url,
    WECHATPAY_BASE: sandbox.url,
    WECHATPAY_SANDBOX_KEYS: 'true',
    WECHATPAY_TIMEOUT_MS: '1500',
    TRANSFER_CONFIRM_PAGE_URL: 'https://example.com/confirm',
    ...env,
  });
  const handlers = await loadHandlers();
  const post = async (path: string, body: unknown = {}) => {
    const r = await fetch(`${sandbox.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const json = (await r.json()) as Record<string, unknown>;
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    sandbox,
    table,
    handlers,
    notifyUrl: `${notify.url}/pay/notify`,
    post,
    bills: async () => (await (await fetch(`${sandbox.url}/sandbox/pay/bills`)).json()) as Awaited<ReturnType<PayStack['bills']>>,
    async grab(openid, keyword) {
      await post(`/sandbox/followers/${openid}/messages`, { type: 'event', event: 'subscribe' });
      const said = await post(`/sandbox/followers/${openid}/messages`, { type: 'text', content: keyword });
      await drained();
      return (said.reply as { content: string }).content;
    },
    async close() {
      await sandbox.close();
      await callback.close();
      await notify.close();
    },
  };
}
