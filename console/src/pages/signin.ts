import { api, ApiError, session } from '../api';
import { field, h, setError } from '../dom';
import { t } from '../i18n';
import type { AccountInfo } from '../types';

/** The sign-in form: checks the token against GET /admin/account; a 401 shows the API's message. */
export function signInPage(onSignedIn: (account: AccountInfo) => void): HTMLElement {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'current-password', required: true });
  const f = field(t('token'), input);
  const button = h('button', { type: 'submit', class: 'primary' }, t('signIn'));
  const form = h(
    'form',
    { class: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, t('signInTitle')),
    h('p', {}, t('signInHelp')),
    f.wrap,
    button,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = input.value.trim();
    setError(input, f.error, null);
    button.disabled = true;
    button.textContent = t('signingIn');
    try {
      const account = await api.account(token);
      session.save(token);
      onSignedIn(account);
    } catch (err) {
      setError(input, f.error, err instanceof ApiError ? `${err.status}: ${err.message}` : String(err));
      input.focus();
    } finally {
      button.disabled = false;
      button.textContent = t('signIn');
    }
  });
  queueMicrotask(() => input.focus());
  return h('main', { id: 'main', class: 'signin-main' }, form);
}
