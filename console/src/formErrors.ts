import { setError } from './dom';
import type { ApiIssue } from './types';

/** A form's fields by the name the API's issue paths resolve to: the input and its error element. */
export type FieldSlots<K extends string> = Record<K, { input: HTMLElement; error: HTMLElement }>;

export function clearFieldErrors<K extends string>(slots: FieldSlots<K>): void {
  for (const k of Object.keys(slots) as K[]) setError(slots[k].input, slots[k].error, null);
}

/**
 * Places a 400's issues under the fields they name: `targetOf` finds the field of a path (or none),
 * `show` puts all the issues of one field under it and returns the element to focus. Focus moves to
 * the first refused field in page order (not in the order the server listed them). Returns the
 * issues no field took, for a message on the form as a whole.
 */
export function placeIssues<T>(
  issues: readonly ApiIssue[],
  targetOf: (path: string) => T | undefined,
  show: (target: T, issues: ApiIssue[]) => HTMLElement | undefined,
): ApiIssue[] {
  const byTarget = new Map<T, ApiIssue[]>();
  const left: ApiIssue[] = [];
  for (const issue of issues) {
    const target = targetOf(issue.path);
    if (target === undefined) left.push(issue);
    else byTarget.set(target, [...(byTarget.get(target) ?? []), issue]);
  }
  let first: HTMLElement | undefined;
  for (const [target, own] of byTarget) {
    const el = show(target, own);
    if (el && (!first || first.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING)) first = el;
  }
  first?.focus();
  return left;
}

/** placeIssues for a form of named slots (`fieldOf` maps a path such as `frequencyCap.days` to one). */
export function showFieldErrors<K extends string>(slots: FieldSlots<K>, issues: readonly ApiIssue[], fieldOf: (path: string) => K | undefined): ApiIssue[] {
  return placeIssues(
    issues,
    (path) => {
      const k = fieldOf(path);
      return k !== undefined && k in slots ? k : undefined;
    },
    (k, own) => {
      setError(slots[k].input, slots[k].error, own.map((i) => i.message).join('; '));
      return slots[k].input;
    },
  );
}

/** The slots of a form whose inputs and `field()`s are kept in two records under the same names. */
export function slotsOf<K extends string>(inputs: Record<K, HTMLElement>, fields: Record<K, { error: HTMLElement }>): FieldSlots<K> {
  const slots = {} as FieldSlots<K>;
  for (const k of Object.keys(inputs) as K[]) slots[k] = { input: inputs[k], error: fields[k].error };
  return slots;
}
