import type { Principal, Role } from '../identity/roles';
import { forbidden, notFound, ok, type Result } from '../result';
import type { PeopleDirectory, Person } from './directory';
import { randomPassword } from './temporaryPassword';

export interface PeoplePorts {
  directory: PeopleDirectory;
  /** A temporary password for a new person (random by default). */
  newPassword?: () => string;
}

/** The same person: by the pool's id, so a changed email address does not hide who it is. */
const isSelf = (actor: Principal, person: Person) => actor.via === 'account' && actor.sub === person.sub;

export async function listPeople(ports: PeoplePorts): Promise<Result<{ users: Person[] }>> {
  const people = await ports.directory.list();
  return people.ok ? ok({ users: people.value }) : people;
}

/**
 * A new person with their roles and a temporary password, answered this once (it is kept nowhere):
 * the admin hands it over, and the person chooses their own at first sign-in (NEW_PASSWORD_REQUIRED).
 */
export async function addPerson(
  ports: PeoplePorts,
  input: { email: string; name?: string; roles: Role[] },
): Promise<Result<{ user: Person; temporaryPassword: string }>> {
  const temporaryPassword = (ports.newPassword ?? randomPassword)();
  const created = await ports.directory.create({ ...input, temporaryPassword });
  return created.ok ? ok({ user: created.value, temporaryPassword }) : created;
}

async function existing(ports: PeoplePorts, username: string): Promise<Result<Person>> {
  const found = await ports.directory.find(username);
  if (!found.ok) return found;
  return found.value ? ok(found.value) : notFound(`no person named ${username}`);
}

/** Exactly these roles from the person's next sign-in. Nobody takes their own admin role away (the account would risk having no admin). */
export async function changeRoles(ports: PeoplePorts, actor: Principal, username: string, roles: Role[]): Promise<Result<{ user: Person }>> {
  const person = await existing(ports, username);
  if (!person.ok) return person;
  if (isSelf(actor, person.value) && person.value.roles.includes('admin') && !roles.includes('admin'))
    return forbidden('you cannot remove your own admin role: another admin has to do it');
  const changed = await ports.directory.setRoles(person.value.username, roles);
  return changed.ok ? ok({ user: changed.value }) : changed;
}

/** Disable (which also ends their sessions) or enable again. Nobody disables themselves. */
export async function setPersonEnabled(ports: PeoplePorts, actor: Principal, username: string, enabled: boolean): Promise<Result<{ user: Person }>> {
  const person = await existing(ports, username);
  if (!person.ok) return person;
  if (!enabled && isSelf(actor, person.value)) return forbidden('you cannot disable yourself: another admin has to do it');
  const changed = await ports.directory.setEnabled(person.value.username, enabled);
  return changed.ok ? ok({ user: changed.value }) : changed;
}
