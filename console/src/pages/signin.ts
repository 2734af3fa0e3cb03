import { api, ApiError } from '../api';
import { field, h, setError } from '../dom';
import { t, type Key } from '../i18n';
import { localExpiry, type StoredSession } from '../session';
import type { SignInResponse } from '../types';

interface SignInOptions {
  /** Why the person is here again (their session expired, they signed out). */
  notice: Key | null;
  /** Keeps the session and opens the console; throws when that fails (said under the form). */
  onSignedIn: (s: StoredSession) => Promise<void>;
}

const said = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

/**
 * Sign-in with name and password (POST /admin/session); a first sign-in sets a new password
 * (NEW_PASSWORD_REQUIRED). The break-glass access token stays behind a small link, for automation
 * and emergencies.
 */
export function signInPage(opts: SignInOptions): HTMLElement {
  const main = h('main', { id: 'main', class: 'signin-main' });
  const noticeEl = opts.notice ? h('p', { class: 'notice', role: 'status', 'data-notice': opts.notice }, t(opts.notice)) : null;
  const show = (form: HTMLElement, focus: HTMLElement) => {
    main.replaceChildren(noticeEl ?? '', form);
    queueMicrotask(() => focus.focus());
  };

  /** Runs a submit with the button busy; `fail` says the error under the right field. */
  function submitting(form: HTMLFormElement, button: HTMLButtonElement, label: string, run: () => Promise<void>, fail: (err: unknown) => void) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      button.disabled = true;
      button.textContent = t('signingIn');
      try {
        await run();
      } catch (err) {
        fail(err);
      } finally {
        button.disabled = false;
        button.textContent = label;
      }
    });
  }

  async function signedIn(r: SignInResponse, username: string) {
    if ('challenge' in r) return newPasswordForm(username, r.session);
    await opts.onSignedIn({ token: r.idToken, refreshToken: r.refreshToken, expiresAt: localExpiry(r.idToken, r.expiresAt), via: 'account' });
  }

  function linkButton(label: string, onclick: () => void) {
    return h('button', { type: 'button', class: 'link', onclick }, label);
  }

  function passwordForm() {
    const username = h('input', { type: 'email', name: 'username', autocomplete: 'username', required: true });
    const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
    const u = field(t('username'), username);
    const p = field(t('password'), password);
    const button = h('button', { type: 'submit', class: 'primary' }, t('signIn'));
    const form = h(
      'form',
      { class: 'card signin', 'aria-labelledby': 'signin-title' },
      h('h1', { id: 'signin-title' }, t('signInTitle')),
      h('p', {}, t('signInHelp')),
      u.wrap,
      p.wrap,
      button,
      h('p', { class: 'signin-alt' }, linkButton(t('useToken'), tokenForm)),
    );
    submitting(
      form,
      button,
      t('signIn'),
      async () => {
        setError(password, p.error, null);
        await signedIn(await api.signIn(username.value.trim(), password.value), username.value.trim());
      },
      (err) => {
        setError(password, p.error, said(err));
        password.focus();
      },
    );
    show(form, username);
  }

  function newPasswordForm(username: string, challengeSession: string) {
    const pw = h('input', { type: 'password', name: 'new-password', autocomplete: 'new-password', required: true });
    const again = h('input', { type: 'password', name: 'new-password-again', autocomplete: 'new-password', required: true });
    const p1 = field(t('newPassword'), pw);
    const p2 = field(t('newPasswordAgain'), again);
    const button = h('button', { type: 'submit', class: 'primary' }, t('setPassword'));
    const form = h(
      'form',
      { class: 'card signin', 'aria-labelledby': 'new-password-title' },
      h('h1', { id: 'new-password-title' }, t('newPasswordTitle')),
      h('p', {}, t('newPasswordHelp')),
      h('p', { class: 'hint' }, username),
      p1.wrap,
      p2.wrap,
      button,
    );
    submitting(
      form,
      button,
      t('setPassword'),
      async () => {
        setError(pw, p1.error, null);
        setError(again, p2.error, null);
        if (pw.value !== again.value) {
          setError(again, p2.error, t('passwordsDiffer'));
          again.focus();
          return;
        }
        await signedIn(await api.newPassword(username, challengeSession, pw.value), username);
      },
      (err) => {
        setError(pw, p1.error, said(err));
        pw.focus();
      },
    );
    show(form, pw);
  }

  function tokenForm() {
    const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true });
    const f = field(t('token'), input, t('useTokenHelp'));
    const button = h('button', { type: 'submit', class: 'primary' }, t('signIn'));
    const form = h(
      'form',
      { class: 'card signin', 'aria-labelledby': 'token-title' },
      h('h1', { id: 'token-title' }, t('useToken')),
      f.wrap,
      button,
      h('p', { class: 'signin-alt' }, linkButton(t('usePassword'), passwordForm)),
    );
    submitting(
      form,
      button,
      t('signIn'),
      async () => {
        const token = input.value.trim();
        setError(input, f.error, null);
        const me = await api.me(token); // checks the token before keeping it: a wrong one answers 401 here
        await opts.onSignedIn({ token, via: me.via });
      },
      (err) => {
        setError(input, f.error, err instanceof ApiError ? `${err.status}: ${err.message}` : String(err));
        input.focus();
      },
    );
    show(form, input);
  }

  passwordForm();
  return main;
}
