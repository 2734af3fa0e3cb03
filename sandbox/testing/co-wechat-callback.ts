import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import wechat, { type CoWechatContext, type CoWechatMessage, type CoWechatReply } from 'co-wechat';

/**
 * An independent WeChat callback for tests: the third-party co-wechat middleware (not our lib/)
 * behind plain node:http. If co-wechat accepts the sandbox's pushes and the sandbox reads
 * co-wechat's replies, the sandbox speaks WeChat's protocol, not just our own idea of it.
 */
export interface ReceivedPush {
  query: Record<string, string>;
  /** The body exactly as it arrived. */
  xml: string;
  /** What co-wechat made of it (decrypted in safe/compatible mode). */
  message: CoWechatMessage;
}

export interface CoWechatCallback {
  url: string;
  received: ReceivedPush[];
  /** Requests co-wechat refused (status ≥ 400), e.g. a bad signature. */
  refused: Array<{ status: number; query: Record<string, string> }>;
  close(): Promise<void>;
}

export type Handler = (message: CoWechatMessage) => CoWechatReply | Promise<CoWechatReply>;

/** A bot with a few behaviours the tests and the chat page exercise. */
export const demoBot: Handler = (m) => {
  if (m.MsgType === 'event' && m.Event === 'subscribe') return '欢迎关注！回复“图文”看本周活动，点下方菜单“签到”每天领积分。';
  if (m.MsgType === 'event' && m.Event === 'unsubscribe') return '';
  if (m.MsgType === 'event' && m.Event === 'CLICK' && m.EventKey === 'SIGN_IN') return '签到成功！今日 +10 积分，已连续签到 3 天。';
  if (m.MsgType === 'event' && m.Event === 'CLICK' && m.EventKey === 'MY_POINTS') return '你当前有 1280 积分（银卡会员），再得 720 分升级金卡。';
  if (m.MsgType === 'event' && m.Event === 'CLICK') return `你点了 ${m.EventKey}`;
  if (m.MsgType === 'event') return '';
  if (m.Content === '图文') {
    return [
      {
        title: '本周会员日：满 100 减 20',
        description: '周五至周日，到店出示会员码即可使用。',
        picurl: 'https://example.com/cover.jpg',
        url: 'https://example.com/member-day',
      },
    ];
  }
  return `收到：${m.Content ?? ''}`;
};

export async function startCoWechatCallback(
  config: { token: string; appid: string; encodingAESKey: string },
  handler: Handler = demoBot,
): Promise<CoWechatCallback> {
  const received: ReceivedPush[] = [];
  const refused: CoWechatCallback['refused'] = [];
  const middleware = wechat(config).middleware(async (message, ctx) => {
    received.push({ query: ctx.query, xml: ctx.weixin_xml ?? '', message });
    return handler(message);
  });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://callback');
    const length = Number(req.headers['content-length']);
    const ctx: CoWechatContext = {
      method: req.method ?? 'GET',
      query: Object.fromEntries(url.searchParams),
      req,
      request: { length: Number.isFinite(length) ? length : undefined, charset: 'utf-8' },
      status: 200,
    };
    middleware(ctx)
      .then(() => {
        if (ctx.status >= 400) refused.push({ status: ctx.status, query: ctx.query });
        res.writeHead(ctx.status, { 'content-type': ctx.type ?? 'text/plain; charset=utf-8' });
        res.end(ctx.body ?? '');
      })
      .catch((err: unknown) => {
        refused.push({ status: 500, query: ctx.query });
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`,
    received,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
