import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamoRuleStore } from '../lib/autoreply/ruleStore';
import { lambdaHandler } from '../lib/lambda/handler';
import { log } from '../lib/observability/log';
import { captureOutput } from './support/captureOutput';
import { pushEvent, textXml } from './support/pushes';
import { rule } from './support/rules';
import { useTestTable } from './support/testTable';

// Logs and metrics as CloudWatch reads them: JSON lines from Powertools Logger with the invocation's
// request id and cold-start flag, and EMF lines from Powertools Metrics.
let handleWeChat: typeof import('../handlers/wechat').handler;

before(async () => {
  const table = await useTestTable({ POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_SERVICE_NAME: 'wechat-oa-crm-test' });
  await dynamoRuleStore(table).put(rule('default', { match: { type: 'default' }, reply: { type: 'text', content: '收到' } }));
  ({ handler: handleWeChat } = await import('../handlers/wechat'));
});

/** The JSON lines in captured output (the test runner's own frames share stdout: a line may start after them). */
function jsonLines(output: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    const start = line.search(/\{"(_aws|level)"/);
    if (start >= 0) lines.push(JSON.parse(line.slice(start)) as Record<string, unknown>);
  }
  return lines;
}

interface Emf {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}
const emfOf = (output: string, name: string) =>
  jsonLines(output).filter((l): l is Emf => !!(l as Partial<Emf>)._aws?.CloudWatchMetrics?.some((m) => m.Metrics.some((x) => x.Name === name)));

test('every line a handler logs carries its request id and whether it was the cold start', async () => {
  const handler = lambdaHandler(async (event: { n: number }) => {
    // Deep in the code, nothing passed down: the line still knows its invocation.
    await Promise.resolve();
    log.error('something to see', { n: event.n });
  });
  const { output } = await captureOutput(async () => {
    await handler({ n: 1 }, { awsRequestId: 'req-1', functionName: 'wechat-oa-crm-test-fn' });
    await handler({ n: 2 }, { awsRequestId: 'req-2', functionName: 'wechat-oa-crm-test-fn' });
  });
  const lines = jsonLines(output).filter((l) => l.message === 'something to see');
  assert.deepEqual(
    lines.map((l) => [l.level, l.n, l.function_request_id, l.function_name, typeof l.cold_start, typeof l.timestamp, l.service]),
    [
      ['ERROR', 1, 'req-1', 'wechat-oa-crm-test-fn', 'boolean', 'string', 'wechat-oa-crm'],
      ['ERROR', 2, 'req-2', 'wechat-oa-crm-test-fn', 'boolean', 'string', 'wechat-oa-crm'],
    ],
  );
  // This test file's process may have run a handler already (the callback's, below): only the first is ever cold.
  assert.equal(lines[1]!.cold_start, false);
});

test('the callback reports its latency and its outcome as EMF metrics', async () => {
  const { value: res, output } = await captureOutput(() => handleWeChat(pushEvent(textXml('oMetrics1', 'hello')), { awsRequestId: 'req-push' }));
  assert.equal(res.statusCode, 200);
  const [latency] = emfOf(output, 'CallbackLatency');
  assert.ok(latency, `a CallbackLatency line in:\n${output}`);
  assert.equal(latency._aws.CloudWatchMetrics[0]!.Namespace, 'wechat-oa-crm');
  assert.equal(latency._aws.CloudWatchMetrics[0]!.Metrics[0]!.Unit, 'Milliseconds');
  assert.equal(latency.service, 'wechat-oa-crm-test');
  assert.ok(typeof latency.CallbackLatency === 'number' && latency.CallbackLatency >= 0 && latency.CallbackLatency < 5000);
  const answers = emfOf(output, 'CallbackAnswers');
  assert.deepEqual(
    answers.map((a) => [a.outcome, a.CallbackAnswers, a._aws.CloudWatchMetrics[0]!.Dimensions]),
    [['answered', 1, [['service', 'outcome']]]],
  );

  const { output: refused } = await captureOutput(() => handleWeChat(pushEvent(textXml('oMetrics1', 'hello'), 'plain', { token: 'wrong-token' })));
  assert.deepEqual(
    emfOf(refused, 'CallbackAnswers').map((a) => a.outcome),
    ['refused'],
  );
});
