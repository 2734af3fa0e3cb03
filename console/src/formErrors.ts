import { setError } from './dom';
import type { ApiIssue } from './types';

/** A form's fields by the name the API's issue paths resolve to: the input and its error element. */
export type FieldSlots<K extends string> = Record<K, { input: HTMLElement; error: HTMLElement }>;

export function clearFieldErrors<K extends string>(slots: FieldSlots<K>): void {
  for (const k of Object.keys(slots) as K[]) setError(slots[k].input, slots[k].error, null);
}

/**
 * Places each refusal of a 400 under the field its path names (`fieldOf` maps a path such as
 * `frequencyCap.days` to a field, or to nothing), joins several refusals of one field, moves focus
 * to the first refused field, and returns the issues no field took (the caller shows them elsewhere).
 */
export function showFieldErrors<K extends string>(slots: FieldSlots<K>, issues: readonly ApiIssue[], fieldOf: (path: string) => K | undefined): ApiIssue[] {
  const placed = new Map<K, string[]>();
  const left: ApiIssue[] = [];
  for (const issue of issues) {
    const k = fieldOf(issue.path);
    if (k !== undefined && k in slots) (placed.get(k) ?? placed.set(k, []).get(k)!).push(issue.message);
    else left.push(issue);
  }
  for (const [k, messages] of placed) setError(slots[k].input, slots[k].error, messages.join('; '));
  const first = placed.keys().next();
  if (!first.done) slots[first.value].input.focus();
  return left;
}

/** The slots of a form whose inputs and `field()`s are kept in two records under the same names. */
export function slotsOf<K extends string>(inputs: Record<K, HTMLElement>, fields: Record<K, { error: HTMLElement }>): FieldSlots<K> {
  const slots = {} as FieldSlots<K>;
  for (const k of Object.keys(inputs) as K[]) slots[k] = { input: inputs[k], error: fields[k].error };
  return slots;
}
