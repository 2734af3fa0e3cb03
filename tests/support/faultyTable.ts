import type { Table } from '../../lib/store/dynamo';

type Command = { constructor: { name: string }; input: Record<string, unknown> };

/** The error DynamoDB answers a throttled request with (after the SDK's own retries gave up). */
export function throttled(): Error {
  return Object.assign(new Error('Rate of requests exceeds the allowed throughput (injected)'), {
    name: 'ProvisionedThroughputExceededException',
    $fault: 'client',
  });
}

/**
 * The same table behind a document client that fails the requests `fails` picks (given the
 * command and its 1-based number among the requests made through this wrapper) with a throttling
 * error; every other request reaches DynamoDB Local unchanged. `hits` counts the injected failures.
 */
export function faultyTable(table: Table, fails: (command: Command, n: number) => boolean): Table & { requests: () => number; hits: () => number } {
  let requests = 0;
  let hits = 0;
  const doc = new Proxy(table.doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: Command) => {
        requests += 1;
        if (fails(command, requests)) {
          hits += 1;
          throw throttled();
        }
        return (target.send as (c: unknown) => Promise<unknown>)(command);
      };
    },
  });
  return { name: table.name, doc, requests: () => requests, hits: () => hits };
}
