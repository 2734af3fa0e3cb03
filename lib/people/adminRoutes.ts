import { z } from 'zod';
import { createdResponse, respond } from '../http/respond';
import { withBody, type Route } from '../http/router';
import { ALLOW, ROLES } from '../identity/roles';
import { addPerson, changeRoles, listPeople, setPersonEnabled, type PeoplePorts } from './managePeople';

const roles = z
  .array(z.enum(ROLES))
  .max(ROLES.length * 2)
  .transform((rs) => ROLES.filter((r) => rs.includes(r)));
const newPersonSchema = z.strictObject({ email: z.email().max(128), name: z.string().trim().min(1).max(128).optional(), roles });
const rolesSchema = z.strictObject({ roles });

/** People and their roles: admins only (ALLOW.adminOnly). */
export function peopleRoutes(ports: PeoplePorts): Route[] {
  return [
    { method: 'GET', path: '/admin/users', roles: ALLOW.adminOnly, run: async () => respond(await listPeople(ports)) },
    {
      method: 'POST',
      path: '/admin/users',
      roles: ALLOW.adminOnly,
      run: (req) => withBody(newPersonSchema, req.body, async (person) => respond(await addPerson(ports, person), createdResponse)),
    },
    {
      method: 'PUT',
      path: '/admin/users/{username}/roles',
      roles: ALLOW.adminOnly,
      run: (req) => withBody(rolesSchema, req.body, async (body) => respond(await changeRoles(ports, req.principal, req.params.username!, body.roles))),
    },
    {
      method: 'POST',
      path: '/admin/users/{username}/disable',
      roles: ALLOW.adminOnly,
      run: async (req) => respond(await setPersonEnabled(ports, req.principal, req.params.username!, false)),
    },
    {
      method: 'POST',
      path: '/admin/users/{username}/enable',
      roles: ALLOW.adminOnly,
      run: async (req) => respond(await setPersonEnabled(ports, req.principal, req.params.username!, true)),
    },
  ];
}
