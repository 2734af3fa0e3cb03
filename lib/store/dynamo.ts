import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

/** The table and the document client every DynamoDB adapter shares. */
export interface Table {
  doc: DynamoDBDocumentClient;
  name: string;
}

export function createTable(name: string, endpoint?: string): Table {
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint, region: process.env.AWS_REGION || 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: 3,
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc, name };
}

export function isConditionFailure(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

/** The per-item reasons of a cancelled TransactWriteItems (`ConditionalCheckFailed`, `None`, …), or undefined for any other error. */
export function cancellationCodes(err: unknown): string[] | undefined {
  const e = err as { name?: string; CancellationReasons?: { Code?: string }[] } | null;
  if (e?.name !== 'TransactionCanceledException') return undefined;
  return (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
}

/** A conditional PutItem: false when the condition failed (e.g. `attribute_not_exists(pk)` on an existing item). */
export async function putIf(table: Table, item: Record<string, unknown>, condition: string, values?: Record<string, unknown>): Promise<boolean> {
  try {
    await table.doc.send(new PutCommand({ TableName: table.name, Item: item, ConditionExpression: condition, ExpressionAttributeValues: values }));
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Deletes an item if it is there: false when it was not (gone already); any other failure throws. */
export async function deleteIfExists(table: Table, key: { pk: string; sk: string }): Promise<boolean> {
  try {
    await table.doc.send(new DeleteCommand({ TableName: table.name, Key: key, ConditionExpression: 'attribute_exists(pk)' }));
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}
