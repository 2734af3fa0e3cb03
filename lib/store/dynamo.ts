import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { boundByDeadline, DEFAULT_RETRY_POLICY, requestHandlerOptions, retryWithinDeadline, type HttpTimeouts } from '../deadline/sdkClients';

/** The table and the document client every DynamoDB adapter shares. */
export interface Table {
  doc: DynamoDBDocumentClient;
  name: string;
}

/** How long one DynamoDB request may take, and how often it is tried. */
export interface DynamoLimits extends HttpTimeouts {
  /** Each attempt of a request made under a deadline (the callback's; one push per container). */
  attemptTimeoutMs: number;
  maxAttempts: number;
}

/**
 * DynamoDB answers in milliseconds. Under the callback's deadline an attempt gets 1 s (then it is
 * retried if the deadline allows) and every request is aborted when the deadline passes. Elsewhere
 * (workers, schedules) a request gets 3 s to connect and 10 s to answer, then it is retried or given
 * up rather than left to hang until the function times out. Both timers include the wait for a free
 * socket, so they are loose enough for the few dozen requests a function has in flight at once.
 */
export const DEFAULT_DYNAMO_LIMITS: DynamoLimits = {
  connectTimeoutMs: 3000,
  requestTimeoutMs: 10_000,
  attemptTimeoutMs: 1000,
  maxAttempts: DEFAULT_RETRY_POLICY.maxAttempts,
};

/**
 * The table's client. The Lambda functions pass their configured limits (lib/app/runtime.ts); without
 * them (scripts, tests that drive thousands of requests from one process) the SDK's own socket
 * handling applies, and only a deadline, when there is one, bounds a request.
 */
export function createTable(name: string, endpoint?: string, limits?: DynamoLimits, region = 'us-east-1'): Table {
  const maxAttempts = limits?.maxAttempts ?? DEFAULT_DYNAMO_LIMITS.maxAttempts;
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    maxAttempts,
    retryStrategy: retryWithinDeadline({ ...DEFAULT_RETRY_POLICY, maxAttempts }),
    ...(limits ? { requestHandler: requestHandlerOptions(limits) } : {}),
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { doc: boundByDeadline(doc, { attemptTimeoutMs: limits?.attemptTimeoutMs ?? DEFAULT_DYNAMO_LIMITS.attemptTimeoutMs }), name };
}

/** An error's name (the SDK's exception names: `ConditionalCheckFailedException`, …), or undefined for a thrown non-object. */
export function errorName(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'name' in err && typeof err.name === 'string' ? err.name : undefined;
}

export function isConditionFailure(err: unknown): boolean {
  return errorName(err) === 'ConditionalCheckFailedException';
}

/** The per-item reasons of a cancelled TransactWriteItems (`ConditionalCheckFailed`, `None`, …), or undefined for any other error. */
export function cancellationCodes(err: unknown): string[] | undefined {
  if (errorName(err) !== 'TransactionCanceledException' || typeof err !== 'object' || err === null) return undefined;
  const reasons = 'CancellationReasons' in err && Array.isArray(err.CancellationReasons) ? err.CancellationReasons : [];
  return reasons.map((r: unknown) => (typeof r === 'object' && r !== null && 'Code' in r && typeof r.Code === 'string' ? r.Code : 'None'));
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
