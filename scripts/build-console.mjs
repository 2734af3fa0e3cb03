#!/usr/bin/env node
// Builds the operator console (console/src → console/dist): one minified ES module bundle, the
// stylesheet and index.html, which handlers/console.ts serves under /console/. Run by `npm start`,
// by the console's e2e test, and before `serverless package|deploy` (see README, "Console").
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'console/dist');

export async function buildConsole({ quiet = false } = {}) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(root, 'console/src/main.ts')],
    outfile: join(out, 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020'],
    platform: 'browser',
    legalComments: 'none',
    logLevel: quiet ? 'error' : 'warning',
  });
  copyFileSync(join(root, 'console/index.html'), join(out, 'index.html'));
  copyFileSync(join(root, 'console/styles.css'), join(out, 'styles.css'));
  const sizes = ['app.js', 'styles.css', 'index.html'].map((f) => `${f} ${(statSync(join(out, f)).size / 1024).toFixed(1)} KiB`);
  if (!quiet) console.log(`[console] built console/dist: ${sizes.join(', ')}`);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildConsole();
}
