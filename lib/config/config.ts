import { decodeAesKey } from '../wechat/crypto';
import type { CallbackSecrets } from '../wechat/callback';

/**
 * Runtime configuration, read once per cold start from the environment. Secrets arrive through the
 * environment (locally from .env.example / .env, in AWS from SSM via serverless.yml); nothing here
 * logs them.
 */
export interface AppConfig {
  appId: string;
  appSecret: string;
  token: string;
  encodingAesKey?: string;
  previousEncodingAesKey?: string;
  apiBase: string;
  adminToken: string;
  tableName: string;
  timeZone: string;
  dynamoEndpoint?: string;
  /** The "prize won" service-notice template, used when a campaign names none. */
  prizeTemplateId?: string;
}

function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`configuration: ${name} is not set`);
  return v;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    appId: need(env, 'WECHAT_APPID'),
    appSecret: env.WECHAT_APPSECRET ?? '',
    token: need(env, 'WECHAT_TOKEN'),
    encodingAesKey: env.WECHAT_ENCODING_AES_KEY || undefined,
    previousEncodingAesKey: env.WECHAT_PREVIOUS_ENCODING_AES_KEY || undefined,
    apiBase: (env.WECHAT_API_BASE || 'https://api.weixin.qq.com').replace(/\/+$/, ''),
    adminToken: env.ADMIN_TOKEN ?? '',
    tableName: env.TABLE_NAME || 'wechat-oa-crm-local',
    timeZone: env.ACCOUNT_TIME_ZONE || 'Asia/Shanghai',
    dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    prizeTemplateId: env.WECHAT_PRIZE_TEMPLATE_ID || undefined,
  };
}

export function callbackSecrets(c: AppConfig): CallbackSecrets {
  const keys = [c.encodingAesKey, c.previousEncodingAesKey].filter((k): k is string => !!k).map(decodeAesKey);
  return { token: c.token, appId: c.appId, aesKeys: keys };
}
