import { readFileSync } from 'node:fs';

/** The chat page (`GET /`): one self-contained HTML file, inline CSS and plain JS, no build step. */
let cached: string | undefined;

export function chatPageHtml(): string {
  cached ??= readFileSync(new URL('./chat-page.html', import.meta.url), 'utf8');
  return cached;
}
