import { randomUUID } from 'node:crypto';
import { ensureTable } from '../../lib/store/ensureTable';
import { createTable, type Table } from '../../lib/store/dynamo';
import { localAws, type LocalAwsOptions } from './localAws';

export const TEST_CONFIG = {
  WECHAT_APPID: 'wx1234567890abcdef',
  WECHAT_APPSECRET: 'sandbox-secret',
  WECHAT_TOKEN: 'sandbox-token',
  WECHAT_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  // Compatible mode takes plain and encrypted pushes, so tests can push in either; tests/message-mode.test.ts runs safe mode.
  WECHAT_MESSAGE_MODE: 'compat',
  ADMIN_TOKEN: 'test-admin-token',
  ACCOUNT_TIME_ZONE: 'Asia/Shanghai',
} as const;

export function dynamoEndpoint(): string {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set: run the tests with `npm test`, which starts DynamoDB Local');
  return endpoint;
}

/**
 * A fresh table (created from serverless.yml's declaration) for one test file, the test process's
 * queues and workers (tests/support/localAws.ts), and the environment the handlers read, set before
 * the app is made.
 */
export async function useTestTable(overrides: Record<string, string> = {}, aws: LocalAwsOptions = {}): Promise<Table> {
  const name = `test-${randomUUID()}`;
  const endpoint = dynamoEndpoint();
  await ensureTable(endpoint, name);
  const { env } = await localAws(aws);
  Object.assign(process.env, TEST_CONFIG, { TABLE_NAME: name, DYNAMODB_ENDPOINT: endpoint }, env, overrides);
  // The test's own view of the table is DynamoDB Local itself, even when the handlers reach it
  // through something else (tests/support/dynamoFaultProxy.ts).
  return createTable(name, endpoint);
}
