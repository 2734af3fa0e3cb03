import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { putIf, type Table } from '../store/dynamo';
import { queryPartition } from '../store/queryPartition';
import { CAMPAIGNS_PK, campaignKey as key, decodeCampaign } from '../table';
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

export function dynamoCampaignStore(table: Table): CampaignStore {
  const put = (c: CampaignRecord, condition: string, values?: Record<string, unknown>) =>
    putIf(table, { ...key(c.id), campaign: c, version: c.version }, condition, values);
  return {
    // One partition for all campaigns: an account runs tens of them, and listing is one query.
    list: async () => (await queryPartition(table, CAMPAIGNS_PK)).map(decodeCampaign),
    async get(id) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: key(id), ConsistentRead: true }));
      return out.Item ? decodeCampaign(out.Item) : undefined;
    },
    create: (c) => put(c, 'attribute_not_exists(pk)'),
    save: async (c, readVersion) => ((await put(c, 'version = :v', { ':v': readVersion })) ? 'saved' : 'conflict'),
  };
}
