/**
 * `%E4%B8%AD` → 中; a malformed escape (`%`, `%zz`, half a UTF-8 sequence) is undefined, not a thrown
 * URIError. Its own module so the console handler's bundle does not carry the router (and zod).
 */
export function decodePathParam(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
