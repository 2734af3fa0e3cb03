import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fault-injecting HTTP proxy in front of DynamoDB Local, so the real SDK (its timeouts, retries and
 * aborts) meets a slow, throttling, failing or vanished DynamoDB. Point the code under test at `url`;
 * requests are forwarded to the real DynamoDB Local unless a fault says otherwise.
 *
 * - `delay`: forwarded after `delayMs` (a slow DynamoDB: the write lands late).
 * - `throttle` / `provisioned`: answered 400 ThrottlingException / ProvisionedThroughputExceededException, not forwarded.
 * - `error500`: answered 500 InternalServerError, not forwarded.
 * - `drop`: the connection is destroyed, not forwarded.
 * - `hang`: never answered, not forwarded (a paused DynamoDB); the client has to give up.
 * - `lose-answer`: forwarded (the write lands), then the connection is destroyed: the answer is lost.
 * - `slow-answer`: forwarded (the write lands), answered after `delayMs`.
 *
 * `down()` closes the port (connections refused: DynamoDB is gone) until `up()`.
 */
export const DYNAMO_FAULT_KINDS = ['delay', 'throttle', 'provisioned', 'error500', 'drop', 'hang', 'lose-answer', 'slow-answer'] as const;
export type DynamoFaultKind = (typeof DYNAMO_FAULT_KINDS)[number];

export interface DynamoFault {
  kind: DynamoFaultKind;
  /** DynamoDB operations it hits (`PutItem`, `TransactWriteItems`, …); every operation when absent. */
  operations?: string[];
  /** Only requests whose JSON body contains this text (a key prefix such as `DEDUP#`, an openid). */
  bodyIncludes?: string;
  /** How many matching requests it hits; every one until `clear()` when absent. */
  times?: number;
  /** For delay and slow-answer. */
  delayMs?: number;
}

export interface ProxiedRequest {
  operation: string;
  fault?: DynamoFaultKind;
}

export interface DynamoFaultProxy {
  url: string;
  inject(fault: DynamoFault): void;
  /** Removes every fault (requests already hanging are left to their clients' timeouts). */
  clear(): void;
  /** Every request seen, in order, with the fault it met. */
  readonly requests: readonly ProxiedRequest[];
  /** The requests seen from index `from` on whose JSON body contains `text` (e.g. `DEDUP#`: the dedup claims, not the replay record). */
  requestsWith(text: string, from?: number): ProxiedRequest[];
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const ERRORS = {
  throttle: { status: 400, type: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
  provisioned: {
    status: 400,
    type: 'ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
  },
  error500: { status: 500, type: 'InternalServerError', message: 'Internal server error' },
} as const;

export async function startDynamoFaultProxy(target: string): Promise<DynamoFaultProxy> {
  const upstream = new URL(target);
  const faults: (DynamoFault & { left: number })[] = [];
  const requests: ProxiedRequest[] = [];
  const bodies: string[] = [];
  const sockets = new Set<Socket>();

  function take(operation: string, body: string): DynamoFault | undefined {
    const i = faults.findIndex((f) => (!f.operations || f.operations.includes(operation)) && (f.bodyIncludes === undefined || body.includes(f.bodyIncludes)));
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (--f.left <= 0) faults.splice(i, 1);
    return f;
  }

  function forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }

  const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const fault = take(operation, body.toString('utf8'));
    requests.push({ operation, ...(fault ? { fault: fault.kind } : {}) });
    bodies.push(body.toString('utf8'));
    switch (fault?.kind) {
      case 'hang':
        return;
      case 'drop':
        return void req.socket.destroy();
      case 'throttle':
      case 'provisioned':
      case 'error500': {
        const e = ERRORS[fault.kind];
        res.writeHead(e.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': `fault-${requests.length}` });
        return void res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${e.type}`, message: e.message }));
      }
      case 'delay':
        await later(fault.delayMs ?? 1000);
        break;
    }
    let answer: Awaited<ReturnType<typeof forward>>;
    try {
      answer = await forward(req, body);
    } catch {
      return void req.socket.destroy();
    }
    if (fault?.kind === 'lose-answer') return void req.socket.destroy();
    if (fault?.kind === 'slow-answer') await later(fault.delayMs ?? 1000);
    if (res.destroyed) return;
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let listening = true;

  async function stopListening(): Promise<void> {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
    await closed;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    inject(fault) {
      if (!DYNAMO_FAULT_KINDS.includes(fault.kind)) throw new Error(`unknown fault kind ${fault.kind}`);
      faults.push({ ...fault, left: fault.times ?? Infinity });
    },
    clear() {
      faults.length = 0;
    },
    requests,
    requestsWith: (text, from = 0) => requests.slice(from).filter((_, i) => bodies[from + i]!.includes(text)),
    down: stopListening,
    async up() {
      if (listening) return;
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
      listening = true;
    },
    close: stopListening,
  };
}
