import { after, before } from 'node:test';
import type { SandboxOptionsInput } from '../config';
import { createSandbox, type Sandbox } from '../server';

/**
 * Registers the before/after hooks that a sandbox test file needs: its callback server first, then
 * a sandbox pushing to it (with the file's own clock and options), both closed at the end. `ready`
 * hands them to the file's variables.
 */
export function sandboxForTests<C extends { url: string; close(): Promise<void> }>(
  startCallback: () => Promise<C>,
  options: SandboxOptionsInput,
  ready: (sandbox: Sandbox, callback: C) => void,
): void {
  let sandbox: Sandbox | undefined;
  let callback: C | undefined;
  before(async () => {
    callback = await startCallback();
    sandbox = createSandbox({ callbackUrl: callback.url, ...options });
    await sandbox.listen(0);
    ready(sandbox, callback);
  });
  after(async () => {
    await sandbox?.close();
    await callback?.close();
  });
}
