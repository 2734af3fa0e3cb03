import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Small HTTP helpers for the sandbox tests. */
// biome-ignore lint/suspicious/noExplicitAny: a JSON answer read by tests, asserted field by field.
export type JsonObject = Record<string, any>;

export async function getJson(url: string): Promise<{ status: number; json: JsonObject }> {
  const res = await fetch(url);
  return { status: res.status, json: (await res.json()) as JsonObject };
}

export async function postJson(url: string, body: unknown, raw = false): Promise<{ status: number; json: JsonObject }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ? (body as string) : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as JsonObject };
}

export interface StubAnswer {
  status?: number;
  body?: string;
  /** Hold the answer this long (to make the sandbox time out). */
  delayMs?: number;
}

/** A hand-made callback that answers whatever the test wants, to feed the sandbox bad replies. */
export async function startStubCallback(answer: (req: IncomingMessage, body: string, query: URLSearchParams) => StubAnswer) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const query = new URL(req.url ?? '/', 'http://stub').searchParams;
    const a = answer(req, Buffer.concat(chunks).toString('utf8'), query);
    const reply = () => {
      if (res.destroyed) return;
      res.writeHead(a.status ?? 200, { 'content-type': 'application/xml' });
      res.end(a.body ?? 'success');
    };
    if (a.delayMs) setTimeout(reply, a.delayMs).unref();
    else reply();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls `probe` until it returns something other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
