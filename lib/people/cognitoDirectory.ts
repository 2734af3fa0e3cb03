import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoFailure } from '../identity/cognitoErrors';
import { isRole, ROLES, type Role } from '../identity/roles';
import { ok, type Result } from '../result';
import type { PeopleDirectory, Person } from './directory';

export interface CognitoDirectoryOptions {
  userPoolId: string;
  /**
   * Whether disabling also calls AdminUserGlobalSignOut (revokes refresh tokens). cognito-local has
   * no such call; there the session routes' own check of `enabled` refuses the refresh instead.
   */
  globalSignOut: boolean;
}

interface PoolUser {
  Username?: string;
  Attributes?: AttributeType[];
  UserAttributes?: AttributeType[];
  Enabled?: boolean;
  UserStatus?: string;
  UserCreateDate?: Date;
}

function personOf(user: PoolUser, roles: Role[]): Person {
  const attrs = new Map((user.Attributes ?? user.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
  const name = attrs.get('name');
  return {
    username: attrs.get('email') ?? user.Username ?? '',
    sub: attrs.get('sub') ?? user.Username ?? '',
    ...(name ? { name } : {}),
    roles: ROLES.filter((r) => roles.includes(r)),
    enabled: user.Enabled ?? true,
    status: user.UserStatus ?? 'UNKNOWN',
    ...(user.UserCreateDate ? { createdAt: new Date(user.UserCreateDate).toISOString() } : {}),
  };
}

/** The people of a Cognito user pool: groups are roles (groups that are not roles are left alone). */
export function cognitoDirectory(client: CognitoIdentityProviderClient, opts: CognitoDirectoryOptions): PeopleDirectory {
  const UserPoolId = opts.userPoolId;

  async function rolesOf(username: string): Promise<Role[]> {
    const roles: Role[] = [];
    let NextToken: string | undefined;
    do {
      const out = await client.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: username, NextToken }));
      for (const g of out.Groups ?? []) if (g.GroupName && isRole(g.GroupName)) roles.push(g.GroupName);
      NextToken = out.NextToken;
    } while (NextToken);
    return roles;
  }

  /**
   * The pool's own record of a person named by email (an alias). Later calls use its `Username`
   * (the pool's id): cognito-local lists groups only under that name, and Cognito takes it everywhere.
   */
  async function poolUser(username: string): Promise<(PoolUser & { Username: string }) | undefined> {
    try {
      const user = await client.send(new AdminGetUserCommand({ UserPoolId, Username: username }));
      return { ...user, Username: user.Username ?? username };
    } catch (err) {
      if ((err as Error).name === 'UserNotFoundException') return undefined;
      throw err;
    }
  }

  async function get(username: string): Promise<Person | undefined> {
    const user = await poolUser(username);
    return user && personOf(user, await rolesOf(user.Username));
  }

  async function mustGet(username: string): Promise<PoolUser & { Username: string }> {
    const user = await poolUser(username);
    if (!user) throw Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' });
    return user;
  }

  const reread = async (poolUsername: string): Promise<Person> => {
    const user = await mustGet(poolUsername);
    return personOf(user, await rolesOf(user.Username));
  };

  async function allUsers(): Promise<PoolUser[]> {
    const users: PoolUser[] = [];
    let PaginationToken: string | undefined;
    do {
      const out = await client.send(new ListUsersCommand({ UserPoolId, PaginationToken }));
      users.push(...(out.Users ?? []));
      PaginationToken = out.PaginationToken;
    } while (PaginationToken);
    return users;
  }

  /** Pool username → roles, one listing per role rather than one call per person. */
  async function membership(): Promise<Map<string, Role[]>> {
    const byUser = new Map<string, Role[]>();
    for (const role of ROLES) {
      let NextToken: string | undefined;
      do {
        const out = await client.send(new ListUsersInGroupCommand({ UserPoolId, GroupName: role, NextToken }));
        for (const u of out.Users ?? []) if (u.Username) byUser.set(u.Username, [...(byUser.get(u.Username) ?? []), role]);
        NextToken = out.NextToken;
      } while (NextToken);
    }
    return byUser;
  }

  const attempt = async <T>(work: () => Promise<T>): Promise<Result<T>> => {
    try {
      return ok(await work());
    } catch (err) {
      return cognitoFailure(err, 'directory');
    }
  };

  return {
    list: () =>
      attempt(async () => {
        const [users, roles] = await Promise.all([allUsers(), membership()]);
        return users.map((u) => personOf(u, roles.get(u.Username ?? '') ?? [])).sort((a, b) => a.username.localeCompare(b.username));
      }),
    find: (username) => attempt(() => get(username)),
    create: ({ email, name, roles, temporaryPassword }) =>
      attempt(async () => {
        const created = await client.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username: email,
            TemporaryPassword: temporaryPassword,
            // The admin hands the temporary password over; Cognito sends no invitation of its own.
            MessageAction: 'SUPPRESS',
            UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }, ...(name ? [{ Name: 'name', Value: name }] : [])],
          }),
        );
        const Username = created.User?.Username ?? email;
        for (const role of roles) await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName: role }));
        return reread(Username);
      }),
    setRoles: (username, roles) =>
      attempt(async () => {
        const { Username } = await mustGet(username);
        const current = await rolesOf(Username);
        for (const role of roles.filter((r) => !current.includes(r)))
          await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username, GroupName: role }));
        for (const role of current.filter((r) => !roles.includes(r)))
          await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId, Username, GroupName: role }));
        return reread(Username);
      }),
    setEnabled: (username, enabled) =>
      attempt(async () => {
        const { Username } = await mustGet(username);
        if (enabled) await client.send(new AdminEnableUserCommand({ UserPoolId, Username }));
        else {
          await client.send(new AdminDisableUserCommand({ UserPoolId, Username }));
          if (opts.globalSignOut) await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username }));
        }
        return reread(Username);
      }),
    setPermanentPassword: (username, password) =>
      attempt(async () => {
        await client.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: username, Password: password, Permanent: true }));
      }),
  };
}
