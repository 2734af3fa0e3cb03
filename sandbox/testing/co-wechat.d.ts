// Types for the dev dependency co-wechat 2.4.0 (it ships none): a koa-style middleware that checks
// the signature, decrypts, parses and builds the reply XML.
declare module 'co-wechat' {
  import type { IncomingMessage } from 'node:http';

  export interface CoWechatConfig {
    token: string;
    appid?: string;
    encodingAESKey?: string;
  }

  /** The parsed push: element name → text (or nested objects). */
  export type CoWechatMessage = Record<string, string | undefined>;

  /** A string is a text reply, an array a news reply, '' an empty answer. */
  export type CoWechatReply =
    | string
    | Array<{ title: string; description?: string; picurl?: string; url?: string }>
    | { type: string; content?: unknown; kfAccount?: string };

  /** The part of a koa context co-wechat touches. */
  export interface CoWechatContext {
    method: string;
    query: Record<string, string>;
    req: IncomingMessage;
    request: { body?: unknown; length?: number; charset?: string };
    body?: string;
    status: number;
    type?: string;
    weixin_xml?: string;
  }

  interface Wechat {
    middleware(
      handle: (message: CoWechatMessage, ctx: CoWechatContext) => Promise<CoWechatReply> | CoWechatReply,
    ): (ctx: CoWechatContext, next?: () => Promise<void>) => Promise<void>;
  }

  function wechat(config: CoWechatConfig | string, isDebug?: boolean): Wechat;
  export default wechat;
}
