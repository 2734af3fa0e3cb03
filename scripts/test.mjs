#!/usr/bin/env node
// Runs every *.test.ts under lib/, handlers/, sandbox/ and tests/ with node's test runner (tsx for
// TypeScript). Integration tests need DynamoDB Local, an SQS and a user pool: this script starts
// DynamoDB Local in memory, local-aws-sqs and cognito-local (data in a temporary directory, with the
// pool, client and groups serverless.yml declares), each on a free port, hands them to the tests
// through DYNAMODB_ENDPOINT, SQS_ENDPOINT and COGNITO_ENDPOINT / COGNITO_USER_POOL_ID /
// COGNITO_CLIENT_ID, and stops them afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';
import { startCognitoLocal } from './cognito-local.mjs';
import { startDynamoLocal } from './dynamo-local.mjs';
import { startSqsLocal } from './sqs-local.mjs';
import { runChecks } from './lint.mjs';

const roots = ['lib', 'handlers', 'sandbox', 'tests', 'bench'];
const filter = process.argv.slice(2);

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = roots.flatMap((r) => collect(r, [])).filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

// Lint and types first (scripts/lint.mjs): a test run on code that does not typecheck proves
// little. Skipped when only some files are run, to keep that loop quick.
if (filter.length === 0 && !runChecks()) {
  console.error('lint or typecheck failed: npm run lint says the same; npm run format fixes the formatting');
  process.exit(1);
}

// The SDK (the pool's setup below) warns about Node 20 on every start; the children are told the same.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const cognitoDir = mkdtempSync(join(tmpdir(), 'oa-cognito-'));
const dynamo = await startDynamoLocal({ inMemory: true });
const started = [dynamo];
let code = 1;
try {
  const sqs = await startSqsLocal({ region: 'us-east-1' });
  started.push(sqs);
  const cognito = await startCognitoLocal({ dataDir: cognitoDir });
  started.push(cognito);
  const { ensureLocalUserPool } = await tsImport('../lib/identity/localUserPool.ts', import.meta.url);
  const pool = await ensureLocalUserPool({ endpoint: cognito.endpoint, poolName: 'wechat-oa-crm-test' });
  code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
      stdio: 'inherit',
      env: {
        ...process.env,
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        SQS_ENDPOINT: sqs.endpoint,
        COGNITO_ENDPOINT: cognito.endpoint,
        COGNITO_USER_POOL_ID: pool.userPoolId,
        COGNITO_CLIENT_ID: pool.clientId,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        NODE_ENV: 'test',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
  });
} finally {
  await Promise.all(started.map((s) => s.stop()));
  rmSync(cognitoDir, { recursive: true, force: true });
}
process.exit(code);
