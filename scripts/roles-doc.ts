/** Writes docs/roles.md from the admin routes (lib/identity/rolesDoc.ts); lib/identity/rolesDoc.test.ts fails when it is stale. */
import { writeFileSync } from 'node:fs';
import { adminRouteTable } from '../lib/app/routeTable';
import { rolesMarkdown } from '../lib/identity/rolesDoc';

writeFileSync('docs/roles.md', rolesMarkdown(adminRouteTable()));
console.log('docs/roles.md written');
