/**
 * The people who run the account, by what they do (issue 13). A person's roles are their Cognito
 * groups; `admin` may do everything, so routes list only the other roles they allow.
 */
export const ROLES = ['admin', 'marketer', 'operator', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/** Who is calling the admin API: a person signed in through the user pool, or the break-glass token. */
export interface Principal {
  /** The sign-in name (an email address with Cognito), or `break-glass`. */
  username: string;
  /** The user pool's stable id for the person (`sub`); `break-glass` for the token. */
  sub: string;
  roles: Role[];
  via: 'account' | 'break-glass';
}

/** The roles that may call something that allows `allowed`: admin always, then the ones listed. */
export const rolesNeeded = (allowed: readonly Role[]): Role[] => ['admin', ...allowed.filter((r) => r !== 'admin')];

export const mayCall = (principal: Pick<Principal, 'roles'>, allowed: readonly Role[]): boolean =>
  principal.roles.some((r) => rolesNeeded(allowed).includes(r));

/** Role sets the routes share, named for who does the work. */
export const ALLOW = {
  everyone: ['marketer', 'operator', 'agent', 'viewer'],
  adminOnly: [],
  marketing: ['marketer'],
  operations: ['operator'],
  /** Member lookup: the people who talk to members or act on them, not read-only viewers. */
  memberLookup: ['operator', 'agent', 'marketer'],
  /** Reports and dashboards: what a viewer may read. */
  reports: ['marketer', 'operator', 'viewer'],
} as const satisfies Record<string, readonly Role[]>;
