import { resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** What a handler's code can reach, read from its bundle: the AWS calls its IAM role must allow. */
export interface HandlerReach {
  /** DynamoDB IAM actions (`dynamodb:GetItem`, …) on the table. */
  dynamodb: string[];
  /** The app's queues it sends to (`payouts`, `sendChunks`, `roundClose`, `importJobs`). */
  queues: string[];
  /** Whether it calls the WeChat API through the app's client, which invokes the token refresher after a 40001. */
  wechatApi: boolean;
  /** Bundle size, unminified (for the report only). */
  bytes: number;
}

/** lib-dynamodb command → the IAM action it needs. */
const COMMAND_ACTIONS: Record<string, string> = {
  Get: 'dynamodb:GetItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  Query: 'dynamodb:Query',
  Scan: 'dynamodb:Scan',
  BatchGet: 'dynamodb:BatchGetItem',
  BatchWrite: 'dynamodb:BatchWriteItem',
  TransactGet: 'dynamodb:GetItem',
};

/**
 * TransactWriteItems is not an IAM action of its own: each item is authorised as the action it
 * stands for (AWS, "Using IAM with DynamoDB transactions").
 */
const TRANSACTION_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** The bundle's code from our own modules (esbuild marks each module with a `// <path>` line), not the SDK's. */
function ownCode(bundle: string): string {
  const parts = bundle.split(/^\/\/ (\S+)$/m);
  let own = '';
  for (let i = 1; i < parts.length; i += 2) if (!parts[i]!.includes('node_modules/')) own += parts[i + 1];
  return own;
}

function reachOf(bundle: string): HandlerReach {
  const text = ownCode(bundle);
  const actions = new Set<string>();
  let transacts = false;
  for (const m of text.matchAll(/\bimport_lib_dynamodb\d*\.(\w+)Command\b/g)) {
    const name = m[1]!;
    if (name === 'TransactWrite') transacts = true;
    else if (COMMAND_ACTIONS[name]) actions.add(COMMAND_ACTIONS[name]);
    else throw new Error(`handlerReach: no IAM action known for ${name}Command`);
  }
  // A transaction's items, as the use cases write them (`{ Delete: { Key: … } }`); lib/table/transaction.ts's
  // own generic `{ Delete: { ...w.Delete` does not count.
  if (transacts) for (const m of text.matchAll(/\b(Put|Update|Delete|ConditionCheck): \{\s*(Key|Item)\b/g)) actions.add(TRANSACTION_ITEM_ACTIONS[m[1]!]!);
  const queues = new Set([...text.matchAll(/\bapp\d*\.queues\.(\w+)/g)].map((m) => m[1]!));
  return { dynamodb: [...actions].sort(), queues: [...queues].sort(), wechatApi: /\bapp\d*\.wechatApi\b/.test(text), bytes: bundle.length };
}

/**
 * Every handler bundled as serverless-esbuild bundles it (same externals), unminified so the calls
 * keep their names; tree shaking leaves what the handler can reach. Keyed by handler file
 * (`handlers/wechat`).
 */
export async function handlerReach(handlerFiles: string[]): Promise<Record<string, HandlerReach>> {
  const out = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(handlerFiles.map((f) => [f, `${f}.ts`])),
    outdir: 'out',
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    external: ['@aws-sdk/client-ssm', '@aws-sdk/client-lambda', '@aws-sdk/client-sqs'],
    logLevel: 'error',
  });
  const reach: Record<string, HandlerReach> = {};
  for (const file of out.outputFiles) {
    const key = file.path.slice(resolve(ROOT, 'out').length + 1).replace(/\.js$/, '');
    reach[key] = reachOf(file.text);
  }
  return reach;
}
