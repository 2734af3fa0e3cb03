import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { decodeAesKey } from '../../lib/wechat/crypto';
import { encryptEnvelope } from '../../lib/wechat/callback';
import { signParts } from '../../lib/wechat/signature';
import { buildXml } from '../../lib/wechat/xml';
import { TEST_CONFIG } from './testTable';

let msgSeq = 0n;
/** A 64-bit MsgId beyond 2^53, as WeChat sends them. */
export function nextMsgId(): string {
  msgSeq += 1n;
  return String(24_000_000_000_000_000n + msgSeq);
}

export function textXml(openid: string, content: string, createTime = Math.floor(Date.now() / 1000), msgId = nextMsgId()): string {
  return buildXml({ ToUserName: 'gh_account', FromUserName: openid, CreateTime: createTime, MsgType: 'text', Content: content, MsgId: msgId });
}

export function eventXml(openid: string, event: string, eventKey = '', createTime = Math.floor(Date.now() / 1000), extra: Record<string, string> = {}): string {
  return buildXml({ ToUserName: 'gh_account', FromUserName: openid, CreateTime: createTime, MsgType: 'event', Event: event, EventKey: eventKey, ...extra });
}

export type PushMode = 'plain' | 'aes' | 'compat';

/** Signs (and encrypts) a push exactly as WeChat does and wraps it as an HTTP API event. */
export function pushEvent(xml: string, mode: PushMode = 'plain', opts: { timestamp?: string; token?: string; nonce?: string } = {}): APIGatewayProxyEventV2 {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? String(randomBytes(4).readUInt32BE(0));
  const token = opts.token ?? TEST_CONFIG.WECHAT_TOKEN;
  const query: Record<string, string> = { signature: signParts([token, timestamp, nonce]), timestamp, nonce };
  let body = xml;
  if (mode !== 'plain') {
    const envelope = encryptEnvelope(decodeAesKey(TEST_CONFIG.WECHAT_ENCODING_AES_KEY), token, TEST_CONFIG.WECHAT_APPID, xml, timestamp, nonce);
    const encrypt = /<Encrypt><!\[CDATA\[(.*?)\]\]><\/Encrypt>/.exec(envelope)![1]!;
    query.encrypt_type = 'aes';
    query.msg_signature = signParts([token, timestamp, nonce, encrypt]);
    body = mode === 'aes' ? buildXml({ ToUserName: 'gh_account', Encrypt: encrypt }) : xml.replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
  }
  return httpEvent('POST', '/wechat', query, body);
}

export function httpEvent(
  method: string,
  path: string,
  query: Record<string, string> = {},
  body?: string,
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers,
    queryStringParameters: query,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '',
      timeEpoch: Date.now(),
    },
  } as APIGatewayProxyEventV2;
}
