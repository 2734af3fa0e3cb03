import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { containerApp } from '../lib/app/containerApp';
import { conversationPorts } from '../lib/app/conversation';
import type { App } from '../lib/app/createApp';
import { callbackDeadlineMs, callbackSecrets } from '../lib/config/config';
import { deadlineAfter, type Deadline } from '../lib/deadline/deadline';
import { answerPush, type CallbackPorts } from '../lib/conversation/answerPush';
import { callbackErrorBoundary } from '../lib/http/errorBoundary';
import { json, text, type HttpResult } from '../lib/http/response';
import { lambdaHandler } from '../lib/lambda/handler';
import { metric } from '../lib/observability/metrics';
import { verifyUrlCheck } from '../lib/wechat/callback';
import { dynamoReplayRecord } from '../lib/wechat/dynamoReplayRecord';

/** What the callback needs from the app, once per app. */
function buildCallback(app: App): CallbackPorts {
  return { secrets: callbackSecrets(app.config), ports: conversationPorts(app), replays: dynamoReplayRecord(app.table) };
}

async function answer(event: APIGatewayProxyEventV2, deadline: Deadline): Promise<HttpResult> {
  const callback = (await containerApp()).once(buildCallback);
  if (event.requestContext.http.method === 'GET') {
    const checked = verifyUrlCheck(event.queryStringParameters ?? {}, callback.secrets, callback.ports.clock.now());
    return checked.ok ? text(200, checked.echostr) : json(checked.status, { error: checked.error });
  }
  if (event.requestContext.http.method !== 'POST') return json(405, { error: 'use GET or POST' });
  return answerPush(event, callback, deadline);
}

/** What became of a push, for the CallbackAnswers metric. */
function outcomeOf(method: string, statusCode: number): string {
  if (method === 'GET') return statusCode === 200 ? 'url-check' : 'url-check-refused';
  return statusCode < 300 ? 'answered' : statusCode < 500 ? 'refused' : 'failed';
}

/**
 * WeChat's callback: GET is the URL check, POST a follower's message or event. It takes the app
 * itself rather than through appHandler: the clock for the answer starts before a cold start loads
 * its configuration. Every answer reports its latency (from that clock) and its outcome.
 */
export const handler = lambdaHandler(
  async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    const started = performance.now();
    const deadline = deadlineAfter(callbackDeadlineMs());
    const result = await answer(event, deadline);
    metric('CallbackLatency', Math.round(performance.now() - started), 'Milliseconds');
    metric('CallbackAnswers', 1, 'Count', { outcome: outcomeOf(event.requestContext.http.method, result.statusCode) });
    return result;
  },
  { boundary: callbackErrorBoundary() },
);
