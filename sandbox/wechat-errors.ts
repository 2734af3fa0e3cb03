import { randomBytes } from 'node:crypto';

/** WeChat's global return codes the sandbox uses, with WeChat's English errmsg. */
export const ERRMSG = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40007: 'invalid media_id',
  40009: 'invalid image size',
  40008: 'invalid message type',
  40013: 'invalid appid',
  40016: 'invalid button size',
  40017: 'invalid button type',
  40018: 'invalid button name size',
  40019: 'invalid button key size',
  40020: 'invalid button url size',
  40022: 'invalid sub_menu level',
  40023: 'invalid sub button size',
  40024: 'invalid sub button type',
  40025: 'invalid sub button name size',
  40026: 'invalid sub button key size',
  40027: 'invalid sub button url size',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40130: 'invalid openid list size, at least two openid',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  42001: 'access_token expired',
  43002: 'require POST method',
  43004: 'require subscribe',
  44004: 'empty content',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  45015: 'response out of time limit or subscription is canceled',
  45028: 'has no masssend quota',
  45047: 'out of response count limit',
  45065: 'clientmsgid exist',
  46003: 'menu no exist',
  47001: 'data format error',
} as const;

export type ErrCode = keyof typeof ERRMSG;

export interface WxError {
  errcode: ErrCode;
  errmsg: string;
}

/** WeChat appends a request id to every errmsg (`… rid: 6685270e-7896e5b2-77246b33`); apps must not parse it. */
export function wxError(code: ErrCode, detail?: string): WxError {
  const rid = [0, 1, 2].map(() => randomBytes(4).toString('hex')).join('-');
  return { errcode: code, errmsg: `${ERRMSG[code]}${detail ? ` (${detail})` : ''} rid: ${rid}` };
}

export const OK = { errcode: 0, errmsg: 'ok' } as const;
