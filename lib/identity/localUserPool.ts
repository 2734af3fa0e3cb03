import {
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { readCloudFormationYaml } from '../store/cloudFormationYaml';
import { cognitoClient } from './cognitoClient';

type Resource = { Type?: string; Properties?: Record<string, unknown> };

/** Properties of AWS::Cognito::UserPool / UserPoolClient that cognito-local takes as they are. */
const POOL_KEYS = ['UsernameAttributes', 'AutoVerifiedAttributes', 'AdminCreateUserConfig', 'Policies', 'MfaConfiguration'] as const;
const CLIENT_KEYS = [
  'ClientName',
  'GenerateSecret',
  'ExplicitAuthFlows',
  'PreventUserExistenceErrors',
  'EnableTokenRevocation',
  'IdTokenValidity',
  'AccessTokenValidity',
  'RefreshTokenValidity',
  'TokenValidityUnits',
] as const;

const pick = (props: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((k) => props[k] !== undefined).map((k) => [k, props[k]]));

export interface UserPoolDefinition {
  pool: Omit<CreateUserPoolCommandInput, 'PoolName'>;
  client: Omit<CreateUserPoolClientCommandInput, 'UserPoolId'> & { ClientName: string };
  groups: { GroupName: string; Description?: string }[];
}

/** The user pool, its app client and its groups as serverless.yml declares them for AWS. */
export function readUserPoolDefinition(serverlessYml = 'serverless.yml'): UserPoolDefinition {
  const doc = readCloudFormationYaml(serverlessYml) as { resources?: { Resources?: Record<string, Resource> } };
  const resources = Object.values(doc.resources?.Resources ?? {});
  const one = (type: string) => {
    const found = resources.filter((r) => r.Type === type);
    if (found.length !== 1) throw new Error(`serverless.yml: expected one ${type}, found ${found.length}`);
    return found[0]!.Properties ?? {};
  };
  const client = pick(one('AWS::Cognito::UserPoolClient'), CLIENT_KEYS) as UserPoolDefinition['client'];
  const groups = resources
    .filter((r) => r.Type === 'AWS::Cognito::UserPoolGroup')
    .map((r) => ({ GroupName: String(r.Properties?.GroupName), Description: r.Properties?.Description as string | undefined }));
  return { pool: pick(one('AWS::Cognito::UserPool'), POOL_KEYS), client, groups };
}

/**
 * The pool named `poolName` on cognito-local, with serverless.yml's client and groups: made when
 * missing, kept when there (`npm start` keeps its people across restarts). Returns the ids to hand
 * to the handlers as COGNITO_USER_POOL_ID and COGNITO_CLIENT_ID.
 */
export async function ensureLocalUserPool(opts: {
  endpoint: string;
  poolName: string;
  region?: string;
  serverlessYml?: string;
}): Promise<{ userPoolId: string; clientId: string }> {
  const def = readUserPoolDefinition(opts.serverlessYml);
  const client = cognitoClient({ endpoint: opts.endpoint }, opts.region ?? 'us-east-1');
  try {
    const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    let userPoolId = pools.UserPools?.find((p) => p.Name === opts.poolName)?.Id;
    userPoolId ??= (await client.send(new CreateUserPoolCommand({ ...def.pool, PoolName: opts.poolName }))).UserPool?.Id;
    if (!userPoolId) throw new Error(`cognito-local did not create the user pool ${opts.poolName}`);
    const clients = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
    let clientId = clients.UserPoolClients?.find((c) => c.ClientName === def.client.ClientName)?.ClientId;
    clientId ??= (await client.send(new CreateUserPoolClientCommand({ ...def.client, UserPoolId: userPoolId }))).UserPoolClient?.ClientId;
    if (!clientId) throw new Error(`cognito-local did not create the app client ${def.client.ClientName}`);
    const existing = new Set((await client.send(new ListGroupsCommand({ UserPoolId: userPoolId }))).Groups?.map((g) => g.GroupName));
    for (const g of def.groups.filter((x) => !existing.has(x.GroupName))) await client.send(new CreateGroupCommand({ ...g, UserPoolId: userPoolId }));
    return { userPoolId, clientId };
  } finally {
    client.destroy();
  }
}
