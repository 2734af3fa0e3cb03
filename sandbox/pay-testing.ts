import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPayClient, type PayClient } from '../lib/pay/client';
import type { PayConfigInput } from '../lib/pay/config';
import type { PayNotification } from '../lib/pay/notification';
import { payConfigFromSandbox } from '../lib/pay/sandboxConfig';
import type { Sandbox } from './server';

/**
 * Test helpers for the WeChat Pay stand-in: the real lib/pay client configured from the sandbox's
 * own keys, and a merchant callback endpoint that opens what arrives with that client.
 */
export async function clientFor(sandbox: Sandbox, overrides: Partial<PayConfigInput> = {}): Promise<PayClient> {
  const config = await payConfigFromSandbox(sandbox.url);
  // The client's clock follows the sandbox's, so moving the sandbox by a day keeps signatures fresh.
  return createPayClient({ ...config, clock: () => sandbox.state.now(), timeoutMs: 2000, ...overrides });
}

export interface ReceivedCallback {
  headers: Record<string, string>;
  body: string;
  opened: PayNotification;
}

export interface NotifyReceiver {
  url: string;
  received: ReceivedCallback[];
  /** The client that opens callbacks; set it before callbacks arrive. */
  client?: PayClient;
  close(): Promise<void>;
}

/** The merchant's notify_url: answers 204 to a callback that opens, else the status openPayNotification gives. */
export async function startNotifyReceiver(): Promise<NotifyReceiver> {
  const receiver: NotifyReceiver = {
    url: '',
    received: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0]! : (v ?? '')]));
    const opened: PayNotification = receiver.client
      ? receiver.client.openPayNotification({ headers, body })
      : { ok: false, status: 401, error: 'no client yet' };
    receiver.received.push({ headers, body, opened });
    if (opened.ok) {
      res.writeHead(204).end();
    } else {
      res.writeHead(opened.status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'FAIL', message: opened.error }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pay/notify`;
  return receiver;
}
