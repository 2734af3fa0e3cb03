#!/usr/bin/env node
// Node 22, the Lambda runtime's major (nodejs22.x), for the benchmarks of the deployed functions
// while this machine's `node` is another version. On first use it installs the npm package `node`
// (which ships a real Node binary for this platform, put in place by its preinstall script) into
// .cache/node22 (gitignored) with `npm install --prefix`, and hands back the binary's path; later
// uses only check that binary. It never touches the machine's own Node, and `node` stays out of
// package.json (a dependency named node would become the `node` of every npm script).
//
//   node scripts/node22.mjs        prints the binary's path (exit 1 and the reason if it cannot)
//   import { node22 } from './node22.mjs'; await node22()  → { ok, path, version } | { ok: false, reason }
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Pinned, so that runs months apart compare the same build; raise it with Lambda's runtime. */
export const NODE22_VERSION = '22.23.3';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function versionOf(bin) {
  if (!existsSync(bin)) return undefined;
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return out.status === 0 ? out.stdout.trim() : undefined;
}

/**
 * The path of a Node `NODE22_VERSION` binary under `<root>/.cache/node22`, installing it first when
 * it is not there. Never throws: `{ ok: false, reason }` says why there is no Node 22.
 */
export function node22({ root = ROOT, npm: npmCommand = 'npm', log = (line) => process.stderr.write(`[node22] ${line}\n`) } = {}) {
  const want = `v${NODE22_VERSION}`;
  const dir = join(root, '.cache', 'node22');
  const binIn = (d) => join(d, 'node_modules', 'node', 'bin', 'node');
  const have = versionOf(binIn(dir));
  if (have === want) return { ok: true, path: binIn(dir), version: have };

  // Installed beside the final folder and moved into place, so a half-finished install is never used.
  const tmp = `${dir}.tmp-${process.pid}`;
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'package.json'), '{ "private": true }\n');
    log(`${have ? `found ${have}, want ${want}` : 'not installed yet'}: npm install --prefix ${tmp} node@${NODE22_VERSION}`);
    const npm = spawnSync(
      npmCommand,
      ['install', '--prefix', tmp, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts=false', `node@${NODE22_VERSION}`],
      // npm_config_global from an outer `npm -g` would send the binary elsewhere.
      { encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_global: 'false' } },
    );
    if (npm.error || npm.status !== 0) {
      const why = npm.error ? npm.error.message : `npm exited with ${npm.status ?? npm.signal}`;
      return { ok: false, reason: `npm install node@${NODE22_VERSION} failed (${why}): ${`${npm.stderr ?? ''}`.trim().split('\n').slice(-3).join(' / ')}` };
    }
    const got = versionOf(binIn(tmp));
    if (got !== want)
      return {
        ok: false,
        reason: `npm install node@${NODE22_VERSION} left no working binary at node_modules/node/bin/node (it answered ${got ?? 'nothing'}; were install scripts disabled?)`,
      };
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    log(`installed ${got} at ${binIn(dir)}`);
    return { ok: true, path: binIn(dir), version: got };
  } catch (err) {
    return { ok: false, reason: `installing node@${NODE22_VERSION} failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const got = node22();
  if (got.ok) process.stdout.write(`${got.path}\n`);
  else {
    process.stderr.write(`no Node 22: ${got.reason}\n`);
    process.exit(1);
  }
}
