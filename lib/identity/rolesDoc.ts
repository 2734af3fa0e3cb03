import type { Route } from '../http/router';
import { ROLES, mayCall, type Role } from './roles';

type RouteRoles = Pick<Route, 'method' | 'path' | 'roles'>;

/** What a route is part of, as the people who run the account think of it: the first rule that matches names it. */
const CAPABILITIES: [string, (r: RouteRoles) => boolean][] = [
  ['People and sessions', (r) => /^\/admin\/(users|me|session)(\/|$)/.test(r.path)],
  ['Audit log', (r) => r.path.startsWith('/admin/audit')],
  ['Approvals', (r) => r.path.startsWith('/admin/approval')],
  ['Member privacy (export, erasure)', (r) => r.path === '/admin/members/{openid}/export' || (r.method === 'DELETE' && r.path === '/admin/members/{openid}')],
  ['Member import', (r) => r.path.startsWith('/admin/members/import')],
  ['Coupons', (r) => r.path.includes('coupon')],
  ['Wallet and payouts', (r) => /wallet|payouts/.test(r.path)],
  ['Points', (r) => r.path.includes('points')],
  ['Levels', (r) => r.path.includes('levels')],
  ['Conversations (inbox, history, handoff)', (r) => /conversation|handoff|quick-replies|^\/admin\/media/.test(r.path)],
  ['Members: lookup, profile, tags', (r) => r.path.startsWith('/admin/members')],
  ['Segments', (r) => r.path.startsWith('/admin/segments')],
  ['Red-packet campaigns', (r) => r.path.includes('campaign')],
  ['Broadcasts', (r) => /broadcast|send-policy/.test(r.path)],
  ['Re-engagement', (r) => r.path.includes('reengagement')],
  ['Auto-replies', (r) => r.path.includes('autoreply')],
  ['Menu', (r) => r.path.startsWith('/admin/menu')],
  ['Dashboards (daily numbers)', (r) => r.path.startsWith('/admin/stats')],
  ['Account', (r) => r.path === '/admin/account'],
];

export const capabilityOf = (r: RouteRoles): string => CAPABILITIES.find(([, matches]) => matches(r))?.[0] ?? 'Other';

/** `read`, `change`, or a share of them: what `role` may do of `routes`. */
function cell(role: Role, routes: RouteRoles[]): string {
  const part = (verb: string, of: RouteRoles[]) => {
    const allowed = of.filter((r) => mayCall({ roles: [role] }, r.roles)).length;
    if (allowed === 0) return undefined;
    return allowed === of.length ? verb : `${verb} (${allowed} of ${of.length})`;
  };
  const parts = [
    part(
      'read',
      routes.filter((r) => r.method === 'GET'),
    ),
    part(
      'change',
      routes.filter((r) => r.method !== 'GET'),
    ),
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '—';
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const header = (first: string) => [row([first, ...ROLES]), row([first, ...ROLES].map(() => '---'))];

/**
 * docs/roles.md, made from the routes themselves (scripts/roles-doc.ts writes it; a test fails when
 * the file and the routes disagree), so the table cannot drift from what the API enforces.
 */
export function rolesMarkdown(routes: readonly RouteRoles[]): string {
  const byCapability = new Map<string, RouteRoles[]>();
  for (const r of routes) byCapability.set(capabilityOf(r), [...(byCapability.get(capabilityOf(r)) ?? []), r]);
  const capabilities = [...CAPABILITIES.map(([name]) => name), 'Other'].filter((c) => byCapability.has(c));
  const lines = [
    '# Who may do what',
    '',
    '<!-- Generated from the admin routes by `node --import tsx scripts/roles-doc.ts`; lib/identity/rolesDoc.test.ts fails when it is stale. -->',
    '',
    'Every person who runs the account signs in with their own account; their roles are their user',
    'pool groups. Every admin route declares the roles it allows besides `admin` (`roles` in',
    '`lib/http/router.ts`); anyone else gets `403 { error, rolesNeeded, yourRoles }`. The roles (issue 13):',
    '',
    '- **admin**: everything, and manages the accounts of the others.',
    '- **marketer**: campaigns, coupons, levels, re-engagement, segments.',
    '- **operator**: broadcasts, auto-replies, the menu, members.',
    '- **agent**: member lookup and customer-service conversations (reads members, changes nothing).',
    '- **viewer**: read-only dashboards.',
    '',
    'A person with several roles may do what any of them may. The break-glass `ADMIN_TOKEN` acts as an',
    'admin named `break-glass` where `ADMIN_BREAK_GLASS` is on. `tests/roles.test.ts` calls every route',
    'below as every role: 2xx where the table says so, 403 and nothing changed otherwise.',
    '',
    'Adding a route: give it `roles`, add an example request for it to `tests/support/routeExamples.ts`',
    '(the role test fails naming a route without one), then rerun `node --import tsx scripts/roles-doc.ts`.',
    '',
    '## By capability',
    '',
    '"read": the capability\'s GET routes; "change": its other routes (POST, PUT, DELETE; a preview or a try is a POST too); "(k of n)": only some of them.',
    '',
    ...header('capability'),
    ...capabilities.map((c) => row([c, ...ROLES.map((role) => cell(role, byCapability.get(c)!))])),
    '',
    '## Every route',
    '',
    ...header('route'),
    ...capabilities.flatMap((c) =>
      byCapability.get(c)!.map((r) => row([`\`${r.method} ${r.path}\``, ...ROLES.map((role) => (mayCall({ roles: [role] }, r.roles) ? '✔' : ''))])),
    ),
    '',
  ];
  return lines.join('\n');
}
