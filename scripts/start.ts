/**
 * `npm start`: the whole local stack, in order, stopped cleanly with Ctrl-C.
 *   1. DynamoDB Local on DYNAMODB_PORT (8000), data under DATA_DIR (.data/)
 *   2. the table from serverless.yml's declaration, and the demo configuration on first start
 *   3. local-aws-sqs on SQS_PORT (9324), in this process, with every queue serverless.yml declares
 *   3b. cognito-local on COGNITO_PORT (9229), data under DATA_DIR/cognito: the user pool, client and
 *      groups serverless.yml declares, and a first admin when the pool has none (FIRST_ADMIN_EMAIL,
 *      FIRST_ADMIN_PASSWORD; a generated password is printed on the start that created it, only then)
 *   4. the WeChat sandbox on SANDBOX_PORT (4000): API stand-in and the chat page
 *   5. the operator console built into console/dist (scripts/build-console.mjs), then
 *      the handlers under serverless-offline on HTTP_PORT (3000; its Lambda endpoint on LAMBDA_PORT 3002,
 *      websockets on WEBSOCKET_PORT 3001): /wechat, /admin/* and /console/; the `sqs`
 *      events (every worker: payouts, broadcast chunks, round closing, import jobs) run from
 *      local-aws-sqs through serverless-offline-sqs, exactly as their queues feed them in AWS
 *   6. the demo menu published to the sandbox through the admin API
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createTable } from '../lib/store/dynamo';
import { ensureTable } from '../lib/store/ensureTable';
import { loadDemoConfig } from '../lib/setup/loadDemoConfig';
import { ensureQueues, readQueueDefinitions } from '../lib/queue/queueDefinitions';
import { loadEnvFiles } from './loadEnvFiles';
// @ts-expect-error plain ESM helper shared with the test runner
import { startDynamoLocal } from './dynamo-local.mjs';
// @ts-expect-error plain ESM helper shared with the test runner
import { startSqsLocal } from './sqs-local.mjs';
// @ts-expect-error plain ESM helper shared with the test runner
import { startCognitoLocal } from './cognito-local.mjs';
import { cognitoClient } from '../lib/identity/cognitoClient';
import { ensureLocalUserPool } from '../lib/identity/localUserPool';
import { cognitoDirectory } from '../lib/people/cognitoDirectory';
import { ensureFirstAdmin } from '../lib/people/firstAdmin';
// @ts-expect-error plain ESM build script, also run on its own (node scripts/build-console.mjs)
import { buildConsole } from './build-console.mjs';

loadEnvFiles(['.env', '.env.example']);
// Local machines run Node 20; Lambda runs nodejs22.x. The SDK's Node 20 notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const env = process.env;
const dynamoPort = Number(env.DYNAMODB_PORT ?? 8000);
const sandboxPort = Number(env.SANDBOX_PORT ?? 4000);
const httpPort = Number(env.HTTP_PORT ?? 3000);
const sqsPort = Number(env.SQS_PORT ?? 9324);
const lambdaPort = Number(env.LAMBDA_PORT ?? 3002);
const websocketPort = Number(env.WEBSOCKET_PORT ?? 3001);
const cognitoPort = Number(env.COGNITO_PORT ?? 9229);
const dataDir = env.DATA_DIR ?? '.data';
const region = env.AWS_REGION ?? 'us-east-1';
const tableName = env.TABLE_NAME ?? 'wechat-oa-crm-local';

const children: { name: string; child: ChildProcess }[] = [];
// Servers run inside this process (local-aws-sqs), stopped after the children.
const inProcess: { name: string; stop: () => Promise<void> }[] = [];
let stopping = false;

function say(line: string) {
  process.stdout.write(`[start] ${line}\n`);
}

async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const { name, child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode) continue;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      // serverless-offline and the sandbox run in their own process groups: stop the whole group.
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
    });
    say(`${name} stopped`);
  }
  for (const { name, stop } of inProcess.reverse()) {
    await stop();
    say(`${name} stopped`);
  }
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

function run(name: string, cmd: string, args: string[], extraEnv: Record<string, string>): ChildProcess {
  const child = spawn(cmd, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = (d: Buffer) =>
    String(d)
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => `[${name}] ${l}\n`)
      .join('');
  child.stdout?.on('data', (d: Buffer) => process.stdout.write(prefix(d)));
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(prefix(d)));
  child.on('exit', (code) => {
    if (!stopping) {
      say(`${name} exited unexpectedly (code ${code}); stopping the stack`);
      void stopAll(1);
    }
  });
  children.push({ name, child });
  return child;
}

async function waitForHttp(url: string, what: string, timeoutMs: number, init?: RequestInit): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error('stopping');
    try {
      await fetch(url, init);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`${what} did not come up at ${url} within ${timeoutMs / 1000} s`);
}

async function main() {
  say(`DynamoDB Local on :${dynamoPort} (data in ${dataDir}/dynamodb)`);
  const dynamo = await startDynamoLocal({ port: dynamoPort, dataDir: `${dataDir}/dynamodb` });
  children.push({ name: 'dynamodb', child: dynamo.child });
  const endpoint = `http://localhost:${dynamoPort}`;
  await ensureTable(endpoint, tableName, 'serverless.yml', region);
  const seeded = await loadDemoConfig(createTable(tableName, endpoint, undefined, region), JSON.parse(readFileSync('config/demo.json', 'utf8')), Date.now());
  say(seeded === 'loaded' ? 'demo configuration loaded from config/demo.json' : 'demo configuration was loaded before; table left as it is');

  say(`local-aws-sqs on :${sqsPort} (in memory)`);
  const sqs = (await startSqsLocal({ port: sqsPort, region }).catch((err: Error) => {
    throw new Error(`local-aws-sqs could not listen on :${sqsPort} (${err.message}); set SQS_PORT to a free port`);
  })) as { endpoint: string; stop: () => Promise<void> };
  inProcess.push({ name: 'sqs', stop: sqs.stop });
  const queues = await ensureQueues(sqs.endpoint, readQueueDefinitions({ stage: 'local', region }), region);
  say(`queues: ${Object.keys(queues).join(', ')}`);

  say(`cognito-local on :${cognitoPort} (data in ${dataDir}/cognito)`);
  const cognito = (await startCognitoLocal({ port: cognitoPort, dataDir: `${dataDir}/cognito` }).catch((err: Error) => {
    throw new Error(`cognito-local could not start on :${cognitoPort} (${err.message}); set COGNITO_PORT to a free port`);
  })) as { endpoint: string; child: ChildProcess };
  children.push({ name: 'cognito', child: cognito.child });
  const pool = await ensureLocalUserPool({ endpoint: cognito.endpoint, poolName: `wechat-oa-crm-local`, region });
  await firstAdmin(cognito.endpoint, pool.userPoolId);

  const common = {
    DYNAMODB_ENDPOINT: endpoint,
    COGNITO_ENDPOINT: cognito.endpoint,
    COGNITO_USER_POOL_ID: pool.userPoolId,
    COGNITO_CLIENT_ID: pool.clientId,
    SQS_ENDPOINT: sqs.endpoint,
    TABLE_NAME: tableName,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  };
  say(`WeChat sandbox on :${sandboxPort}`);
  run('sandbox', process.execPath, ['--import', 'tsx', 'sandbox/main.ts'], {
    ...common,
    SANDBOX_PORT: String(sandboxPort),
    CALLBACK_URL: env.CALLBACK_URL ?? `http://localhost:${httpPort}/wechat`,
  });
  await waitForHttp(`http://localhost:${sandboxPort}/sandbox/state`, 'the sandbox', 30_000);

  say('building the console (console/src → console/dist)');
  await buildConsole();

  say(`handlers under serverless-offline on :${httpPort}`);
  run(
    'offline',
    process.execPath,
    [
      'node_modules/serverless/bin/serverless.js',
      'offline',
      'start',
      '--stage',
      'local',
      '--httpPort',
      String(httpPort),
      '--lambdaPort',
      String(lambdaPort),
      '--websocketPort',
      String(websocketPort),
      // The handlers get this process's environment (.env.example, .env): serverless.yml gives them
      // no secrets, which in AWS come from SSM.
      '--localEnvironment',
    ],
    {
      ...common,
      // Functions invoke each other (a token refresh after a 40001) through offline's Lambda endpoint.
      LAMBDA_ENDPOINT: `http://localhost:${lambdaPort}`,
      IS_OFFLINE: 'true',
      SLS_TELEMETRY_DISABLED: '1',
      // serverless-offline-sqs polls with the AWS SDK v2, which prints an end-of-support notice.
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
    },
  );
  await waitForHttp(`http://localhost:${httpPort}/admin/menu`, 'serverless-offline', 120_000);

  const published = await fetch(`http://localhost:${httpPort}/admin/menu/publish`, { method: 'POST', headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } });
  say(published.ok ? 'menu published to the sandbox' : `menu publish answered ${published.status}: ${await published.text()}`);

  say('');
  say(`chat page:   http://localhost:${sandboxPort}/   (chat as a follower)`);
  say(`callback:    http://localhost:${httpPort}/wechat`);
  say(`SQS:         ${sqs.endpoint}   (queues ${Object.values(queues).join(', ')})`);
  say(
    `admin API:   http://localhost:${httpPort}/admin/*   (Authorization: Bearer ${env.ADMIN_TOKEN === 'sandbox-admin-token' ? 'sandbox-admin-token' : '<ADMIN_TOKEN>'})`,
  );
  say(`console:     http://localhost:${httpPort}/console/   (sign in as the first admin, or any person an admin added)`);
  say(`people:      cognito-local ${cognito.endpoint}, pool ${pool.userPoolId}: sign in with POST /admin/session`);
  say('Ctrl-C stops everything.');
}

/** The pool's first admin, so a newcomer can sign in; the password is printed only when generated now. */
async function firstAdmin(cognitoEndpoint: string, userPoolId: string) {
  const client = cognitoClient({ endpoint: cognitoEndpoint }, region);
  const email = env.FIRST_ADMIN_EMAIL || 'admin@example.com';
  const result = await ensureFirstAdmin(cognitoDirectory(client, { userPoolId, globalSignOut: false }), { email, password: env.FIRST_ADMIN_PASSWORD });
  client.destroy();
  if (!result.ok) throw new Error(`the first admin could not be created: ${result.error.message}`);
  const admin = result.value;
  if (admin.outcome === 'had-admin') return say('people: the user pool has an admin already');
  if (admin.outcome === 'promoted') return say(`people: ${admin.email} is now an admin (FIRST_ADMIN_EMAIL)`);
  say('');
  say(`first admin: ${admin.email}`);
  say(admin.password ? `password:    ${admin.password}   (shown this once: note it now)` : 'password:    FIRST_ADMIN_PASSWORD from .env');
  say('');
}

main().catch((err) => {
  process.stderr.write(`[start] ${(err as Error).message}\n`);
  void stopAll(1);
});
