import { DEFAULT_DYNAMO_LIMITS, type DynamoLimits } from '../store/dynamo';
import { decodeAesKey } from '../wechat/crypto';
import { MESSAGE_MODES, type CallbackSecrets, type MessageMode } from '../wechat/callback';
import { queueUrlFor } from '../queue/queueUrl';
import { paySettingsOf, type PaySettings } from './pay';
import { loadSecretsIntoEnv } from './secrets';

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
  /** The account's message mode (WECHAT_MESSAGE_MODE): safe by default when an EncodingAESKey is set. */
  messageMode: MessageMode;
  apiBase: string;
  adminToken: string;
  /** ADMIN_BREAK_GLASS (on|off): whether ADMIN_TOKEN opens the admin API at all; off unless set, on locally (IS_OFFLINE, tests). */
  breakGlass: boolean;
  tableName: string;
  timeZone: string;
  dynamoEndpoint?: string;
  /** The "prize won" service-notice template, used when a campaign names none. */
  prizeTemplateId?: string;
  /** DynamoDB request timeouts and attempts (DYNAMODB_CONNECT_TIMEOUT_MS, DYNAMODB_REQUEST_TIMEOUT_MS, DYNAMODB_ATTEMPT_TIMEOUT_MS, DYNAMODB_MAX_ATTEMPTS). */
  dynamoLimits: DynamoLimits;
  /** AWS_REGION; the local emulators take any. */
  region: string;
  /** SQS_ENDPOINT: local-aws-sqs under `npm start` and in tests; unset in AWS. */
  sqsEndpoint?: string;
  /** Where every piece of background work goes (lib/queue/queueUrl.ts: from `!Ref` in AWS, from the name locally). */
  queues: QueueUrls;
  /** LAMBDA_ENDPOINT: serverless-offline's Lambda port under `npm start`, the tests' stand-in; unset in AWS. */
  lambdaEndpoint?: string;
  /** TOKEN_REFRESHER_FUNCTION: the only function that fetches access tokens (the others invoke it after a 40001). */
  tokenRefresherFunction?: string;
  /** WeChat Pay: where its keys come from, and how payouts are paced and announced. */
  pay: PaySettings;
  /** BROADCAST_CLAIM_LEASE_MS: how long a send worker holds a member it is sending to (the default in lib/broadcast). */
  broadcastClaimLeaseMs?: number;
  /** IMPORT_SYNC_MAX_ROWS: imports up to this many rows run in the request; larger ones become jobs. */
  importSyncMaxRows?: number;
  /** The user pool people sign in to (COGNITO_*); unset: only the break-glass token opens the admin API. */
  cognito?: CognitoSettings;
}

export interface CognitoSettings {
  /** COGNITO_USER_POOL_ID: from `!Ref UserPool` in AWS; the local pool's id under `npm start` and in tests. */
  userPoolId: string;
  /** COGNITO_CLIENT_ID: the app client without a secret that signs people in (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH). */
  clientId: string;
  /** COGNITO_ENDPOINT: cognito-local's URL under `npm start` and in tests; unset in AWS. */
  endpoint?: string;
}

export interface QueueUrls {
  /** Payout orders for the payout worker (PAYOUT_QUEUE_*). */
  payout?: string;
  /** Broadcast chunks for the send worker (SEND_QUEUE_*). */
  send?: string;
  /** Red-packet rounds emptied by a grab, for the closing worker (ROUND_CLOSE_QUEUE_*). */
  roundClose?: string;
  /** Import jobs for the import worker (IMPORT_QUEUE_*). */
  importJobs?: string;
}

/** WeChat waits 5 s for the callback; we answer by this many ms after the push arrived, whatever storage does. */
export const DEFAULT_CALLBACK_DEADLINE_MS = 4000;

/** A whole number of ms from the environment, within bounds; the default when unset or out of bounds. */
function ms(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

/** CALLBACK_DEADLINE_MS: read on every push (cheap), so it applies before the cold start's configuration is loaded. */
export function callbackDeadlineMs(env: NodeJS.ProcessEnv = process.env): number {
  return ms(env, 'CALLBACK_DEADLINE_MS', DEFAULT_CALLBACK_DEADLINE_MS, 500, 4500);
}

/** ADMIN_BREAK_GLASS=on|off; unset: on only on a laptop (serverless-offline, tests), never in a deployed stage. */
function breakGlassOf(env: NodeJS.ProcessEnv): boolean {
  const v = (env.ADMIN_BREAK_GLASS ?? '').toLowerCase();
  if (v === 'on' || v === 'true') return true;
  if (v === 'off' || v === 'false') return false;
  return Boolean(env.IS_OFFLINE) || env.NODE_ENV === 'test';
}

function need(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`configuration: ${name} is not set`);
  return v;
}

