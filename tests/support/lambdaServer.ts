import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpResult } from '../../lib/http/response';
import { httpEvent } from './pushes';

/**
 * Serves a Lambda HTTP handler on a local port, turning requests into API Gateway (payload 2.0)
 * events, so a real WeChat-protocol client (the sandbox) can reach the real handler in a test.
 */
export async function serveHandler(
  handler: () => Promise<(e: APIGatewayProxyEventV2) => Promise<HttpResult>>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://local');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    try {
      const out = await (await handler())(
        httpEvent(req.method ?? 'GET', url.pathname, Object.fromEntries(url.searchParams), Buffer.concat(chunks).toString('utf8'), headers),
      );
      res.writeHead(out.statusCode, (out.headers ?? {}) as Record<string, string>);
      // As API Gateway does: a base64 body (an image) goes out as its bytes.
      res.end(out.isBase64Encoded ? Buffer.from(out.body ?? '', 'base64') : (out.body ?? ''));
    } catch (err) {
      res.writeHead(500);
      res.end(String(err));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
