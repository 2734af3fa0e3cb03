import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SECRET_NAMES } from '../lib/config/secrets';
import { handlerReach, type HandlerReach } from './support/handlerReach';
import {
  actionsOf,
  type CfnResource,
  type CfnTemplate,
  packageTemplate,
  referenced,
  resourcesOf,
  resourcesOfType,
  roleStatements,
  type Statement,
} from './support/packagedTemplate';

// The template a prod deploy would send to CloudFormation, packaged from a shell that has every
// secret set: none of them may reach it, and every function gets a role with only what its code uses.
const STAGE = 'prod';
const PLANTED: Record<string, string> = Object.fromEntries(SECRET_NAMES.map((name) => [name, `should-not-leak-${name.toLowerCase()}`]));

/** Names that say "secret", whatever the list above holds. */
const SECRET_NAME = /SECRET|PASSWORD|PRIVATE|CREDENTIAL|APIV3|CERT|(^|_)(TOKEN|KEY|KEYS)$/;
/** Values that look like key material: PEM, or a long unbroken base64/hex run. */
const SECRET_VALUE = /-----BEGIN|^[A-Za-z0-9+/=_-]{32,}$/;

/** The app's queues (lib/app/createApp.ts) → the queue resources they are. */
const QUEUE_RESOURCES: Record<string, string> = { payouts: 'PayoutQueue', sendChunks: 'SendQueue', roundClose: 'RoundCloseQueue', importJobs: 'ImportQueue' };
const PAY_KEYS = SECRET_NAMES.filter((n) => n.startsWith('WECHATPAY_'));

interface Fn {
  name: string;
  logicalId: string;
  handler: string;
  env: Record<string, unknown>;
  roleId: string;
  statements: Statement[];
  reach: HandlerReach;
}

let template: CfnTemplate;
/** The same stack with the opt-in parts on: fixed egress and the alarm email. */
let optedIn: CfnTemplate;
let functions: Fn[];
let packagingMs: number;
const ALARM_EMAIL = 'ops@example.com';
const EGRESS_FUNCTIONS = ['admin', 'payout', 'reconcilePayouts', 'tokenRefresh'];

before(async () => {
  // One after the other: both bundle into the service's .esbuild directory.
  const packaged = await packageTemplate({ stage: STAGE, env: { ...PLANTED, WECHATPAY_SANDBOX_KEYS: 'true' } });
  optedIn = (await packageTemplate({ stage: STAGE, env: PLANTED, params: { fixedEgress: 'true', alarmEmail: ALARM_EMAIL } })).template;
  template = packaged.template;
  packagingMs = packaged.ms;
  const lambdas = resourcesOfType(template, 'AWS::Lambda::Function');
  const reach = await handlerReach(lambdas.map(([, r]) => String(r.Properties!.Handler).split('.')[0]!));
  functions = lambdas.map(([logicalId, r]) => {
    const p = r.Properties as { FunctionName: string; Handler: string; Role: unknown; Environment?: { Variables?: Record<string, unknown> } };
    const roleId = referenced(p.Role)!;
    const role = template.Resources[roleId];
    assert.ok(role, `${logicalId}: its role ${roleId} is in the template`);
    return {
      name: p.FunctionName.replace(`wechat-oa-crm-${STAGE}-`, ''),
      logicalId,
      handler: p.Handler,
      env: p.Environment?.Variables ?? {},
      roleId,
      statements: roleStatements(role as CfnResource),
      reach: reach[p.Handler.split('.')[0]!]!,
    };
  });
});

const fn = (name: string): Fn => {
  const found = functions.find((f) => f.name === name);
  assert.ok(found, `function ${name}`);
  return found;
};
const statementsFor = (f: Fn, action: string) => f.statements.filter((s) => actionsOf(s).includes(action));
const ssmNames = (f: Fn): string[] =>
  statementsFor(f, 'ssm:GetParameters')
    .flatMap(resourcesOf)
    .map(
      (r) =>
        String((r as { 'Fn::Sub': string })['Fn::Sub'])
          .split('/')
          .pop()!,
    )
    .sort();

