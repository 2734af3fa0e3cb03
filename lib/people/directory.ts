import type { Result } from '../result';
import type { Role } from '../identity/roles';

/** A person who may sign in to the admin API, as the user pool knows them. */
export interface Person {
  /** The sign-in name: their email address. */
  username: string;
  /** The pool's stable id for them (the `sub` of their tokens). */
  sub: string;
  name?: string;
  roles: Role[];
  enabled: boolean;
  /** The pool's status: FORCE_CHANGE_PASSWORD until they choose their own password, then CONFIRMED. */
  status: string;
  createdAt?: string;
}

export interface NewPerson {
  email: string;
  name?: string;
  roles: Role[];
  temporaryPassword: string;
}

/** The people who run the account and their roles (groups), wherever they are kept (lib/people/cognitoDirectory.ts). */
export interface PeopleDirectory {
  list(): Promise<Result<Person[]>>;
  /** The person of that sign-in name, or undefined. */
  find(username: string): Promise<Result<Person | undefined>>;
  /** A person who must choose a new password at their first sign-in. Conflict if the email is taken. */
  create(person: NewPerson): Promise<Result<Person>>;
  /** Exactly these roles from now on (their next sign-in gets them). */
  setRoles(username: string, roles: Role[]): Promise<Result<Person>>;
  /** Disabling also ends their sessions: refresh tokens stop working. */
  setEnabled(username: string, enabled: boolean): Promise<Result<Person>>;
  /** A password they keep (no challenge at sign-in): for the first admin `npm start` creates. */
  setPermanentPassword(username: string, password: string): Promise<Result<void>>;
}
