import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerApp } from '../lib/app/containerApp';
import { dynamoTokenStore } from '../lib/wechat/dynamoTokenStore';
import { createSandbox, type Sandbox } from '../sandbox/server';
import { drained, localAws } from './support/localAws';
import { queueDepth } from './support/localSqs';
import { useTestTable } from './support/testTable';

// The tests' stand-in for AWS is what serverless.yml deploys: its queues, each with the worker its
// function's `sqs` event names, and the token refresh as a Lambda invoke of tokenRefresh.
let sandbox: Sandbox;

before(async () => {
  sandbox = createSandbox({});
  await sandbox.listen(0);
  await useTestTable({ WECHAT_API_BASE: sandbox.url });
});
after(() => sandbox?.close());

test('every queue serverless.yml declares exists, each worker queue has its worker, and the app sends to them', async () => {
  const aws = await localAws();
  assert.deepEqual(Object.keys(aws.workers).sort(), ['ImportQueue', 'PayoutQueue', 'RoundCloseQueue', 'SendQueue']);
  assert.ok(aws.queues.PayoutDeadLetters && aws.queues.ImportDeadLetters, 'dead-letter queues too');
  const app = await containerApp();
  assert.deepEqual(app.config.queues, {
    payout: aws.queues.PayoutQueue,
    send: aws.queues.SendQueue,
    roundClose: aws.queues.RoundCloseQueue,
    importJobs: aws.queues.ImportQueue,
  });

  // A job that does not exist: the import worker takes the message, finds nothing to do, and it is gone.
  const before = aws.workers.ImportQueue!.delivered.length;
  await app.queues.importJobs.send([{ jobId: 'no-such-job' }]);
  await drained();
  assert.deepEqual(
    aws.workers.ImportQueue!.delivered.slice(before).map((r) => r.body),
    ['{"jobId":"no-such-job"}'],
  );
  const depth = await queueDepth(aws.queues.ImportQueue!);
  assert.equal(depth.visible + depth.inFlight + depth.delayed, 0);
});

test('a refresh after a 40001 is an invoke of the token-refresh function, which alone fetches the token', async () => {
  const aws = await localAws();
  const app = await containerApp();
  const invoked = aws.invocations.tokenRefresh ?? 0;
  const tokenCalls = () => sandbox.state.calls.filter((c) => c.path === '/cgi-bin/stable_token').length;
  const fetched = tokenCalls();
  const r = await app.requestTokenRefresh('a-token-wechat-refused');
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(aws.invocations.tokenRefresh, invoked + 1);
  assert.equal(tokenCalls(), fetched + 1);
  assert.equal((await dynamoTokenStore(app.table).read())?.token, r.value.token, 'stored for every function to read');
});
