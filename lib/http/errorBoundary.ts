import type { MiddlewareObj } from '@middy/core';
import { describeError, log } from '../observability/log';
import { json, text } from './response';

/**
 * The last line of defence of every HTTP handler: whatever escapes becomes a 500 with a JSON body
 * and a request id, the details go to the log, and no stack trace reaches the client. `headers`
 * go on that answer too (the console's security headers).
 */
export function errorBoundary(headers: Readonly<Record<string, string>> = {}): MiddlewareObj {
  return {
    onError: async (request) => {
      const requestId = (request.context as { awsRequestId?: string } | undefined)?.awsRequestId ?? 'local';
      log.error('unhandled error', { requestId, ...describeError(request.error) });
      request.response = json(500, { error: 'internal error', requestId }, { ...headers });
    },
  };
}

/**
 * The WeChat callback's last line of defence: WeChat shows a follower 该公众号暂时无法提供服务 for any
 * answer that is not a 200, so whatever escapes (a cold start that cannot load its configuration, a
 * bug) is answered with `success` (the follower sees nothing) and logged.
 */
export function callbackErrorBoundary(): MiddlewareObj {
  return {
    onError: async (request) => {
      const requestId = (request.context as { awsRequestId?: string } | undefined)?.awsRequestId ?? 'local';
      log.error('unhandled error in the callback; answered success', { requestId, ...describeError(request.error) });
      request.response = text(200, 'success');
    },
  };
}
