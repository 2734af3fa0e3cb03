import { cdata } from '../lib/wechat/xml';

/**
 * The XML WeChat pushes for what a follower did, exactly as WeChat writes it: strings in CDATA,
 * CreateTime in seconds and MsgId as bare digits. MsgId is a 64-bit number beyond 2^53, so it is
 * carried as a string from start to end (never a JS number).
 */
export type FollowerAction =
  | { type: 'text'; content: string }
  /** A photo: WeChat keeps it as temporary media (`MediaId`, fetched with /cgi-bin/media/get) and shows it at `PicUrl`. */
  | { type: 'image'; mediaId: string; picUrl: string }
  | {
      type: 'event';
      event: 'subscribe' | 'unsubscribe' | 'SCAN' | 'LOCATION' | 'VIEW' | 'CLICK';
      eventKey?: string;
      ticket?: string;
      latitude?: number;
      longitude?: number;
      precision?: number;
    };

export interface PushHead {
  /** The account's original id (gh_…). */
  toUser: string;
  openid: string;
  /** Seconds. */
  createTime: number;
  /** Decimal string; only for messages (events have none). */
  msgId?: string;
}

type Field = [name: string, value: { cdata: string } | { bare: string }];

const BARE = /^-?\d+(?:\.\d+)?$/;

export function buildPushXml(head: PushHead, action: FollowerAction): string {
  const fields: Field[] = [
    ['ToUserName', { cdata: head.toUser }],
    ['FromUserName', { cdata: head.openid }],
    ['CreateTime', { bare: String(head.createTime) }],
  ];
  if (action.type === 'text') {
    if (!head.msgId) throw new Error('a text push needs a MsgId');
    fields.push(['MsgType', { cdata: 'text' }], ['Content', { cdata: action.content }], ['MsgId', { bare: head.msgId }]);
  } else if (action.type === 'image') {
    if (!head.msgId) throw new Error('an image push needs a MsgId');
    fields.push(['MsgType', { cdata: 'image' }], ['PicUrl', { cdata: action.picUrl }], ['MsgId', { bare: head.msgId }], ['MediaId', { cdata: action.mediaId }]);
  } else {
    fields.push(['MsgType', { cdata: 'event' }], ['Event', { cdata: action.event }]);
    if (action.eventKey !== undefined && action.eventKey !== '') fields.push(['EventKey', { cdata: action.eventKey }]);
    if (action.ticket) fields.push(['Ticket', { cdata: action.ticket }]);
    if (action.event === 'LOCATION') {
      fields.push(
        ['Latitude', { bare: (action.latitude ?? 0).toFixed(6) }],
        ['Longitude', { bare: (action.longitude ?? 0).toFixed(6) }],
        ['Precision', { bare: (action.precision ?? 0).toFixed(6) }],
      );
    }
  }
  return serialise(fields);
}

/**
 * An event about a job WeChat ran for the account (TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH): the
 * usual head, then the fields in the order given, numbers bare and strings in CDATA.
 */
export function buildJobEventXml(head: PushHead, event: string, fields: Array<[name: string, value: string | number]>): string {
  return serialise([
    ['ToUserName', { cdata: head.toUser }],
    ['FromUserName', { cdata: head.openid }],
    ['CreateTime', { bare: String(head.createTime) }],
    ['MsgType', { cdata: 'event' }],
    ['Event', { cdata: event }],
    ...fields.map(([name, v]): Field => [name, typeof v === 'number' ? { bare: String(v) } : { cdata: v }]),
  ]);
}

/** Compatible mode: the plaintext fields and, last, the same message encrypted. */
export function withEncrypt(plainXml: string, encrypt: string): string {
  if (!plainXml.endsWith('</xml>')) throw new Error('not a push document');
  return `${plainXml.slice(0, -'</xml>'.length)}<Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
}

function serialise(fields: Field[]): string {
  let out = '<xml>';
  for (const [name, v] of fields) {
    if ('bare' in v) {
      if (!BARE.test(v.bare)) throw new Error(`${name} must be numeric, got ${v.bare}`);
      out += `<${name}>${v.bare}</${name}>`;
    } else out += `<${name}>${cdata(v.cdata)}</${name}>`;
  }
  return `${out}</xml>`;
}

let lastMsgId = 0n;

/** A 64-bit MsgId like WeChat's (17+ digits, beyond Number.MAX_SAFE_INTEGER), increasing. */
export function newMsgId(nowMs: number): string {
  const candidate = 24_000_000_000_000_000n + BigInt(Math.floor(nowMs)) * 1000n + BigInt(Math.floor(Math.random() * 1000));
  lastMsgId = candidate > lastMsgId ? candidate : lastMsgId + 1n;
  return lastMsgId.toString();
}
