import {
  TransactWriteCommand,
  type TransactWriteConditionCheck,
  type TransactWriteDelete,
  type TransactWriteItem,
  type TransactWritePut,
  type TransactWriteUpdate,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, type Table } from '../store/dynamo';

/** One write of a transaction, without the table name (the helper adds it). */
export type TxWrite =
  | { Put: Omit<TransactWritePut, 'TableName'> }
  | { Update: Omit<TransactWriteUpdate, 'TableName'> }
  | { Delete: Omit<TransactWriteDelete, 'TableName'> }
  | { ConditionCheck: Omit<TransactWriteConditionCheck, 'TableName'> };

/**
 * The writes of one transaction, each under a name, in the order given. A list under one name is
 * zero or more writes sharing it; undefined leaves the name out. Names, not positions, say which
 * write's condition failed, so adding or reordering writes cannot silently change what a
 * cancellation means.
 */
export type NamedWrites<N extends string> = { readonly [K in N]?: TxWrite | readonly TxWrite[] | undefined };

export type TransactResult<N extends string> =
  | { status: 'written' }
  /** DynamoDB cancelled it: `failed` names the writes whose condition failed (empty when it was a conflict); `error` is DynamoDB's. */
  | { status: 'cancelled'; failed: ReadonlySet<N>; error: unknown };

function withTable(table: string, w: TxWrite): TransactWriteItem {
  if ('Put' in w) return { Put: { ...w.Put, TableName: table } };
  if ('Update' in w) return { Update: { ...w.Update, TableName: table } };
  if ('Delete' in w) return { Delete: { ...w.Delete, TableName: table } };
  return { ConditionCheck: { ...w.ConditionCheck, TableName: table } };
}

/** The writes in order, each with the name it came under. */
function flatten<N extends string>(writes: NamedWrites<N>): { name: N; write: TxWrite }[] {
  const out: { name: N; write: TxWrite }[] = [];
  for (const name in writes) {
    const w = writes[name];
    if (w === undefined) continue;
    for (const write of Array.isArray(w) ? w : [w]) out.push({ name, write });
  }
  return out;
}

/**
 * One TransactWriteItems. A cancellation (a condition failed, or another transaction conflicted) is
 * an answer, with the names of the writes whose condition failed; any other error is thrown, as is
 * a TransactionConflictException (the whole call lost a race before it started).
 */
export async function transactWrite<N extends string>(table: Table, writes: NamedWrites<N>): Promise<TransactResult<N>> {
  const flat = flatten(writes);
  try {
    await table.doc.send(new TransactWriteCommand({ TransactItems: flat.map((f) => withTable(table.name, f.write)) }));
    return { status: 'written' };
  } catch (err) {
    const codes = cancellationCodes(err);
    if (!codes) throw err;
    const failed = new Set<N>();
    codes.forEach((code, i) => {
      if (code === 'ConditionalCheckFailed' && flat[i]) failed.add(flat[i].name);
    });
    return { status: 'cancelled', failed, error: err };
  }
}
