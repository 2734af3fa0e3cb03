/**
 * Typed reading of raw items. An item comes back from DynamoDB as `Record<string, unknown>`; a codec
 * checks the attributes a type names (present ones have the right JavaScript type, required ones are
 * there) and hands the item on with that type, so adapters read fields without assertions. The
 * check is shallow and cheap (no copy): attributes a shape does not name pass through untouched, and
 * a stored blob (a campaign, a round's snapshot) is checked to be an object, its inside trusted to be
 * what our own typed writer put there.
 */
export type RawItem = Record<string, unknown>;

/** Every item of the table has its string key (DynamoDB requires it); index keys come on top. */
export type TableItem = RawItem & { pk: string; sk: string };

/** An item that is not what its key says (written by hand, or by a bug): named, never read on silently. */
export class ItemShapeError extends Error {
  override name = 'ItemShapeError';
}

export type Check<T> = (v: unknown) => v is T;

export const isString: Check<string> = (v): v is string => typeof v === 'string';
export const isNumber: Check<number> = (v): v is number => typeof v === 'number';
export const isBoolean: Check<boolean> = (v): v is boolean => typeof v === 'boolean';
export const isObject: Check<RawItem> = (v): v is RawItem => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Set);
export const isStringArray: Check<string[]> = (v): v is string[] => Array.isArray(v) && v.every(isString);
/** A DynamoDB number set (`ADD x :set`) as the document client returns it. */
export const isNumberSet: Check<Set<number>> = (v): v is Set<number> => v instanceof Set && [...v].every(isNumber);
export const recordOf =
  <T>(check: Check<T>): Check<Record<string, T>> =>
  (v): v is Record<string, T> =>
    isObject(v) && Object.values(v).every(check);
export const oneOf =
  <const T extends string>(values: readonly T[]): Check<T> =>
  (v): v is T =>
    values.some((value) => value === v);
/**
 * A blob our code writes whole from a typed value (a campaign record, a round snapshot, a rule): an
 * object, whose inside is trusted. The type is the writer's.
 */
export const blob =
  <T extends object>(): Check<T> =>
  (v): v is T =>
    isObject(v);

/** A list our code writes whole (import rows, row errors): an array, its elements trusted like a blob's inside. */
export const list =
  <T>(): Check<T[]> =>
  (v): v is T[] =>
    Array.isArray(v);

export interface RequiredField<T> {
  check: Check<T>;
  optional: false;
}
export interface OptionalField<T> {
  check: Check<T>;
  optional: true;
}
export type Field<T> = RequiredField<T> | OptionalField<T>;
export type Shape = Record<string, Field<unknown>>;

/**
 * A value built on first use and kept. Shapes are built this way (and marked pure), so a function
 * bundle that decodes nothing of a kind carries none of its shape.
 */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

export const req = <T>(check: Check<T>): RequiredField<T> => ({ check, optional: false });
export const opt = <T>(check: Check<T>): OptionalField<T> => ({ check, optional: true });

/** The type a shape describes: required fields as they are, optional ones optional. */
export type Decoded<S extends Shape> = {
  [K in keyof S as S[K] extends OptionalField<unknown> ? never : K]: S[K] extends Field<infer T> ? T : never;
} & {
  [K in keyof S as S[K] extends OptionalField<unknown> ? K : never]?: S[K] extends Field<infer T> ? T : never;
};

/** The shape a type needs: one field per property, optional where the type's is. */
export type ShapeOf<T> = { [K in keyof T]-?: undefined extends T[K] ? OptionalField<NonNullable<T[K]>> : RequiredField<T[K]> };

/** The first attribute that does not fit the shape, or undefined when the item fits. */
function misfit(item: RawItem, shape: Shape): string | undefined {
  for (const name in shape) {
    const field = shape[name]!;
    const v = item[name];
    if (v === undefined ? !field.optional : !field.check(v)) return name;
  }
  return undefined;
}

export function conforms<I extends RawItem, S extends Shape>(item: I, shape: S): item is I & Decoded<S> {
  return misfit(item, shape) === undefined;
}

/** The item with the shape's type; an ItemShapeError naming the attribute when it does not fit. */
export function decode<I extends RawItem, S extends Shape>(item: I, shape: S, what: string): I & Decoded<S> {
  if (conforms(item, shape)) return item;
  const name = misfit(item, shape);
  throw new ItemShapeError(
    `${named(item, what)}: attribute ${name} is ${item[name!] === undefined ? 'missing' : `not what it should be (${Array.isArray(item[name!]) ? 'an array' : typeof item[name!]})`}`,
  );
}

/** What an item is, with its key when it has one (for an error message about it). */
export const named = (item: RawItem, what: string) => (typeof item.pk === 'string' ? `${what} ${item.pk}/${String(item.sk)}` : what);

export const isTableItem = (v: unknown): v is TableItem => isObject(v) && typeof v.pk === 'string' && typeof v.sk === 'string';

/** A raw item read from the table, with its key typed. */
export function tableItem(item: RawItem): TableItem {
  if (isTableItem(item)) return item;
  throw new ItemShapeError('an item without a string pk and sk');
}

/** The table key and the index keys an item may carry (gsi1–gsi3, all sparse). */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk'] as const;

/** The item without these attributes. */
export function without(item: RawItem, names: readonly string[]): RawItem {
  const rest: RawItem = {};
  for (const [name, value] of Object.entries(item)) if (!names.includes(name)) rest[name] = value;
  return rest;
}

/** The item without its table and index keys: what a reader of the record sees. */
export const withoutKeys = (item: RawItem): RawItem => without(item, KEY_ATTRIBUTES);
