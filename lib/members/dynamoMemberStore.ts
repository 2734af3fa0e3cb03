import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_LEVELS } from '../levels/levels';
import { isConditionFailure, type Table } from '../store/dynamo';
import { activityKey, decodeMember, levelKey, memberKey, updateExpression } from '../table';
import type { MemberStore } from './memberStore';

// The entry level: the first of the default levels (普通).
const DEFAULT_LEVEL = DEFAULT_LEVELS[0]!.name;

export function dynamoMemberStore(table: Table): MemberStore {
  return {
    async recordInteraction(openid, interaction) {
      const at = new Date(interaction.at).toISOString();
      const set = [
        'openid = :openid',
        'lastInteractionAt = :at',
        'firstSeenAt = if_not_exists(firstSeenAt, :at)',
        'points = if_not_exists(points, :zero)',
        '#level = if_not_exists(#level, :level)',
        'updatedAt = :at',
        // Segment indexes: activity (gsi3, every interaction) and the entry level (gsi1, first upsert;
        // later level changes move it in the points transaction, see lib/levels/upgrade.ts).
        'gsi3pk = :activeKey',
        'gsi3sk = :at',
        'gsi1pk = if_not_exists(gsi1pk, :levelKey)',
        'gsi1sk = if_not_exists(gsi1sk, :openid)',
      ];
      const remove: string[] = [];
      const values: Record<string, unknown> = {
        ':openid': openid,
        ':at': at,
        ':zero': 0,
        ':level': DEFAULT_LEVEL,
        ':activeKey': activityKey(openid),
        ':levelKey': levelKey(DEFAULT_LEVEL, openid),
      };
      if (interaction.kind === 'message') set.push('lastMessageAt = :at');
      else {
        if (interaction.event !== 'unsubscribe') set.push('lastEventAt = :at');
        switch (interaction.event) {
          case 'subscribe':
            set.push('subscribed = :true', 'subscribedAt = :at');
            remove.push('unsubscribedAt');
            values[':true'] = true;
            if (interaction.scene) {
              set.push('#source = if_not_exists(#source, :scene)', 'lastScene = :scene');
              values[':scene'] = interaction.scene;
            }
            if (interaction.ticket) {
              set.push('sourceTicket = if_not_exists(sourceTicket, :ticket)');
              values[':ticket'] = interaction.ticket;
            }
            break;
          case 'unsubscribe':
            set.push('subscribed = :false', 'unsubscribedAt = :at');
            values[':false'] = false;
            break;
          case 'scan':
            set.push('lastScene = :scene', 'subscribed = if_not_exists(subscribed, :true)');
            values[':scene'] = interaction.scene;
            values[':true'] = true;
            break;
          default:
            // A click or other event comes only from a follower.
            set.push('subscribed = if_not_exists(subscribed, :true)');
            values[':true'] = true;
        }
      }
      if (interaction.kind === 'message') {
        set.push('subscribed = if_not_exists(subscribed, :true)');
        values[':true'] = true;
        // The inbox's last message and how long the follower has waited for a person, in this
        // same write (a push costs no extra write for them).
        set.push('lastInbound = :lastInbound', 'waitingSince = if_not_exists(waitingSince, :at)');
        values[':lastInbound'] = { at, preview: interaction.preview ?? '' };
      }
      const names = { '#level': 'level', ...(set.some((s) => s.includes('#source')) ? { '#source': 'source' } : {}) };
      const out = await table.doc.send(
        new UpdateCommand({
          TableName: table.name,
          Key: memberKey(openid),
          ...updateExpression({ setClauses: set, remove, names, values }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return decodeMember(out.Attributes ?? {});
    },

    async setAttributes(openid, attributes, nowMs) {
      const entries = Object.entries(attributes).filter(([, v]) => v !== undefined);
      const set = Object.fromEntries([['updatedAt', new Date(nowMs).toISOString()], ...entries.filter(([, v]) => v !== null)]);
      const remove = entries.filter(([, v]) => v === null).map(([name]) => name);
      try {
        const out = await table.doc.send(
          new UpdateCommand({
            TableName: table.name,
            Key: memberKey(openid),
            ...updateExpression({ set, remove }),
            ConditionExpression: 'attribute_exists(pk)',
            ReturnValues: 'ALL_NEW',
          }),
        );
        return decodeMember(out.Attributes ?? {});
      } catch (err) {
        if (isConditionFailure(err)) return undefined;
        throw err;
      }
    },

    async get(openid) {
      const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: memberKey(openid) }));
      return out.Item ? decodeMember(out.Item) : undefined;
    },
  };
}
