import { ok, type Result } from '../result';
import type { PeopleDirectory } from './directory';
import { randomPassword } from './temporaryPassword';

export type FirstAdmin =
  | { outcome: 'had-admin' }
  | { outcome: 'promoted'; email: string }
  /** `password` is set only when it was generated here: it is shown this once and kept nowhere. */
  | { outcome: 'created'; email: string; password?: string };

/**
 * So that a newcomer can sign in after `npm start`: when the pool has no enabled admin, the person
 * named `email` becomes one (created with `password`, or a generated one, which they keep).
 */
export async function ensureFirstAdmin(directory: PeopleDirectory, wanted: { email: string; password?: string }): Promise<Result<FirstAdmin>> {
  const people = await directory.list();
  if (!people.ok) return people;
  if (people.value.some((p) => p.enabled && p.roles.includes('admin'))) return ok({ outcome: 'had-admin' });
  const existing = people.value.find((p) => p.username.toLowerCase() === wanted.email.toLowerCase());
  if (existing) {
    const promoted = await directory.setRoles(existing.username, [...existing.roles, 'admin']);
    if (!promoted.ok) return promoted;
    const enabled = existing.enabled ? promoted : await directory.setEnabled(existing.username, true);
    return enabled.ok ? ok({ outcome: 'promoted', email: existing.username }) : enabled;
  }
  const password = wanted.password || randomPassword();
  const created = await directory.create({ email: wanted.email, roles: ['admin'], temporaryPassword: randomPassword() });
  if (!created.ok) return created;
  const set = await directory.setPermanentPassword(created.value.username, password);
  if (!set.ok) return set;
  return ok({ outcome: 'created', email: created.value.username, ...(wanted.password ? {} : { password }) });
}
