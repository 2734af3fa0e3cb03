#!/usr/bin/env node
// The two things the tests need from the operating system: Java 17+ (DynamoDB Local) and Chromium
// (browser tests of the chat page). On a fresh Debian/Ubuntu machine where we are root (CI), they are
// installed with apt-get; elsewhere this prints how to install them and fails.
import { spawnSync } from 'node:child_process';

function has(cmd, args, test = () => true) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return !r.error && r.status === 0 && test(`${r.stdout}${r.stderr}`);
}

const needs = [];
if (!has('java', ['-version'], (out) => Number(/version "(\d+)/.exec(out)?.[1] ?? 0) >= 17)) needs.push(['Java 17+', 'openjdk-17-jre-headless']);
if (!process.argv.includes('--java-only') && !has('chromium', ['--version'])) needs.push(['Chromium', 'chromium']);

if (needs.length === 0) process.exit(0);

const packages = needs.map(([, pkg]) => pkg);
const isRoot = process.getuid?.() === 0;
if (isRoot && has('apt-get', ['--version'])) {
  console.log(`[system-deps] installing ${packages.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`[system-deps] apt-get ${args[0]} failed`);
      process.exit(1);
    }
  }
  process.exit(0);
}
console.error(
  `[system-deps] missing: ${needs.map(([what]) => what).join(', ')}.\n` +
    `  Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')}\n` +
    '  macOS: brew install openjdk@17 && brew install --cask chromium',
);
process.exit(1);
