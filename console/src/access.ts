import { h } from './dom';
import { lang, t, type Key } from './i18n';
import type { Me, Role } from './types';

/**
 * What the signed-in person may do, from GET /admin/me's `allowed` ("METHOD /admin/path/{param}").
 * Pages ask `can(…)` and leave out what the answer refuses: the API would refuse it anyway (403),
 * so the console does not offer it.
 */
let me: Me | null = null;
let allowed = new Set<string>();

export function setMe(m: Me | null) {
  me = m;
  allowed = new Set(m?.allowed ?? []);
}

export const signedIn = () => me;

/** `can('PUT /admin/levels')` */
export const can = (route: string): boolean => allowed.has(route);

export const roleName = (r: Role) => t(`role_${r}` as Key);
export const roleList = (roles: readonly Role[]) => roles.map(roleName).join(lang() === 'zh' ? '、' : ', ');

/** Shown where a page can be read but not changed by the role (the form's actions are left out). */
export const readOnlyNote = () => h('p', { class: 'hint read-only', 'data-read-only': '' }, t('readOnlyNote'));

/** The roles, in the order the console lists them (lib/identity/roles.ts ROLES). */
export const ROLE_ORDER: readonly Role[] = ['admin', 'marketer', 'operator', 'agent', 'viewer'];
