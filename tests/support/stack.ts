import { createSandbox, type Sandbox } from '../../sandbox/server';
import type { SandboxOptionsInput } from '../../sandbox/config';
import type { Table } from '../../lib/store/dynamo';
import { loadHandlers } from './handlers';
import { serveHandler } from './lambdaServer';
import { useTestTable } from './testTable';

export interface Stack {
  sandbox: Sandbox;
  table: Table;
  handlers: Awaited<ReturnType<typeof loadHandlers>>;
  close(): Promise<void>;
}

/**
 * The pieces an integration test talks to: the real callback handler on a local port, the sandbox
 * pushing to it (and standing in for api.weixin.qq.com), a fresh table, and the admin API.
 */
export async function startStack(opts: { sandbox?: SandboxOptionsInput; env?: Record<string, string> } = {}): Promise<Stack> {
  const callback = await serveHandler(async () => (await import('../../handlers/wechat')).handler);
  const sandbox = createSandbox({ callbackUrl: `${callback.url}/wechat`, ...opts.sandbox });
  await sandbox.listen(0);
  const table = await useTestTable({ WECHAT_API_BASE: sandbox.url, ...opts.env });
  const handlers = await loadHandlers();
  return {
    sandbox,
    table,
    handlers,
    async close() {
      await sandbox.close();
      await callback.close();
    },
  };
}
