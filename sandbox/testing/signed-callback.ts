import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeAesKey, decryptMessage } from '../../lib/wechat/crypto';
import { isSameSignature, signParts } from '../../lib/wechat/signature';
import { parseXml, type XmlObject } from '../../lib/wechat/xml';

/**
 * A callback that opens pushes the way the real app does, with lib/wechat's signature and crypto:
 * `signature` over (token, timestamp, nonce), and in safe mode `msg_signature` over the Encrypt
 * too, AES decryption and the appid tail. What it opened (or why it refused) is kept in `received`.
 * `hold()` makes it keep its answers back until `release()`; `answerStatus` changes its HTTP status.
 */
export interface OpenedPush {
  ok: boolean;
  error?: string;
  encrypted: boolean;
  fields: Record<string, string>;
}

export interface SignedCallback {
  url: string;
  received: OpenedPush[];
  answerStatus: number;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startSignedCallback(secrets: { token: string; appId: string; encodingAesKey: string }): Promise<SignedCallback> {
  const key = decodeAesKey(secrets.encodingAesKey);
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;

  function openPush(query: URLSearchParams, body: string): OpenedPush {
    const timestamp = query.get('timestamp') ?? '';
    const nonce = query.get('nonce') ?? '';
    const refuse = (error: string): OpenedPush => ({ ok: false, error, encrypted: false, fields: {} });
    if (!isSameSignature(signParts([secrets.token, timestamp, nonce]), query.get('signature') ?? undefined)) return refuse('bad signature');
    let xml = parseXml(body).value;
    const encrypt = typeof xml.Encrypt === 'string' ? xml.Encrypt : undefined;
    if (query.get('encrypt_type') === 'aes') {
      if (!encrypt) return refuse('encrypt_type=aes without <Encrypt>');
      if (!isSameSignature(signParts([secrets.token, timestamp, nonce, encrypt]), query.get('msg_signature') ?? undefined)) return refuse('bad msg_signature');
      const { message, appId } = decryptMessage(key, encrypt);
      if (appId !== secrets.appId) return refuse(`encrypted for ${appId}`);
      xml = parseXml(message).value;
    }
    return { ok: true, encrypted: encrypt !== undefined, fields: flat(xml) };
  }

  const callback: SignedCallback = {
    url: '',
    received: [],
    answerStatus: 200,
    hold() {
      gate ??= new Promise<void>((resolve) => (open = resolve));
    },
    release() {
      open?.();
      gate = undefined;
    },
    close: () =>
      new Promise<void>((resolve) => {
        callback.release();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const query = new URL(req.url ?? '/', 'http://callback').searchParams;
    let opened: OpenedPush;
    try {
      opened = openPush(query, Buffer.concat(chunks).toString('utf8'));
    } catch (err) {
      opened = { ok: false, error: (err as Error).message, encrypted: false, fields: {} };
    }
    callback.received.push(opened);
    if (gate) await gate;
    res.writeHead(opened.ok ? callback.answerStatus : 401, { 'content-type': 'text/plain' });
    res.end(opened.ok ? 'success' : opened.error);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  callback.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`;
  return callback;
}

function flat(xml: XmlObject): Record<string, string> {
  return Object.fromEntries(Object.entries(xml).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
