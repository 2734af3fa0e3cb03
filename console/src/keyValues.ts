/**
 * Template data as operators type it in a textarea: one `keyword=value` a line (`thing1=积分到账`).
 * A value may itself hold `=`; lines without a keyword are ignored.
 */
export function parseKeyValues(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => line.split('='))
      .filter((kv) => kv.length >= 2 && kv[0]!.trim())
      .map(([k, ...v]) => [k!.trim(), v.join('=').trim()]),
  );
}

/** The inverse, for filling the textarea with saved data (WeChat's `{ value }` form is unwrapped). */
export function formatKeyValues(data: Record<string, string | { value: string }> | undefined): string {
  return Object.entries(data ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : v.value}`)
    .join('\n');
}
