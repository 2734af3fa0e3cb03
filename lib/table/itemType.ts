/** What identifies a member: their openid, or what other channels know them by. */
export type MemberIdentifier = 'openid' | 'phone' | 'unionid';

/**
 * One kind of item in the table, as the schema lists it. `names` says which identifiers of a
 * member the item holds (in its key or its attributes); an item type that names a member must be
 * covered by the erasure and export registry (lib/privacy/memberData.ts; lib/table/itemTypes.test.ts
 * checks it).
 */
export interface ItemType {
  name: string;
  /** The key, as a pattern for the reader. */
  key: string;
  names: readonly MemberIdentifier[];
  /** A key of this type, made by the schema's own key builder. */
  example: { pk: string; sk: string };
  /** Which code writes these items. */
  writtenBy: string;
}
