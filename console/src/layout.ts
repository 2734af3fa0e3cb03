import { can, roleList } from './access';
import { h } from './dom';
import { lang, setLang, t, type Key } from './i18n';
import type { AccountInfo, Me } from './types';

/** The pages, each with the GET its content starts from: a role that cannot call it does not see the page. */
export const ROUTES = [
  { path: '', key: 'navDashboard', needs: 'GET /admin/stats/daily' },
  { path: 'inbox', key: 'navInbox', needs: 'GET /admin/conversations' },
  { path: 'members', key: 'navMembers', needs: 'GET /admin/members/search' },
  { path: 'campaigns', key: 'navCampaigns', needs: 'GET /admin/campaigns' },
  { path: 'payouts', key: 'navPayouts', needs: 'GET /admin/payouts' },
  { path: 'broadcasts', key: 'navBroadcasts', needs: 'GET /admin/broadcasts' },
  { path: 'reengagement', key: 'navReengagement', needs: 'GET /admin/reengagement-rules' },
  { path: 'levels', key: 'navLevels', needs: 'GET /admin/levels' },
  { path: 'autoreplies', key: 'navAutoreplies', needs: 'GET /admin/autoreply-rules' },
  { path: 'approvals', key: 'navApprovals', needs: 'GET /admin/approvals' },
  { path: 'audit', key: 'navAudit', needs: 'GET /admin/audit' },
  { path: 'people', key: 'navPeople', needs: 'GET /admin/users' },
] as const satisfies readonly { path: string; key: Key; needs: string }[];
export type RoutePath = (typeof ROUTES)[number]['path'];
export type PageRoute = (typeof ROUTES)[number];

export const mayOpen = (r: PageRoute) => can(r.needs);

export const BASE = '/console/';

export function languageButton(rerender: () => void): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'lang',
      lang: lang() === 'zh' ? 'en' : 'zh-CN',
      'aria-label': t('languageLabel'),
      onclick: () => {
        setLang(lang() === 'zh' ? 'en' : 'zh');
        rerender();
      },
    },
    t('language'),
  );
}

/** Header (who is signed in with which roles, the account and its time zone, language, sign out), nav (the pages the roles may open), and the page. */
export function layout(opts: {
  me: Me;
  account: AccountInfo;
  current: RoutePath;
  page: HTMLElement;
  navigate: (path: string) => void;
  rerender: () => void;
  signOut: () => void;
}): HTMLElement {
  const { me, account, current } = opts;
  const nav = h(
    'nav',
    { 'aria-label': t('nav'), class: 'nav' },
    h(
      'ul',
      {},
      ROUTES.filter(mayOpen).map((r) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: BASE + r.path,
              'aria-current': r.path === current ? 'page' : null,
              onclick: (e: Event) => {
                const me = e as MouseEvent;
                if (me.metaKey || me.ctrlKey || me.shiftKey || me.button !== 0) return;
                e.preventDefault();
                opts.navigate(r.path);
              },
            },
            t(r.key),
          ),
        ),
      ),
    ),
  );
  const header = h(
    'header',
    { class: 'top' },
    h('a', { class: 'skip', href: '#main' }, t('skipToContent')),
    h('span', { class: 'brand' }, t('appTitle')),
    h(
      'dl',
      { class: 'who' },
      h('div', {}, h('dt', {}, t('signedInAs')), h('dd', { 'data-who': '' }, me.via === 'break-glass' ? t('breakGlass') : me.username)),
      h('div', {}, h('dt', {}, t('yourRoles')), h('dd', { 'data-roles': '' }, roleList(me.roles))),
      h('div', {}, h('dt', {}, t('account')), h('dd', { 'data-account': '' }, account.appId)),
      h('div', {}, h('dt', {}, t('timeZone')), h('dd', { 'data-timezone': '' }, account.timeZone)),
    ),
    h('div', { class: 'actions' }, languageButton(opts.rerender), h('button', { type: 'button', onclick: opts.signOut }, t('signOut'))),
  );
  return h('div', { class: 'shell' }, header, nav, h('main', { id: 'main', tabindex: '-1' }, opts.page));
}
