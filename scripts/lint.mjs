#!/usr/bin/env node
// The checks `npm test` runs before the tests (and `npm run lint` alone): Biome (lint and
// formatting, biome.jsonc), knip (unused files, exports, dependencies; knip.jsonc) and the
// typecheck of each tsconfig: the server code without DOM types (tsconfig.server.json), the
// console's browser code (console/tsconfig.json) and everything with the tests (tsconfig.json).
// `--fix` applies Biome's safe fixes and formatting first.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const fix = process.argv.includes('--fix');

const steps = [
  ['biome', [bin('@biomejs/biome', 'bin/biome'), fix ? 'check' : 'ci', ...(fix ? ['--write'] : []), '.']],
  ['knip', [bin('knip', 'bin/knip.js'), '--no-progress']],
  ...['tsconfig.server.json', 'console/tsconfig.json', 'tsconfig.json'].map((p) => [`tsc -p ${p}`, [bin('typescript', 'bin/tsc'), '--noEmit', '-p', p]]),
];

export function runChecks({ log = (line) => console.error(line) } = {}) {
  for (const [name, args] of steps) {
    const started = Date.now();
    const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    if (run.status !== 0) {
      log(`[lint] ${name} failed`);
      return false;
    }
    log(`[lint] ${name}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(runChecks() ? 0 : 1);
