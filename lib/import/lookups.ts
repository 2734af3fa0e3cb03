import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from '../store/batchWrite';
import { createHash } from 'node:crypto';
import { isConditionFailure, type Table } from '../store/dynamo';
import { lookupKey, phoneLookup, unionidLookup } from '../table';

/** Deterministic, so importing the same file again finds the same prospect. */
export function prospectId(by: { unionid?: string; phone?: string }): string {
  const basis = by.unionid ? `unionid:${by.unionid}` : `phone:${by.phone}`;
  return createHash('sha256').update(basis).digest('hex').slice(0, 24);
}

/**
 * Deletes the lookups for a phone and/or unionid. Erasure (lib/privacy/eraseMember.ts) should call
 * it with the profile's `phone` and `unionid` before deleting the profile: lookup items live outside
 * the member's partition and hold the phone number in their key.
 */
export async function forgetLookups(table: Table, who: { phone?: string; unionid?: string }, onlyFor?: string): Promise<number> {
  const keys = [who.phone && phoneLookup(who.phone), who.unionid && unionidLookup(who.unionid)].filter((k): k is string => !!k).map(lookupKey);
  if (keys.length === 0) return 0;
  if (!onlyFor) {
    await batchWriteAll(
      table,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
      { what: 'forget lookups' },
    );
    return keys.length;
  }
  // Erasure: remove only the lookups that still point to this member (a phone may have moved on).
  let deleted = 0;
  for (const Key of keys) {
    try {
      await table.doc.send(
        new DeleteCommand({ TableName: table.name, Key, ConditionExpression: 'targetPk = :pk', ExpressionAttributeValues: { ':pk': onlyFor } }),
      );
      deleted += 1;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
  return deleted;
}
