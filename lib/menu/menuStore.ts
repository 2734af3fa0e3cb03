import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from '../store/dynamo';
import { decodeMenu, MENU_KEY as KEY } from '../table';
import type { MenuDefinition } from './menu';

export interface StoredMenu {
  menu: MenuDefinition;
  updatedAt: string;
  publishedAt?: string;
}

export interface MenuStore {
  get(): Promise<StoredMenu | undefined>;
  put(menu: MenuDefinition, nowMs: number): Promise<StoredMenu>;
  markPublished(nowMs: number): Promise<void>;
}

export function dynamoMenuStore(table: Table): MenuStore {
  return {
    async get() {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: KEY }));
      return out.Item ? decodeMenu(out.Item) : undefined;
    },
    async put(menu, nowMs) {
      const stored = { menu, updatedAt: new Date(nowMs).toISOString() };
      await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...KEY, ...stored } }));
      return stored;
    },
    async markPublished(nowMs) {
      await table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: KEY,
          UpdateExpression: 'SET publishedAt = :at',
          ExpressionAttributeValues: { ':at': new Date(nowMs).toISOString() },
        }),
      );
    },
  };
}
