import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { containerApp } from '../lib/app/containerApp';
import { conversationPorts } from '../lib/app/conversation';
import type { App } from '../lib/app/createApp';
import { callbackDeadlineMs, callbackSecrets } from '../lib/config/config';
import { deadlineAfter } from '../lib/deadline/deadline';
import { respondToFollower } from '../lib/conversation/respondToFollower';
import { callbackErrorBoundary } from '../lib/http/errorBoundary';
import { bodyBytes, bodyText, json, text, type HttpResult } from '../lib/http/response';
import { lambdaHandler } from '../lib/lambda/handler';
import { DEFAULT_LIMITS, openPush, sealReply, verifyUrlCheck } from '../lib/wechat/callback';
import { dynamoReplayRecord } from '../lib/wechat/dynamoReplayRecord';
import { checkReplay, REPLAY_CHECK_TIMEOUT_MS } from '../lib/wechat/replayRecord';

/** What the callback needs from the app, once per app. */
function buildCallback(app: App) {
  return { secrets: callbackSecrets(app.config), ports: conversationPorts(app), replays: dynamoReplayRecord(app.table) };
}

/**
 * WeChat's callback: GET is the URL check, POST a follower's message or event. It takes the app
 * itself rather than through appHandler: the clock for the answer starts before a cold start loads
 * its configuration.
 */
export const handler = lambdaHandler(
  async (event: APIGatewayProxyEventV2): Promise<HttpResult> => {
    const deadline = deadlineAfter(callbackDeadlineMs());
    const { secrets, ports, replays } = (await containerApp()).once(buildCallback);
    const query = event.queryStringParameters ?? {};
    const now = ports.clock.now();
    if (event.requestContext.http.method === 'GET') {
      const checked = verifyUrlCheck(query, secrets, now);
      return checked.ok ? text(200, checked.echostr) : json(checked.status, { error: checked.error });
    }
    if (event.requestContext.http.method !== 'POST') return json(405, { error: 'use GET or POST' });
    if (bodyBytes(event) > DEFAULT_LIMITS.maxBodyBytes) return json(413, { error: `body larger than ${DEFAULT_LIMITS.maxBodyBytes} bytes` });
    const opened = openPush(query, bodyText(event), secrets, now);
    if (!opened.ok) return json(opened.status, { error: opened.error });
    // A signed query is good for one push; WeChat's retries of that push go on to dedup. The check
    // never takes more than a slice of what is left of the deadline (and fails open past it).
    const timeoutMs = Math.max(0, Math.min(REPLAY_CHECK_TIMEOUT_MS, deadline.remainingMs() / 4));
    const replay = await checkReplay(replays, opened, { replayWindowSeconds: DEFAULT_LIMITS.replayWindowSeconds, timeoutMs });
    if (!replay.ok) return json(replay.status, { error: replay.error });
    const { xml } = await respondToFollower(opened.message, ports, deadline);
    const body = sealReply(xml, opened.mode, secrets, ports.clock.now());
    return body === 'success' ? text(200, 'success') : text(200, body, 'application/xml; charset=utf-8');
  },
  { boundary: callbackErrorBoundary() },
);