test('every function has a role of its own', (t) => {
  assert.equal(functions.length, 14);
  assert.equal(new Set(functions.map((f) => f.roleId)).size, functions.length, 'no role serves two functions');
  const roles = resourcesOfType(template, 'AWS::IAM::Role').map(([id]) => id);
  assert.deepEqual(roles.sort(), functions.map((f) => f.roleId).sort(), "the roles are the functions' and no others (no shared default role)");
  t.diagnostic(`packaging (serverless package, esbuild for ${functions.length} functions): ${(packagingMs / 1000).toFixed(1)} s`);
  t.diagnostic(`statements per role: ${functions.map((f) => `${f.name} ${f.statements.length}`).join(', ')}`);
  t.diagnostic(`SSM parameters per function: ${functions.map((f) => `${f.name} ${ssmNames(f).length}`).join(', ')}`);
});

test('no secret reaches the template, even with every secret set in the deploying shell', () => {
  const text = JSON.stringify(template);
  for (const [name, value] of Object.entries(PLANTED)) assert.ok(!text.includes(value), `${name}'s value is not in the template`);
  for (const f of functions) {
    for (const [name, value] of Object.entries(f.env)) {
      assert.doesNotMatch(name, SECRET_NAME, `${f.name}: ${name} is not a secret's name`);
      if (typeof value === 'string') assert.doesNotMatch(value, SECRET_VALUE, `${f.name}: ${name} does not hold key material`);
    }
    // The local stack's sandbox keys never reach AWS, whatever the shell says.
    assert.equal(f.env.WECHATPAY_SANDBOX_KEYS, undefined, `${f.name}: no sandbox keys`);
  }
});

/** No `*` action anywhere; `*` resources only for the network interfaces of VPC functions; wildcards in ARNs only for families. */
function assertNoWildcards(t: CfnTemplate): void {
  for (const [roleId, role] of resourcesOfType(t, 'AWS::IAM::Role')) {
    assert.deepEqual(role.Properties?.ManagedPolicyArns ?? [], [], `${roleId}: no managed policy (their rights are not ours to narrow)`);
    for (const s of roleStatements(role)) {
      assert.equal(s.Effect, 'Allow');
      const service = actionsOf(s)[0]!.split(':')[0];
      for (const a of actionsOf(s)) assert.ok(!a.includes('*'), `${roleId}: ${a} names its action`);
      for (const r of resourcesOf(s)) {
        // EC2 takes no narrower resource for the Describe calls Lambda makes to attach a function to its subnets.
        if (r === '*') {
          for (const a of actionsOf(s))
            assert.match(a, /^ec2:\w+(NetworkInterfaces?|Subnets|PrivateIpAddresses)$/, `${roleId}: only network interface actions are on every resource`);
          continue;
        }
        // Wildcards inside an ARN only where the resource is a family: a log group's streams, the
        // table's indexes, and the KMS key of the SecureStrings, usable only through SSM.
        const text = JSON.stringify(r);
        if (!text.includes('*')) continue;
        if (service === 'logs') assert.match(text, /log-group:\/aws\/lambda\/wechat-oa-crm-prod-\w+:\*:\*/);
        else if (service === 'dynamodb') assert.match(text, /"\/index\/\*"/);
        else if (service === 'kms') assert.deepEqual(Object.keys(s.Condition?.StringEquals ?? {}), ['kms:ViaService'], `${roleId}: KMS only through SSM`);
        else assert.fail(`${roleId}: ${text} has a wildcard`);
      }
    }
  }
}

test('no statement allows every action or every resource, with or without the fixed egress', () => {
  assertNoWildcards(template);
  assertNoWildcards(optedIn);
  const vpcRoles = resourcesOfType(optedIn, 'AWS::IAM::Role').filter(([, r]) => roleStatements(r).some((s) => s.Resource === '*'));
  assert.equal(vpcRoles.length, EGRESS_FUNCTIONS.length, 'the network interface statement only for the VPC functions');
  assert.ok(!resourcesOfType(template, 'AWS::IAM::Role').some(([, r]) => roleStatements(r).some((s) => s.Resource === '*')));
});

