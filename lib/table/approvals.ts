import { decode, isString, req, type RawItem } from './codec';
import type { ItemType } from './itemType';

/**
 * Approvals (lib/approvals): one partition (a team asks for a few a day), ids sorting by time, the
 * approval's JSON whole with its state beside it for the conditional decision.
 */
export const APPROVALS_PK = 'APPROVALS';
export const approvalKey = (id: string) => ({ pk: APPROVALS_PK, sk: id });

export const approvalItem = <T extends { id: string; state: string }>(a: T) => ({ ...approvalKey(a.id), approval: JSON.stringify(a), state: a.state });

export function decodeApprovalItem<T>(item: RawItem): T {
  return JSON.parse(decode(item, { approval: req(isString) }, 'approval').approval) as T;
}

export const approvalItemTypes = (): readonly ItemType[] => [
  { name: 'approval', key: 'APPROVALS / <id>', names: [], example: approvalKey('a'), writtenBy: 'lib/approvals/dynamoApprovalStore.ts' },
];
