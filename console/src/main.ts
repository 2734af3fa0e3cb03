import { setMe } from './access';
import { api, whenUnauthorized } from './api';
import { h } from './dom';
import { lang, setLang, t, type Key } from './i18n';
import { BASE, layout, languageButton, mayOpen, ROUTES, type PageRoute } from './layout';
import { approvalsPage } from './pages/approvals';
import { auditPage } from './pages/audit';
import { autorepliesPage } from './pages/autoreplies';
import { broadcastsPage } from './pages/broadcasts';
import { campaignsPage } from './pages/campaigns';
import { dashboardPage } from './pages/dashboard';
import { forbiddenPage } from './pages/forbidden';
import { inboxPage } from './pages/inbox';
import { levelsPage } from './pages/levels';
import { membersPage } from './pages/members';
import { payoutsPage } from './pages/payouts';
import { peoplePage } from './pages/people';
import { reengagementPage } from './pages/reengagement';
import { signInPage } from './pages/signin';
import { localExpiry, session, type StoredSession } from './session';
import type { AccountInfo, Me } from './types';

const root = document.getElementById('app')!;
let signed: { me: Me; account: AccountInfo } | null = null;
/** Said on the sign-in page: why the person is there again (session expired, signed out). */
let notice: Key | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
/** Refresh the id token this long before it expires (the tab must be open; a closed tab's session just ends). */
const REFRESH_BEFORE_MS = 60_000;
const MIN_WAIT_MS = 5_000;

function currentRoute(): { route: PageRoute; openid: string | null } {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  const [first = '', second] = rest.split('/');
  const route = ROUTES.find((r) => r.path === first) ?? ROUTES[0];
  return { route, openid: (route.path === 'members' || route.path === 'inbox') && second ? decodeURIComponent(second) : null };
}

function navigate(path: string) {
  history.pushState(null, '', BASE + path);
  render();
  document.getElementById('main')?.focus();
}

function signOut(why: Key | null = 'signedOut') {
  clearTimeout(refreshTimer);
  session.clear();
  setMe(null);
  signed = null;
  notice = why;
  history.pushState(null, '', BASE);
  render();
}

function pageFor(route: PageRoute, openid: string | null, a: AccountInfo): HTMLElement {
  if (!mayOpen(route)) return forbiddenPage(route);
  switch (route.path) {
    case '':
      return dashboardPage(a);
    case 'inbox':
      return inboxPage(a, openid, (id) => navigate(`inbox/${encodeURIComponent(id)}`));
    case 'members':
      return membersPage(
        a,
        openid,
        (id) => navigate(`members/${encodeURIComponent(id)}`),
        (id) => navigate(`inbox/${encodeURIComponent(id)}`),
      );
    case 'campaigns':
      return campaignsPage(a);
    case 'payouts':
      return payoutsPage(a);
    case 'broadcasts':
      return broadcastsPage(a);
    case 'reengagement':
      return reengagementPage(a);
    case 'levels':
      return levelsPage();
    case 'autoreplies':
      return autorepliesPage(a);
    case 'approvals':
      return approvalsPage(a);
    case 'audit':
      return auditPage(a);
    case 'people':
      return peoplePage(a);
  }
}

function render() {
  setLang(lang());
  document.title = t('appTitle');
  if (!signed) {
    root.replaceChildren(h('div', { class: 'signin-top' }, languageButton(render)), signInPage({ notice, onSignedIn: begin }));
    return;
  }
  let { route, openid } = currentRoute();
  // The dashboard is the home page; a role without it lands on its first page instead.
  if (route.path === '' && !mayOpen(route)) {
    route = ROUTES.find(mayOpen) ?? route;
    history.replaceState(null, '', BASE + route.path);
  }
  const { me, account } = signed;
  root.replaceChildren(
    layout({ me, account, current: route.path, page: pageFor(route, openid, account), navigate, rerender: render, signOut: () => signOut() }),
  );
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const s = session.get();
  if (!s?.expiresAt) return;
  // Never sooner than a few seconds: a token that lives less than a minute is refreshed, not hammered.
  const wait = Math.max(MIN_WAIT_MS, s.expiresAt - REFRESH_BEFORE_MS - Date.now());
  refreshTimer = setTimeout(() => void refreshNow(), wait);
}

/** A fresh id token from the refresh token; when that fails the session is over. */
async function refreshNow(): Promise<boolean> {
  const s = session.get();
  if (!s?.refreshToken) {
    signOut('sessionExpired');
    return false;
  }
  try {
    const r = await api.refresh(s.refreshToken);
    session.save({ ...s, token: r.idToken, refreshToken: r.refreshToken ?? s.refreshToken, expiresAt: localExpiry(r.idToken, r.expiresAt) });
    scheduleRefresh();
    return true;
  } catch {
    signOut('sessionExpired');
    return false;
  }
}

/** Who is signed in and what they may do (GET /admin/me), and the account; then the page. */
async function load(): Promise<void> {
  const [me, account] = await Promise.all([api.me(), api.account()]);
  setMe(me);
  signed = { me, account };
  notice = null;
  scheduleRefresh();
  render();
}

/** After the sign-in page has tokens; a failure here is said on that page. */
async function begin(s: StoredSession) {
  session.save(s);
  try {
    await load();
  } catch (err) {
    session.clear();
    throw err;
  }
  document.getElementById('main')?.focus();
}

whenUnauthorized(() => signOut('sessionExpired'));
window.addEventListener('popstate', render);

async function boot() {
  const s = session.get();
  if (s?.expiresAt && s.expiresAt - REFRESH_BEFORE_MS <= Date.now() && !(await refreshNow())) return;
  if (s) {
    try {
      await load();
      return;
    } catch {
      if (!session.get()) return; // a 401 signed out and rendered the sign-in page with its message
      session.clear();
    }
  }
  render();
}
void boot();