test('DynamoDB: each function may call exactly the actions its code can reach, on the table', () => {
  for (const f of functions) {
    const granted = f.statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
    assert.deepEqual(granted.flatMap(actionsOf).sort(), f.reach.dynamodb, `${f.handler}: DynamoDB actions`);
    for (const s of granted)
      assert.ok(
        resourcesOf(s).every((r) => JSON.stringify(r).includes('"Table"')),
        `${f.name}: only the table`,
      );
  }
  // Read off the bundles: the callback never writes in batches, the token refresher only gets and puts its token.
  assert.ok(!fn('wechat').reach.dynamodb.includes('dynamodb:BatchWriteItem'));
  assert.deepEqual(fn('tokenRefresh').reach.dynamodb, ['dynamodb:GetItem', 'dynamodb:PutItem']);
});

test('SQS and Lambda: sends only to the queues a function uses, the token refresher invoked only by WeChat API callers', () => {
  const refresher = `function:wechat-oa-crm-${STAGE}-tokenRefresh"}`;
  for (const f of functions) {
    const sends = statementsFor(f, 'sqs:SendMessage').flatMap(resourcesOf).map(referenced).sort();
    assert.deepEqual(sends, f.reach.queues.map((q) => QUEUE_RESOURCES[q]).sort(), `${f.name}: queues it sends to`);
    const invokes = statementsFor(f, 'lambda:InvokeFunction').flatMap(resourcesOf);
    assert.equal(invokes.length, f.reach.wechatApi ? 1 : 0, `${f.name}: invokes the refresher only if it calls the WeChat API`);
    for (const r of invokes) assert.ok(JSON.stringify(r).endsWith(refresher), `${f.name}: only the refresher`);
    // Every other SQS right is the event source's on the function's own queue.
    for (const s of f.statements.filter((x) => actionsOf(x).some((a) => a.startsWith('sqs:') && a !== 'sqs:SendMessage'))) {
      assert.deepEqual(actionsOf(s).sort(), ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage']);
    }
  }
  assert.deepEqual(fn('tokenRefresh').reach.wechatApi, false, 'the refresher fetches tokens itself');
});

test('SSM: each function reads only the parameters it lists; the callback cannot read the WeChat Pay keys', () => {
  for (const f of functions) {
    const listed = String(f.env.SSM_PARAMETER_NAMES ?? '')
      .split(',')
      .filter(Boolean)
      .sort();
    assert.deepEqual(ssmNames(f), listed, `${f.name}: GetParameters on exactly SSM_PARAMETER_NAMES`);
    for (const name of listed) assert.ok((SECRET_NAMES as readonly string[]).includes(name), `${f.name}: ${name} is a known secret`);
    for (const r of statementsFor(f, 'ssm:GetParameters').flatMap(resourcesOf))
      assert.match(String((r as { 'Fn::Sub': string })['Fn::Sub']), new RegExp(`:parameter/wechat-oa-crm/${STAGE}/[A-Z0-9_]+$`));
    assert.equal(statementsFor(f, 'kms:Decrypt').length, listed.length ? 1 : 0, `${f.name}: decrypts only if it reads SecureStrings`);
    assert.ok(!f.statements.some((s) => actionsOf(s).some((a) => a.startsWith('ssm:') && a !== 'ssm:GetParameters')), `${f.name}: no path reads`);
  }
  assert.deepEqual(ssmNames(fn('wechat')), ['WECHAT_ENCODING_AES_KEY', 'WECHAT_PREVIOUS_ENCODING_AES_KEY', 'WECHAT_TOKEN']);
  assert.deepEqual(ssmNames(fn('tokenRefresh')), ['WECHAT_APPSECRET']);
  const withPayKeys = functions.filter((f) => ssmNames(f).some((n) => n.startsWith('WECHATPAY_'))).map((f) => f.name);
  assert.deepEqual(withPayKeys.sort(), ['admin', 'payNotify', 'payout', 'reconcilePayouts']);
  for (const name of withPayKeys)
    assert.deepEqual(
      ssmNames(fn(name)).filter((n) => n.startsWith('WECHATPAY_')),
      [...PAY_KEYS].sort(),
    );
  const withAppSecret = functions.filter((f) => ssmNames(f).includes('WECHAT_APPSECRET')).map((f) => f.name);
  assert.deepEqual(withAppSecret, ['tokenRefresh'], 'only the refresher holds the AppSecret');
});

test('the console function can read nothing but its files (and write its logs)', () => {
  const console = fn('console');
  assert.deepEqual(console.reach, { ...console.reach, dynamodb: [], queues: [], wechatApi: false });
  assert.deepEqual(console.statements.flatMap(actionsOf).sort(), ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
  assert.equal(console.env.SSM_PARAMETER_NAMES, undefined);
});

test("every role is its function's own: its services, its log group, Cognito only for admin", () => {
  const services = new Set(['logs', 'dynamodb', 'sqs', 'ssm', 'kms', 'lambda', 'cognito-idp']);
  assert.ok(
    functions.every((f) => !f.statements.some((s) => actionsOf(s).some((a) => a.startsWith('ec2:')))),
    'no EC2 rights without the VPC',
  );
  for (const f of functions) {
    for (const s of f.statements) for (const a of actionsOf(s)) assert.ok(services.has(a.split(':')[0]!), `${f.name}: ${a}`);
    const logs = f.statements.filter((s) => actionsOf(s).includes('logs:PutLogEvents')).flatMap(resourcesOf);
    assert.ok(
      logs.every((r) => JSON.stringify(r).includes(`/aws/lambda/wechat-oa-crm-${STAGE}-${f.name}:`)),
      `${f.name}: writes only its own logs`,
    );
    if (f.name !== 'admin') assert.ok(!f.statements.some((s) => actionsOf(s).some((a) => a.startsWith('cognito-idp:'))), `${f.name}: no Cognito`);
  }
});

const alarms = (t: CfnTemplate) => resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([id, r]) => ({ id, p: r.Properties as Record<string, unknown> }));
const dimension = (p: Record<string, unknown>, name: string) =>
  ((p.Dimensions ?? []) as { Name: string; Value: unknown }[]).find((d) => d.Name === name)?.Value;

test("alarms: every dead-letter queue, every function's errors and throttles, all sent to the alarm topic", (t) => {
  const all = alarms(template);
  for (const { id, p } of all) assert.deepEqual(p.AlarmActions, [{ Ref: 'AlarmTopic' }], `${id} goes to the topic`);
  assert.equal(template.Resources.AlarmTopic?.Type, 'AWS::SNS::Topic');

  // A dead-letter queue is any queue another one redrives to.
  const deadLetters = resourcesOfType(template, 'AWS::SQS::Queue')
    .map(([, r]) => referenced((r.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn))
    .filter((id): id is string => !!id);
  assert.equal(deadLetters.length, 4);
  for (const dlq of deadLetters) {
    const on = all.filter(({ p }) => referenced(dimension(p, 'QueueName')) === dlq);
    assert.equal(on.length, 1, `${dlq} has an alarm`);
    const p = on[0]!.p;
    assert.equal(p.MetricName, 'ApproximateNumberOfMessagesVisible');
    assert.ok(Number(p.Threshold) <= 1 && p.ComparisonOperator === 'GreaterThanOrEqualToThreshold', `${dlq}: one message is enough`);
  }

  for (const f of functions) {
    const on = all.filter(({ p }) => referenced(dimension(p, 'FunctionName')) === f.logicalId && p.Namespace === 'AWS/Lambda');
    assert.deepEqual(
      on
        .map(({ p }) => p.MetricName)
        .filter((m) => m !== 'Duration')
        .sort(),
      ['Errors', 'Throttles'],
      `${f.name}: errors and throttles`,
    );
  }

  const p99 = all.find(({ p }) => p.ExtendedStatistic === 'p99')!.p;
  assert.equal(referenced(dimension(p99, 'FunctionName')), 'WechatLambdaFunction');
  assert.deepEqual([p99.MetricName, p99.Threshold, p99.ComparisonOperator], ['Duration', 3000, 'GreaterThanThreshold']);

  const app = (metric: string) => all.find(({ p }) => p.MetricName === metric)?.p;
  assert.deepEqual([app('OldestHeldPayoutAgeSeconds')?.Threshold, app('OldestHeldPayoutAgeSeconds')?.Namespace], [3600, 'wechat-oa-crm']);
  assert.equal(dimension(app('OldestHeldPayoutAgeSeconds')!, 'service'), `wechat-oa-crm-${STAGE}`);
  assert.equal(dimension(app('TokenRefreshFailed')!, 'service'), `wechat-oa-crm-${STAGE}`);
  assert.ok(app('PayCallbackMismatch'), 'the pay callback mismatch alarm');

  assert.equal(resourcesOfType(template, 'AWS::SNS::Subscription').length, 0, 'no subscription without an address');
  const subscriptions = resourcesOfType(optedIn, 'AWS::SNS::Subscription').map(([, r]) => r.Properties);
  assert.deepEqual(subscriptions, [{ TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: ALARM_EMAIL }]);
  t.diagnostic(
    `alarms: ${all.length} (${functions.length} functions × errors + throttles, ${deadLetters.length} dead-letter queues, callback p99, payouts held, token refresh, pay callback mismatch)`,
  );
});

test('fixed egress off: not one VPC resource; on: two private subnets behind a NAT gateway with an Elastic IP, the IP as an output', () => {
  const ec2 = (t: CfnTemplate) => Object.entries(t.Resources).filter(([, r]) => r.Type.startsWith('AWS::EC2::'));
  const vpcFunctions = (t: CfnTemplate) =>
    resourcesOfType(t, 'AWS::Lambda::Function')
      .filter(([, r]) => r.Properties?.VpcConfig)
      .map(([, r]) => String(r.Properties!.FunctionName).replace(`wechat-oa-crm-${STAGE}-`, ''));
  assert.deepEqual(ec2(template), []);
  assert.deepEqual(vpcFunctions(template), []);
  assert.equal(template.Outputs?.EgressIp, undefined);

  const on = optedIn.Resources;
  const ofType = (type: string) => resourcesOfType(optedIn, type);
  assert.equal(ofType('AWS::EC2::VPC').length, 1);
  assert.equal(ofType('AWS::EC2::NatGateway').length, 1);
  const [eipId] = ofType('AWS::EC2::EIP').map(([id]) => id);
  const nat = ofType('AWS::EC2::NatGateway')[0]![1].Properties!;
  assert.equal(referenced(nat.AllocationId), eipId, 'the NAT gateway sends from the Elastic IP');
  assert.deepEqual(optedIn.Outputs?.EgressIp?.Value, { Ref: eipId });

  // The NAT gateway sits in a subnet routed to the internet gateway; the functions' subnets route everything to the NAT gateway.
  const routes = ofType('AWS::EC2::Route').map(([, r]) => r.Properties!);
  const associations = ofType('AWS::EC2::SubnetRouteTableAssociation').map(([, r]) => r.Properties!);
  const routeOf = (subnet: string) => {
    const table = referenced(associations.find((a) => referenced(a.SubnetId) === subnet)?.RouteTableId);
    return routes.find((r) => referenced(r.RouteTableId) === table && r.DestinationCidrBlock === '0.0.0.0/0');
  };
  assert.equal(on[String(referenced(routeOf(String(referenced(nat.SubnetId)))?.GatewayId))]?.Type, 'AWS::EC2::InternetGateway');

  assert.deepEqual(vpcFunctions(optedIn).sort(), EGRESS_FUNCTIONS);
  const subnets = new Set<string>();
  for (const [, r] of resourcesOfType(optedIn, 'AWS::Lambda::Function').filter(([, r]) => r.Properties?.VpcConfig)) {
    const ids = ((r.Properties!.VpcConfig as { SubnetIds: unknown[] }).SubnetIds ?? []).map((x) => referenced(x)!);
    assert.equal(ids.length, 2);
    for (const id of ids) subnets.add(id);
  }
  assert.equal(subnets.size, 2, 'two private subnets');
  const zones = [...subnets].map((id) => JSON.stringify(on[id]!.Properties!.AvailabilityZone));
  assert.notEqual(zones[0], zones[1], 'in two availability zones');
  for (const id of subnets) assert.equal(referenced(routeOf(id)?.NatGatewayId), ofType('AWS::EC2::NatGateway')[0]![0], `${id} leaves through the NAT gateway`);
});
