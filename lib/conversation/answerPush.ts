import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Deadline } from '../deadline/deadline';
import { bodyBytes, bodyText, json, text, type HttpResult } from '../http/response';
import { DEFAULT_LIMITS, openPush, sealReply, type CallbackSecrets } from '../wechat/callback';
import { checkReplay, REPLAY_CHECK_TIMEOUT_MS, type ReplayRecord } from '../wechat/replayRecord';
import { respondToFollower, type ConversationPorts } from './respondToFollower';

export interface CallbackPorts {
  secrets: CallbackSecrets;
  ports: ConversationPorts;
  replays: ReplayRecord;
}

/**
 * A push (the callback's POST): its size, signature and decryption, the replay check, the follower's
 * answer, sealed in the push's mode, all by `deadline` (handlers/wechat.ts; the benchmark runs it
 * with in-memory ports).
 */
export async function answerPush(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'queryStringParameters'>,
  { secrets, ports, replays }: CallbackPorts,
  deadline: Deadline,
): Promise<HttpResult> {
  if (bodyBytes(event) > DEFAULT_LIMITS.maxBodyBytes) return json(413, { error: `body larger than ${DEFAULT_LIMITS.maxBodyBytes} bytes` });
  const opened = openPush(event.queryStringParameters ?? {}, bodyText(event), secrets, ports.clock.now());
  if (!opened.ok) return json(opened.status, { error: opened.error });
  // A signed query is good for one push; WeChat's retries of that push go on to dedup. The check
  // never takes more than a slice of what is left of the deadline (and fails open past it).
  const timeoutMs = Math.max(0, Math.min(REPLAY_CHECK_TIMEOUT_MS, deadline.remainingMs() / 4));
  const replay = await checkReplay(replays, opened, { replayWindowSeconds: DEFAULT_LIMITS.replayWindowSeconds, timeoutMs });
  if (!replay.ok) return json(replay.status, { error: replay.error });
  const { xml } = await respondToFollower(opened.message, ports, deadline);
  const body = sealReply(xml, opened.mode, secrets, ports.clock.now());
  return body === 'success' ? text(200, 'success') : text(200, body, 'application/xml; charset=utf-8');
}
