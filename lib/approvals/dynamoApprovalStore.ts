import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, type Table } from '../store/dynamo';
import { APPROVALS_PK, approvalItem, approvalKey, decodeApprovalItem } from '../table';
import type { Approval } from './approval';
import type { ApprovalStore } from './approvalStore';

export function dynamoApprovalStore(table: Table): ApprovalStore {
  const get = async (id: string) => {
    const out = await table.doc.send(new GetCommand({ TableName: table.name, Key: approvalKey(id), ConsistentRead: true }));
    return out.Item ? decodeApprovalItem<Approval>(out.Item) : undefined;
  };
  return {
    async create(a) {
      await table.doc.send(new PutCommand({ TableName: table.name, Item: approvalItem(a), ConditionExpression: 'attribute_not_exists(pk)' }));
    },
    get,
    async list(state, limit) {
      const out = await table.doc.send(
        new QueryCommand({
          TableName: table.name,
          KeyConditionExpression: 'pk = :pk',
          ...(state ? { FilterExpression: '#state = :state', ExpressionAttributeNames: { '#state': 'state' } } : {}),
          ExpressionAttributeValues: { ':pk': APPROVALS_PK, ...(state ? { ':state': state } : {}) },
          ScanIndexForward: false,
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).slice(0, limit).map((i) => decodeApprovalItem<Approval>(i));
    },
    async decide(id, d) {
      const current = await get(id);
      if (!current) return { status: 'already' };
      const decided: Approval = { ...current, ...d };
      try {
        // Only a pending approval is decided: of an approve and a reject at once, exactly one lands.
        await table.doc.send(
          new UpdateCommand({
            TableName: table.name,
            Key: approvalKey(id),
            UpdateExpression: 'SET approval = :a, #state = :s',
            ConditionExpression: '#state = :pending',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':a': approvalItem(decided).approval, ':s': d.state, ':pending': 'pending' },
          }),
        );
        return { status: 'decided', approval: decided };
      } catch (err) {
        if (isConditionFailure(err)) return { status: 'already', approval: await get(id) };
        throw err;
      }
    },
  };
}
