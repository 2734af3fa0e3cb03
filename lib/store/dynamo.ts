import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { boundByDeadline, DEFAULT_RETRY_POLICY, requestHandlerOptions, retryWithinDeadline, type HttpTimeouts } from '../deadline/sdkClients';

/** The table and the document client every DynamoDB adapter shares. */
export interface Table {
  doc: DynamoDBDocumentClient;
  name: string;
}

/** How long one DynamoDB request may take, and how often it is tried. */
export interface DynamoLimits extends HttpTimeouts {
  maxAttempts: number;
}

/**
 * DynamoDB answers in milliseconds; a request that has not connected in 1 s or answered in 2 s is
 * stuck (a paused or unreachable endpoint), and is retried or given up rather than waited for.
 * Under the callback's deadline every request is also aborted when the deadline passes.
 */
export const DEFAULT_DYNAMO_LIMITS: DynamoLimits = { connectTimeoutMs: 1000, requestTimeoutMs: 2000, maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts };

export function createTable(name: string, endpoint?: string, limits: DynamoLimits = DEFAULT_DYNAMO_LIMITS): Table {
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint, region: process.env.AWS_REGION || 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts: limits.maxAttempts,
    retryStrategy: retryWithinDeadline({ ...DEFAULT_RETRY_POLICY, maxAttempts: limits.maxAttempts }),
    requestHandler: requestHandlerOptions(limits),
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc: boundByDeadline(doc), name };
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
