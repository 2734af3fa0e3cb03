import { BatchGetCommand, QueryCommand, type BatchGetCommandOutput, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Member } from '../members/member';
import type { Table } from '../store/dynamo';
import { activityPk, decodeMember, isMemberPk, isObject, isString, levelPk, memberKey, PROFILE_SK, tagPk, type RawItem } from '../table';
import { activityBounds, type IndexSource } from './plan';
import { BadSegmentCursorError, type IndexKey, type IndexPage, type SegmentIndex } from './select';

const INDEX = { tag: 'gsi2', level: 'gsi1', activity: 'gsi3' } as const;

const partitionOf = (source: IndexSource, shard: number) =>
  source.index === 'tag' ? tagPk(source.tag, shard) : source.index === 'level' ? levelPk(source.level, shard) : activityPk(shard);

/** A page's resume key: the table key and the index key, all strings. */
const isIndexKey = (v: unknown): v is IndexKey => isObject(v) && Object.values(v).every(isString);

function keyOf(item: RawItem, gsi: string): IndexKey {
  return { pk: String(item.pk), sk: String(item.sk), [`${gsi}pk`]: String(item[`${gsi}pk`]), [`${gsi}sk`]: String(item[`${gsi}sk`]) };
}

/** A resume key must be one of this index partition's own keys, or it is a forged cursor. */
function checkStartKey(key: IndexKey, gsi: string, partition: string): void {
  const names = Object.keys(key).sort();
  const expected = ['pk', 'sk', `${gsi}pk`, `${gsi}sk`].sort();
  if (names.join() !== expected.join() || key[`${gsi}pk`] !== partition || !isMemberPk(key.pk ?? '')) {
    throw new BadSegmentCursorError('cursor is not one we issued for this segment');
  }
}

/** Fetches profiles by openid (BatchGet, 100 at a time, retrying unprocessed keys); returns them by openid. */
async function profiles(table: Table, openids: string[]): Promise<{ byOpenid: Map<string, Member>; read: number }> {
  const byOpenid = new Map<string, Member>();
  let read = 0;
  for (let i = 0; i < openids.length; i += 100) {
    let keys: RawItem[] | undefined = [...new Set(openids.slice(i, i + 100))].map(memberKey);
    for (let attempt = 0; keys && keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const out: BatchGetCommandOutput = await table.doc.send(new BatchGetCommand({ RequestItems: { [table.name]: { Keys: keys } } }));
      const items = out.Responses?.[table.name] ?? [];
      read += items.length;
      for (const item of items) {
        const member = decodeMember(item);
        byOpenid.set(member.openid, member);
      }
      keys = out.UnprocessedKeys?.[table.name]?.Keys;
      if (attempt > 8 && keys?.length) throw new Error('segments: BatchGet kept returning unprocessed keys');
    }
  }
  return { byOpenid, read };
}

/** The segment index port on the one table: gsi1 = level, gsi2 = tag items, gsi3 = activity. */
export function dynamoSegmentIndex(table: Table): SegmentIndex {
  return {
    async query(source, shard, { nowMs, limit, startKey }): Promise<IndexPage> {
      const gsi = INDEX[source.index];
      const partition = partitionOf(source, shard);
      if (startKey) checkStartKey(startKey, gsi, partition);
      const input: QueryCommandInput = {
        TableName: table.name,
        IndexName: gsi,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': `${gsi}pk` },
        ExpressionAttributeValues: { ':pk': partition },
        Limit: limit,
        ExclusiveStartKey: startKey,
      };
      if (source.index === 'activity' && source.dormantDays) {
        const { from, to } = activityBounds(source.dormantDays, nowMs);
        input.ExpressionAttributeNames!['#sk'] = 'gsi3sk';
        if (from && to) {
          if (from > to) return { items: [], itemsRead: 0 };
          input.KeyConditionExpression += ' AND #sk BETWEEN :from AND :to';
        } else input.KeyConditionExpression += from ? ' AND #sk >= :from' : ' AND #sk <= :to';
        if (from) input.ExpressionAttributeValues![':from'] = from;
        if (to) input.ExpressionAttributeValues![':to'] = to;
      }
      const out = await table.doc.send(new QueryCommand(input));
      const raw = out.Items ?? [];
      let itemsRead = out.ScannedCount ?? raw.length;
      let items: IndexPage['items'];
      if (source.index === 'tag') {
        const got = await profiles(
          table,
          raw.map((i) => String(i.gsi2sk)),
        );
        itemsRead += got.read;
        items = raw.flatMap((i) => {
          const member = got.byOpenid.get(String(i.gsi2sk));
          return member ? [{ member, key: keyOf(i, gsi) }] : [];
        });
      } else {
        items = raw.filter((i) => i.sk === PROFILE_SK).map((i) => ({ member: decodeMember(i), key: keyOf(i, gsi) }));
      }
      const lastKey = out.LastEvaluatedKey;
      return { items, itemsRead, ...(lastKey ? { lastKey: isIndexKey(lastKey) ? lastKey : keyOf(lastKey, gsi) } : {}) };
    },
  };
}
