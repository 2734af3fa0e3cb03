/**
 * Benchmark 3: the deployment packages, built the way deployment builds them
 * (`serverless package`, serverless-esbuild with serverless.yml's custom.esbuild), zipped and
 * unzipped sizes against the callback's 1 MB budget, and what the callback's bundle is made of
 * (esbuild metafile, same options; its output size is checked against the packaged file).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { runCommand, say } from './support';

export const CALLBACK_LIMIT_BYTES = 1024 * 1024;

export interface PackageSize {
  fn: string;
  zipBytes: number;
  unzippedBytes: number;
  files: { path: string; bytes: number }[];
  dir: string;
}

export interface BundleReport {
  command: string;
  packageMs: number;
  packages: PackageSize[];
  /** Largest contributors to the callback bundle, bytes in the minified output. */
  composition: { input: string; bytes: number }[];
  compositionTotal: number;
  /** The esbuild rebuild produced exactly the packaged handler's size (same options). */
  sameAsPackaged: boolean;
}

function walk(dir: string, out: { path: string; bytes: number }[] = [], root = dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out, root);
    else out.push({ path: relative(root, p), bytes: st.size });
  }
  return out;
}

function unzip(zip: string, dest: string): void {
  mkdirSync(dest, { recursive: true });
  let r = spawnSync('unzip', ['-q', '-o', zip, '-d', dest], { encoding: 'utf8' });
  if (r.error || r.status !== 0) r = spawnSync('python3', ['-m', 'zipfile', '-e', zip, dest], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`cannot unzip ${zip} (needs unzip or python3): ${r.stderr ?? r.error}`);
}

/** `npx serverless package --stage local --package <tmp>/pkg`, then every zip unzipped under <tmp>/unzipped. */
export async function packageFunctions(root: string, tmp: string): Promise<BundleReport> {
  const out = join(tmp, 'pkg');
  const args = ['serverless', 'package', '--stage', 'local', '--package', out];
  say(`bundle: npx ${args.join(' ')}`);
  const { ms } = await runCommand('npx', args, { cwd: root, env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' } });
  const packages: PackageSize[] = [];
  for (const name of readdirSync(out)
    .filter((f) => f.endsWith('.zip'))
    .sort()) {
    const fn = name.replace(/\.zip$/, '');
    const dir = join(tmp, 'unzipped', fn);
    unzip(join(out, name), dir);
    const files = walk(dir);
    packages.push({ fn, zipBytes: statSync(join(out, name)).size, unzippedBytes: files.reduce((s, f) => s + f.bytes, 0), files, dir });
  }
  if (!packages.some((p) => p.fn === 'wechat')) throw new Error(`serverless package wrote no wechat.zip in ${out}`);

  // What the callback bundle is made of: the same esbuild options as serverless.yml's custom.esbuild.
  const meta = await build({
    entryPoints: [join(root, 'handlers/wechat.ts')],
    bundle: true,
    minify: true,
    sourcemap: false,
    target: 'node22',
    platform: 'node',
    format: 'esm',
    outdir: join(tmp, 'meta'),
    outExtension: { '.js': '.mjs' },
    external: ['@aws-sdk/client-ssm', '@aws-sdk/client-lambda'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(meta.metafile.outputs).find((o) => o.entryPoint);
  const byInput = new Map<string, number>();
  for (const [file, v] of Object.entries(output?.inputs ?? {})) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    const key = m ? m[1]! : file.split('/').slice(0, 2).join('/');
    byInput.set(key, (byInput.get(key) ?? 0) + v.bytesInOutput);
  }
  const composition = [...byInput].map(([input, bytes]) => ({ input, bytes })).sort((a, b) => b.bytes - a.bytes);
  const wechat = packages.find((p) => p.fn === 'wechat')!;
  const handlerFile = wechat.files.find((f) => f.path.endsWith('.mjs'));
  return {
    command: `npx ${args.join(' ').replace(out, '<tmp>/pkg')}`,
    packageMs: ms,
    packages,
    composition,
    compositionTotal: output?.bytes ?? 0,
    sameAsPackaged: handlerFile?.bytes === output?.bytes,
  };
}
