import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { configDocumentKey, decodeConfigValue } from '../table/config';
import type { Table } from './dynamo';

/** One small configuration document (levels, sign-in rules…) kept as one item, with a default. */
export interface ConfigDocument<T> {
  get(): Promise<T>;
  put(value: T, nowMs: number): Promise<void>;
}

export function configDocument<T>(table: Table, name: string, fallback: T): ConfigDocument<T> {
  const Key = configDocumentKey(name);
  return {
    async get() {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key }));
      return decodeConfigValue<T>(out.Item) ?? fallback;
    },
    async put(value, nowMs) {
      await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...Key, value, updatedAt: new Date(nowMs).toISOString() } }));
    },
  };
}
