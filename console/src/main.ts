import { api, session, whenUnauthorized } from './api';
import { h } from './dom';
import { lang, setLang, t } from './i18n';
import { BASE, layout, languageButton, ROUTES, type RoutePath } from './layout';
import { autorepliesPage } from './pages/autoreplies';
import { broadcastsPage } from './pages/broadcasts';
import { campaignsPage } from './pages/campaigns';
import { dashboardPage } from './pages/dashboard';
import { levelsPage } from './pages/levels';
import { membersPage } from './pages/members';
import { payoutsPage } from './pages/payouts';
import { reengagementPage } from './pages/reengagement';
import { signInPage } from './pages/signin';
import type { AccountInfo } from './types';

const root = document.getElementById('app')!;
let account: AccountInfo | null = null;

function currentRoute(): { path: RoutePath; openid: string | null } {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  const [first = '', second] = rest.split('/');
  const found = ROUTES.find((r) => r.path === first);
  return { path: found ? found.path : '', openid: found?.path === 'members' && second ? decodeURIComponent(second) : null };
}

function navigate(path: string) {
  history.pushState(null, '', BASE + path);
  render();
  document.getElementById('main')?.focus();
}

function signOut() {
  session.clear();
  account = null;
  history.pushState(null, '', BASE);
  render();
}

function render() {
  setLang(lang());
  document.title = t('appTitle');
  if (!account) {
    root.replaceChildren(
      h('div', { class: 'signin-top' }, languageButton(render)),
      signInPage((a) => {
        account = a;
        render();
        document.getElementById('main')?.focus();
      }),
    );
    return;
  }
  const { path, openid } = currentRoute();
  const a = account;
  const page =
    path === ''
      ? dashboardPage(a)
      : path === 'members'
        ? membersPage(a, openid, (id) => navigate(`members/${encodeURIComponent(id)}`))
        : path === 'campaigns'
          ? campaignsPage(a)
          : path === 'payouts'
            ? payoutsPage(a)
            : path === 'broadcasts'
              ? broadcastsPage(a)
              : path === 'reengagement'
                ? reengagementPage(a)
                : path === 'levels'
                  ? levelsPage()
                  : autorepliesPage(a);
  root.replaceChildren(layout({ account: a, current: path, page, navigate, rerender: render, signOut }));
}

whenUnauthorized(signOut);
window.addEventListener('popstate', render);

async function boot() {
  const token = session.token();
  if (token)
    account = await api.account(token).catch(() => {
      session.clear();
      return null;
    });
  render();
}
void boot();
