import assert from 'node:assert/strict';
import type { Sandbox } from '../../sandbox/server';

/** A POST to the sandbox's own API (followers, their messages), which must answer 200: its JSON. */
export async function postToSandbox(sandbox: Pick<Sandbox, 'url'>, path: string, body: unknown) {
  const r = await fetch(`${sandbox.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await r.text();
  assert.equal(r.status, 200, text);
  return JSON.parse(text);
}
