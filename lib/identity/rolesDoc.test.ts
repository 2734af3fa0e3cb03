import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { adminRouteTable } from '../app/routeTable';
import { capabilityOf, rolesMarkdown } from './rolesDoc';

test('docs/roles.md is what the routes say (node --import tsx scripts/roles-doc.ts rewrites it)', () => {
  const written = readFileSync(new URL('../../docs/roles.md', import.meta.url), 'utf8');
  assert.equal(written, rolesMarkdown(adminRouteTable()), 'docs/roles.md is stale: run node --import tsx scripts/roles-doc.ts');
});

test('every route is in a named capability, and every route is listed once with its roles', () => {
  const routes = adminRouteTable();
  assert.deepEqual(
    routes.filter((r) => capabilityOf(r) === 'Other').map((r) => `${r.method} ${r.path}`),
    [],
    'give these a capability in lib/identity/rolesDoc.ts',
  );
  const doc = rolesMarkdown(routes);
  for (const r of routes) {
    const line = doc.split('\n').filter((l) => l.startsWith(`| \`${r.method} ${r.path}\` |`));
    assert.equal(line.length, 1, `${r.method} ${r.path}`);
    assert.equal(line[0]!.split('|').filter((c) => c.trim() === '✔').length, r.roles.length + 1, `${r.method} ${r.path}: admin and ${r.roles.join(', ')}`);
  }
});

test('the capability table counts reads and changes a role may make', () => {
  const doc = rolesMarkdown([
    { method: 'GET', path: '/admin/menu', roles: ['operator', 'viewer'] },
    { method: 'PUT', path: '/admin/menu', roles: ['operator'] },
    { method: 'POST', path: '/admin/menu/publish', roles: [] },
  ]);
  assert.ok(doc.includes('| Menu | read, change | — | read, change (1 of 2) | — | read |'), doc);
});
