import type { Failure, FailureKind, MaybeNew, Result } from '../result';
import { json, type HttpResult } from './response';

/** The one place where a failure's kind becomes an HTTP status. */
const STATUS_OF_FAILURE: Readonly<Record<FailureKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-many-requests': 429,
  upstream: 502,
  unavailable: 503,
};

/** `{ error: message, ...details }` with the kind's status; `retry-after` when the failure says when. */
export function failureResponse(failure: Failure): HttpResult {
  const headers: Record<string, string> = failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
  return json(STATUS_OF_FAILURE[failure.kind], { error: failure.message, ...failure.details }, headers);
}

/** Successful answers, named for what they say. */
export const okResponse = (body: unknown, headers: Record<string, string> = {}): HttpResult => json(200, body, headers);
export const createdResponse = (body: unknown): HttpResult => json(201, body);
export const acceptedResponse = (body: unknown): HttpResult => json(202, body);
export const noContentResponse = (): HttpResult => ({ statusCode: 204, body: '' });

/** A use case's result as an HTTP answer: the value through `onOk` (200 with the value by default), a failure by its kind. */
export function respond<T>(result: Result<T>, onOk: (value: T) => HttpResult = okResponse): HttpResult {
  return result.ok ? onOk(result.value) : failureResponse(result.error);
}

/** 201 when the use case made something now, 200 when an earlier identical request had. */
export const createdIfNew = <T>({ isNew, answer }: MaybeNew<T>): HttpResult => (isNew ? createdResponse(answer) : okResponse(answer));
