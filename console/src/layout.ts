import { h } from './dom';
import { lang, setLang, t, type Key } from './i18n';
import type { AccountInfo } from './types';

export const ROUTES = [
  { path: '', key: 'navDashboard' },
  { path: 'members', key: 'navMembers' },
  { path: 'campaigns', key: 'navCampaigns' },
  { path: 'payouts', key: 'navPayouts' },
  { path: 'broadcasts', key: 'navBroadcasts' },
  { path: 'reengagement', key: 'navReengagement' },
  { path: 'levels', key: 'navLevels' },
  { path: 'autoreplies', key: 'navAutoreplies' },
] as const satisfies readonly { path: string; key: Key }[];
export type RoutePath = (typeof ROUTES)[number]['path'];

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

/** Header (who is signed in, the account's time zone, language, sign out), nav, and the page. */
export function layout(opts: {
  account: AccountInfo;
  current: RoutePath;
  page: HTMLElement;
  navigate: (path: string) => void;
  rerender: () => void;
  signOut: () => void;
}): HTMLElement {
  const { account, current } = opts;
  const nav = h(
    'nav',
    { 'aria-label': t('nav'), class: 'nav' },
    h(
      'ul',
      {},
      ROUTES.map((r) =>
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
      h('div', {}, h('dt', { class: 'visually-hidden' }, t('signedInAs')), h('dd', { 'data-who': '' }, `${t('signedInAs')} · ${account.appId}`)),
      h('div', {}, h('dt', {}, t('timeZone')), h('dd', { 'data-timezone': '' }, account.timeZone)),
    ),
    h('div', { class: 'actions' }, languageButton(opts.rerender), h('button', { type: 'button', onclick: opts.signOut }, t('signOut'))),
  );
  return h('div', { class: 'shell' }, header, nav, h('main', { id: 'main', tabindex: '-1' }, opts.page));
}
