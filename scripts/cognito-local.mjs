// Starts cognito-local (the npm package, pure Node) as a child process: user pools, app clients,
// groups and USER_PASSWORD_AUTH for the local stack and the tests. It keeps its state in
// `<dataDir>/.cognito/` (it always uses `.cognito` under its working directory).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { freePort, stopChild } from './dynamo-local.mjs';

const require = createRequire(import.meta.url);

/**
 * Issuer of the tokens = the endpoint the handlers reach it on, so a token's `iss` is
 * `<COGNITO_ENDPOINT>/<poolId>` whatever port this start picked (lib/identity/idTokenVerifier.ts).
 */
function writeIssuer(dataDir, endpoint) {
  const dir = join(dataDir, '.cognito');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'config.json');
  const config = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8') || '{}') : {};
  config.TokenConfig = { ...config.TokenConfig, IssuerDomain: endpoint };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}

async function waitUntilServing(endpoint, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`cognito-local exited with code ${exited}`);
    try {
      if ((await fetch(`${endpoint}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`cognito-local did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/**
 * @param {{ port?: number, dataDir: string, log?: (line: string) => void }} opts port 0 or unset: a free port
 * @returns {Promise<{ endpoint: string, port: number, child: import('node:child_process').ChildProcess, stop: () => Promise<void> }>}
 */
export async function startCognitoLocal(opts) {
  const port = opts.port || (await freePort());
  const dataDir = resolve(opts.dataDir);
  const endpoint = `http://127.0.0.1:${port}`;
  writeIssuer(dataDir, endpoint);
  const bin = require.resolve('cognito-local/lib/bin/start.js');
  const child = spawn(process.execPath, [bin], {
    cwd: dataDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d) => {
    output = (output + d).slice(-4000);
    opts.log?.(String(d));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  try {
    await waitUntilServing(endpoint, child, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${output}`);
  }
  return {
    endpoint,
    port,
    child,
    stop: () => stopChild(child),
  };
}
