/** The account id local-aws-sqs is started with (npm start, tests): queue URLs and ARNs use it. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** The emulator's URL of a queue: `<SQS_ENDPOINT>/000000000000/<name>`. */
export function localQueueUrl(endpoint: string, name: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${LOCAL_ACCOUNT_ID}/${name}`;
}

/**
 * Where a queue is, from the environment serverless.yml sets for queue `<PREFIX>`:
 * - `<PREFIX>_QUEUE_URL` when it is an http(s) URL: in AWS it is set from `!Ref <Queue>` at deploy
 *   (tests may point it at a queue of their own);
 * - else `<PREFIX>_QUEUE_NAME` on the emulator at SQS_ENDPOINT (npm start: serverless-offline leaves
 *   `!Ref` unresolved, so the URL is built from the endpoint, account 000000000000 and the name);
 * - else undefined: no queue is configured, and sending to it fails (lib/app/createApp.ts).
 */
export function queueUrlFor(prefix: string, env: NodeJS.ProcessEnv): string | undefined {
  const url = env[`${prefix}_QUEUE_URL`];
  if (url && /^https?:\/\//.test(url)) return url;
  const name = env[`${prefix}_QUEUE_NAME`];
  const endpoint = env.SQS_ENDPOINT;
  if (name && endpoint) return localQueueUrl(endpoint, name);
  return undefined;
}
