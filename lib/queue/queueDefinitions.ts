import { readCloudFormationYaml } from '../store/cloudFormationYaml';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT_ID } from './queueUrl';

/** CloudFormation properties of AWS::SQS::Queue that are SQS queue attributes of the same name. */
const ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

export interface QueueDefinition {
  /** The resource's logical id in serverless.yml, e.g. `PayoutQueue`. */
  logicalId: string;
  name: string;
  /** CreateQueue attributes (strings), with a dead-letter ARN on the local account. */
  attributes: Record<string, string>;
}

type Doc = Record<string, unknown>;

/** A serverless.yml (or a file it includes), CloudFormation's short-form tags read as `{ Ref: … }`, `{ GetAtt: … }`. */
export function loadServerlessYaml(path: string): Doc {
  return readCloudFormationYaml(path) as Doc;
}

function lookup(doc: Doc, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Doc)[key] : undefined), doc);
}

/** Resolves the few variables queue names use: `${self:<path>}` and `${sls:stage}`. */
function resolveVars(doc: Doc, value: string, stage: string, depth = 0): string {
  if (depth > 10) throw new Error(`serverless.yml: variables nest too deep in ${value}`);
  return value.replace(/\$\{([^{}]+)\}/g, (_, ref: string) => {
    if (ref === 'sls:stage') return stage;
    if (ref.startsWith('self:')) {
      const found = lookup(doc, ref.slice(5));
      if (typeof found !== 'string') throw new Error(`serverless.yml: \${${ref}} is not a string`);
      return resolveVars(doc, found, stage, depth + 1);
    }
    throw new Error(`serverless.yml: \${${ref}} cannot be resolved for a local queue`);
  });
}

/**
 * Every AWS::SQS::Queue declared in serverless.yml, named as on `stage`, dead-letter queues before
 * the queues that redrive to them: the local stack creates exactly the queues CloudFormation deploys.
 */
export function readQueueDefinitions(opts: { stage: string; region: string; serverlessYml?: string }): QueueDefinition[] {
  const doc = loadServerlessYaml(opts.serverlessYml ?? 'serverless.yml');
  const resources = (lookup(doc, 'resources.Resources') ?? {}) as Record<string, { Type?: string; Properties?: Doc }>;
  const queues = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue');
  const nameOf = (logicalId: string): string => {
    const q = resources[logicalId];
    const name = q?.Properties?.QueueName;
    if (q?.Type !== 'AWS::SQS::Queue' || typeof name !== 'string') throw new Error(`serverless.yml: queue ${logicalId} needs a QueueName`);
    return resolveVars(doc, name, opts.stage);
  };
  const arnOf = (ref: unknown): string => {
    const att = (ref as { GetAtt?: unknown })?.GetAtt;
    const [logicalId, attr] = typeof att === 'string' ? att.split('.') : Array.isArray(att) ? att : [];
    if (typeof logicalId !== 'string' || attr !== 'Arn')
      throw new Error(`serverless.yml: a dead-letter target must be !GetAtt <Queue>.Arn, got ${JSON.stringify(ref)}`);
    return `arn:aws:sqs:${opts.region}:${LOCAL_ACCOUNT_ID}:${nameOf(logicalId)}`;
  };
  const defs = queues.map(([logicalId, r]): QueueDefinition & { deadLetters?: string } => {
    const p = r.Properties ?? {};
    const attributes: Record<string, string> = {};
    let deadLetters: string | undefined;
    for (const key of ATTRIBUTES) {
      const v = p[key];
      if (v === undefined) continue;
      if (key === 'RedrivePolicy') {
        const rp = v as { deadLetterTargetArn: unknown; maxReceiveCount: unknown };
        const arn = arnOf(rp.deadLetterTargetArn);
        deadLetters = arn.split(':').pop();
        attributes[key] = JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: Number(rp.maxReceiveCount) });
      } else attributes[key] = typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return { logicalId, name: nameOf(logicalId), attributes, deadLetters };
  });
  // Dead-letter queues first (SQS refuses a redrive policy to a queue that does not exist).
  const ordered: QueueDefinition[] = [];
  const visit = (d: (typeof defs)[number], seen: Set<string>) => {
    if (ordered.some((o) => o.name === d.name)) return;
    if (seen.has(d.name)) throw new Error(`serverless.yml: queues redrive in a circle at ${d.logicalId}`);
    seen.add(d.name);
    const target = defs.find((x) => x.name === d.deadLetters);
    if (d.deadLetters && !target) throw new Error(`serverless.yml: ${d.logicalId} redrives to an undeclared queue ${d.deadLetters}`);
    if (target) visit(target, seen);
    ordered.push({ logicalId: d.logicalId, name: d.name, attributes: d.attributes });
  };
  for (const d of defs) visit(d, new Set());
  return ordered;
}

/** Creates the queues on an SQS endpoint (the emulator), in order; an existing queue is kept. Returns name → URL. */
export async function ensureQueues(endpoint: string, defs: readonly QueueDefinition[], region: string): Promise<Record<string, string>> {
  const sqs = new SQSClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const urls: Record<string, string> = {};
    for (const d of defs) {
      const out = await sqs.send(new CreateQueueCommand({ QueueName: d.name, Attributes: d.attributes }));
      urls[d.name] = out.QueueUrl!;
    }
    return urls;
  } finally {
    sqs.destroy();
  }
}
