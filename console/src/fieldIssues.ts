import type { ApiIssue } from './types';

/**
 * Places a 400's issues under the fields they name: `targetOf` finds the field of a path (or none),
 * `show` puts all the issues of one field under it and returns the element to focus. Focus moves to
 * the first refused field in page order (not in the order the server listed them). Returns the
 * issues no field took, for a message on the form as a whole.
 */
export function placeIssues<T>(issues: readonly ApiIssue[], targetOf: (path: string) => T | undefined, show: (target: T, issues: ApiIssue[]) => HTMLElement | undefined): ApiIssue[] {
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