/** A positive number from the environment, or undefined when unset or not one. */
function positive(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const n = Number(env[name]);
  return n > 0 ? n : undefined;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    appId: need(env, 'WECHAT_APPID'),
    appSecret: env.WECHAT_APPSECRET ?? '',
    token: need(env, 'WECHAT_TOKEN'),
    encodingAesKey: env.WECHAT_ENCODING_AES_KEY || undefined,
    previousEncodingAesKey: env.WECHAT_PREVIOUS_ENCODING_AES_KEY || undefined,
    messageMode: messageModeOf(env),
    apiBase: (env.WECHAT_API_BASE || 'https://api.weixin.qq.com').replace(/\/+$/, ''),
    adminToken: env.ADMIN_TOKEN ?? '',
    breakGlass: breakGlassOf(env),
    tableName: env.TABLE_NAME || 'wechat-oa-crm-local',
    timeZone: env.ACCOUNT_TIME_ZONE || 'Asia/Shanghai',
    dynamoEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    prizeTemplateId: env.WECHAT_PRIZE_TEMPLATE_ID || undefined,
    dynamoLimits: {
      connectTimeoutMs: ms(env, 'DYNAMODB_CONNECT_TIMEOUT_MS', DEFAULT_DYNAMO_LIMITS.connectTimeoutMs, 50, 60_000),
      requestTimeoutMs: ms(env, 'DYNAMODB_REQUEST_TIMEOUT_MS', DEFAULT_DYNAMO_LIMITS.requestTimeoutMs, 50, 300_000),
      attemptTimeoutMs: ms(env, 'DYNAMODB_ATTEMPT_TIMEOUT_MS', DEFAULT_DYNAMO_LIMITS.attemptTimeoutMs, 50, 4500),
      maxAttempts: ms(env, 'DYNAMODB_MAX_ATTEMPTS', DEFAULT_DYNAMO_LIMITS.maxAttempts, 1, 10),
    },
    region: env.AWS_REGION || 'us-east-1',
    sqsEndpoint: env.SQS_ENDPOINT || undefined,
    queues: {
      payout: queueUrlFor('PAYOUT', env),
      send: queueUrlFor('SEND', env),
      roundClose: queueUrlFor('ROUND_CLOSE', env),
      importJobs: queueUrlFor('IMPORT', env),
    },
    lambdaEndpoint: env.LAMBDA_ENDPOINT || undefined,
    tokenRefresherFunction: env.TOKEN_REFRESHER_FUNCTION || undefined,
    pay: paySettingsOf(env),
    broadcastClaimLeaseMs: positive(env, 'BROADCAST_CLAIM_LEASE_MS'),
    importSyncMaxRows: positive(env, 'IMPORT_SYNC_MAX_ROWS'),
    cognito: cognitoOf(env),
  };
}

function cognitoOf(env: NodeJS.ProcessEnv): CognitoSettings | undefined {
  const userPoolId = env.COGNITO_USER_POOL_ID?.trim();
  const clientId = env.COGNITO_CLIENT_ID?.trim();
  if (!userPoolId || !clientId) return undefined;
  return { userPoolId, clientId, endpoint: env.COGNITO_ENDPOINT?.replace(/\/+$/, '') || undefined };
}

/** The configuration of a cold start: secrets from SSM where the environment lacks them (lib/config/secrets.ts), then the environment. */
export async function loadConfig(env: NodeJS.ProcessEnv = process.env): Promise<AppConfig> {
  await loadSecretsIntoEnv(env);
  return readConfig(env);
}

/**
 * WECHAT_MESSAGE_MODE as set on the account in WeChat's console; unset means `safe` when an
 * EncodingAESKey is configured (the strongest mode the keys allow) and `plain` otherwise.
 */
export function messageModeOf(env: NodeJS.ProcessEnv): MessageMode {
  const hasKey = !!env.WECHAT_ENCODING_AES_KEY?.trim();
  const given = env.WECHAT_MESSAGE_MODE?.trim();
  if (!given) return hasKey ? 'safe' : 'plain';
  if (!(MESSAGE_MODES as readonly string[]).includes(given))
    throw new Error(`configuration: WECHAT_MESSAGE_MODE must be plain, compat or safe, not ${JSON.stringify(given)}`);
  if (given !== 'plain' && !hasKey) throw new Error(`configuration: WECHAT_MESSAGE_MODE=${given} needs WECHAT_ENCODING_AES_KEY`);
  return given as MessageMode;
}

export function callbackSecrets(c: AppConfig): CallbackSecrets {
  const keys = [c.encodingAesKey, c.previousEncodingAesKey].filter((k): k is string => !!k).map(decodeAesKey);
  return { token: c.token, appId: c.appId, aesKeys: keys, messageMode: c.messageMode };
}
