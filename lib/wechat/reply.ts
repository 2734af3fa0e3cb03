import { buildXml } from './xml';

export interface Article {
  title: string;
  description?: string;
  picUrl?: string;
  url?: string;
}

/** A passive reply. `none` answers `success`, which tells WeChat there is nothing to show. */
export type Reply =
  | { type: 'text'; content: string }
  | { type: 'image'; mediaId: string }
  | { type: 'voice'; mediaId: string }
  | { type: 'video'; mediaId: string; title?: string; description?: string }
  | { type: 'music'; title?: string; description?: string; musicUrl: string; hqMusicUrl?: string; thumbMediaId: string }
  | { type: 'news'; articles: Article[] }
  | { type: 'transfer_customer_service'; kfAccount?: string }
  | { type: 'none' };

/** Builds the reply XML; CreateTime is in seconds, as WeChat wants it. */
export function buildReplyXml(reply: Reply, toOpenid: string, fromAccount: string, nowMs: number): string {
  if (reply.type === 'none') return 'success';
  const head = { ToUserName: toOpenid, FromUserName: fromAccount, CreateTime: Math.floor(nowMs / 1000) };
  switch (reply.type) {
    case 'text':
      return buildXml({ ...head, MsgType: 'text', Content: reply.content });
    case 'image':
      return buildXml({ ...head, MsgType: 'image', Image: { MediaId: reply.mediaId } });
    case 'voice':
      return buildXml({ ...head, MsgType: 'voice', Voice: { MediaId: reply.mediaId } });
    case 'video':
      return buildXml({
        ...head,
        MsgType: 'video',
        Video: { MediaId: reply.mediaId, Title: reply.title, Description: reply.description },
      });
    case 'music':
      return buildXml({
        ...head,
        MsgType: 'music',
        Music: {
          Title: reply.title,
          Description: reply.description,
          MusicUrl: reply.musicUrl,
          HQMusicUrl: reply.hqMusicUrl ?? reply.musicUrl,
          ThumbMediaId: reply.thumbMediaId,
        },
      });
    case 'news':
      return buildXml({
        ...head,
        MsgType: 'news',
        ArticleCount: reply.articles.length,
        Articles: {
          item: reply.articles.map((a) => ({ Title: a.title, Description: a.description ?? '', PicUrl: a.picUrl ?? '', Url: a.url ?? '' })),
        },
      });
    case 'transfer_customer_service':
      return buildXml({
        ...head,
        MsgType: 'transfer_customer_service',
        ...(reply.kfAccount ? { TransInfo: { KfAccount: reply.kfAccount } } : {}),
      });
  }
}
