import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import { queryPartition } from '../store/queryPartition';
import { AUTOREPLY_PK, autoreplyRuleKey, decodeRule } from '../table';
import type { Rule } from './rule';

export interface RuleStore {
  list(): Promise<Rule[]>;
  put(rule: Rule): Promise<void>;
  /** False when there was no such rule. */
  remove(id: string): Promise<boolean>;
}

export function dynamoRuleStore(table: Table): RuleStore {
  return {
    list: async () => (await queryPartition(table, AUTOREPLY_PK)).map(decodeRule),
    async put(rule) {
      await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...autoreplyRuleKey(rule.id), rule } }));
    },
    async remove(id) {
      try {
        await table.doc.send(new DeleteCommand({ TableName: table.name, Key: autoreplyRuleKey(id), ConditionExpression: 'attribute_exists(pk)' }));
        return true;
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    },
  };
}
