import type { OperatorPorts } from '../payouts/operatorActions';
import type { Table } from '../store/dynamo';
import { isMemberPk, type TableItem } from '../table';

export { withoutKeys } from '../table';

export type Item = TableItem;

/** What erasure does with a family's items. */
export type ErasureAction = 'delete' | 'anonymise' | 'accounting-line';

/** What an export or an erasure knows about the member when it starts. */
export interface MemberContext {
  table: Table;
  openid: string;
  /** Everything under `MEMBER#<openid>`, read when the run started. */
  items: readonly Item[];
  /** The profile (deleted last, so a resumed erasure still has the phone and unionid). */
  profile?: Item;
  nowMs: number;
}

/** What erasure needs besides the table: WeChat Pay, to tell whether a payout order it would cancel exists there. */
export interface ErasurePorts {
  table: Table;
  pay: OperatorPorts['pay'];
}

/** One erasure's context; the same on a rerun that resumes it. */
export interface ErasureContext extends MemberContext {
  pay: ErasurePorts['pay'];
  /** Stands in for the openid on items kept for the merchant's accounts: `erased:<erasure id>`, random per erasure. */
  pseudonym: string;
}

interface FamilyBase {
  /** The export's section and the erasure report's step. */
  name: string;
  action: ErasureAction;
  /** Which code writes these items (for the reader). */
  writtenBy: string;
  /** Recognises one of these items by its key; the completeness test matches a table scan with it. */
  holds(key: { pk: string; sk: string }): boolean;
}

/**
 * Items under `MEMBER#<openid>`: one query finds them all and erasure deletes them together, the
 * profile last. `sk` is the sort key's first segment (`LEDGER` for `LEDGER#…`, `PROFILE`).
 */
export interface PartitionFamily extends FamilyBase {
  foundBy: 'member partition';
  sk: string;
}

/** Items elsewhere in the table: each family knows how to reach the member's from the member's own items. */
export interface OutsideFamily extends FamilyBase {
  foundBy: 'owner record' | 'reverse index' | 'queue partition';
  /** How they are found, in words (docs/members.md says the same). */
  how: string;
  /** What a data-access request sees of them. */
  export(ctx: MemberContext): Promise<Record<string, unknown>[]>;
  /** Deletes or anonymises them; safe to run again. The number of items changed. */
  erase(ctx: ErasureContext): Promise<number>;
}

export type MemberItemFamily = PartitionFamily | OutsideFamily;

/** A family of items in the member's partition whose sort keys start with `sk` (`sk` alone or `sk#…`). */
export function partitionFamily(sk: string, action: ErasureAction, writtenBy: string, name = sk.toLowerCase()): PartitionFamily {
  return { name, sk, action, writtenBy, foundBy: 'member partition', holds: (key) => isMemberPk(key.pk) && (key.sk === sk || key.sk.startsWith(`${sk}#`)) };
}
