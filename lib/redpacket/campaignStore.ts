import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import type { CampaignRecord } from './campaignRecord';

/** Campaigns: few, edited by marketers, read (cached) by every grab. */
export interface CampaignStore {
  list(): Promise<CampaignRecord[]>;
  get(id: string): Promise<CampaignRecord | undefined>;
  /** false when the id exists already. */
  create(c: CampaignRecord): Promise<boolean>;
  /** Writes `c` (its version bumped by the caller) only if the stored version is still `readVersion`. */
  save(c: CampaignRecord, readVersion: number): Promise<'saved' | 'conflict'>;
}

// One partition for all campaigns: an account runs tens of them, and listing is one query.
const PK = 'CAMPAIGNS';
const key = (id: string) => ({ pk: PK, sk: id });

export function dynamoCampaignStore(table: Table): CampaignStore {
  const put = async (c: CampaignRecord, condition: string, values?: Record<string, unknown>) => {
    try {
      await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...key(c.id), campaign: c, version: c.version }, ConditionExpression: condition, ExpressionAttributeValues: values }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  };
  return {
    async list() {
      const out: CampaignRecord[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await table.doc.send(new QueryCommand({ TableName: table.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': PK }, ExclusiveStartKey: start }));
        for (const item of page.Items ?? []) out.push(item.campaign as CampaignRecord);
        start = page.LastEvaluatedKey;
      } while (start);
      return out;
    },
    async get(id) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: key(id), ConsistentRead: true }));
      return out.Item?.campaign as CampaignRecord | undefined;
    },
    create: (c) => put(c, 'attribute_not_exists(pk)'),
    save: async (c, readVersion) => ((await put(c, 'version = :v', { ':v': readVersion })) ? 'saved' : 'conflict'),
  };
}
