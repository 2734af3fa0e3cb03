import { can, ROLE_ORDER, roleList, roleName, signedIn } from '../access';
import { api, ApiError, errorText } from '../api';
import { field, h, setError, uid } from '../dom';
import { t, type Key } from '../i18n';
import type { AccountInfo, Person, Role } from '../types';

/** Checkboxes for the roles, in a fieldset named by `legend`. */
function roleChecks(legend: string, chosen: readonly Role[], withHelp: boolean, legendHidden = false) {
  const boxes = ROLE_ORDER.map((r) => {
    const id = uid('role');
    const box = h('input', { type: 'checkbox', id, name: 'roles', value: r, checked: chosen.includes(r) });
    return {
      role: r,
      box,
      el: h(
        'div',
        { class: 'check' },
        box,
        h('label', { for: id }, roleName(r), withHelp ? h('span', { class: 'hint' }, ` — ${t(`roleHelp_${r}` as Key)}`) : null),
      ),
    };
  });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const el = h(
    'fieldset',
    { class: 'roles' },
    h('legend', { class: legendHidden ? 'visually-hidden' : null }, legend),
    boxes.map((b) => b.el),
    error,
  );
  return {
    el,
    error,
    chosen: () => boxes.filter((b) => b.box.checked).map((b) => b.role),
    clear: () => {
      for (const b of boxes) b.box.checked = false;
    },
  };
}

/** People (admins): who can sign in and their roles; add one (the temporary password shown once), change roles, disable / enable. */
export function peoplePage(_account: AccountInfo): HTMLElement {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const list = h('section', { class: 'card', 'aria-labelledby': 'people-list', 'data-people': '' }, h('p', {}, t('loading')));
  const nameOf = (p: Person) => p.name || p.username;

  function say(text: string, isError = false) {
    status.classList.toggle('error', isError);
    status.replaceChildren(text);
  }

  async function load() {
    try {
      const { users } = await api.people();
      list.replaceChildren(h('h2', { id: 'people-list' }, t('peopleList')), users.length ? table(users) : h('p', {}, t('peopleNone')));
    } catch (err) {
      list.replaceChildren(h('h2', { id: 'people-list' }, t('peopleList')), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  }

  function table(users: Person[]) {
    const cols: Key[] = ['personEmail', 'personName', 'personRoles', 'personState'];
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'ledger people' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            cols.map((k) => h('th', { scope: 'col' }, t(k))),
          ),
        ),
        h('tbody', {}, users.map(row)),
      ),
    );
  }

  function row(p: Person) {
    const you = p.username === signedIn()?.username;
    // The row names the person; the legend says it again for screen readers only.
    const roles = roleChecks(t('personRolesOf', { name: nameOf(p) }), p.roles, false, true);
    roles.el.classList.add('inline');
    const saveRoles = can('PUT /admin/users/{username}/roles')
      ? h(
          'button',
          {
            type: 'button',
            'aria-label': t('personSaveRolesLabel', { name: nameOf(p) }),
            onclick: async () => {
              roles.error.textContent = '';
              if (!roles.chosen().length) {
                roles.error.textContent = t('personRolesNeeded');
                return;
              }
              try {
                await api.setRoles(p.username, roles.chosen());
                await load();
                say(t('personRolesSaved', { name: nameOf(p) }));
              } catch (err) {
                roles.error.textContent = errorText(err);
              }
            },
          },
          t('personSaveRoles'),
        )
      : null;
    const toggle = can(`POST /admin/users/{username}/${p.enabled ? 'disable' : 'enable'}`)
      ? h(
          'button',
          {
            type: 'button',
            'aria-label': t(p.enabled ? 'personDisableLabel' : 'personEnableLabel', { name: nameOf(p) }),
            onclick: async () => {
              if (p.enabled && !confirm(t('personConfirmDisable', { name: nameOf(p) }))) return;
              try {
                await api.setEnabled(p.username, !p.enabled);
                await load();
                say(t(p.enabled ? 'personDisabledDone' : 'personEnabledDone', { name: nameOf(p) }));
              } catch (err) {
                say(errorText(err), true);
              }
            },
          },
          t(p.enabled ? 'personDisable' : 'personEnable'),
        )
      : null;
    return h(
      'tr',
      { 'data-person': p.username, 'data-enabled': String(p.enabled) },
      h('td', {}, p.username, you ? t('personYou') : ''),
      h('td', {}, p.name ?? '—'),
      h('td', {}, saveRoles ? h('div', { class: 'roles-edit' }, roles.el, saveRoles) : roleList(p.roles)),
      h(
        'td',
        {},
        h('span', { class: `badge ${p.enabled ? 'enabled' : 'disabled'}` }, t(p.enabled ? 'personEnabled' : 'personDisabled')),
        p.status === 'FORCE_CHANGE_PASSWORD' ? h('span', { class: 'hint', 'data-first-sign-in': '' }, ` ${t('personFirstSignIn')}`) : null,
        ' ',
        toggle,
      ),
    );
  }

  function addForm(): HTMLElement | null {
    if (!can('POST /admin/users')) return null;
    const email = h('input', { type: 'email', name: 'email', required: true, autocomplete: 'off' });
    const name = h('input', { type: 'text', name: 'name', maxlength: 64, autocomplete: 'off' });
    const fEmail = field(t('personEmail'), email);
    const fName = field(t('personName'), name);
    const roles = roleChecks(t('personRoles'), [], true);
    const created = h('div', { class: 'created', 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'card person-add', 'aria-labelledby': 'person-add' },
      h('h2', { id: 'person-add' }, t('personAdd')),
      h('div', { class: 'row' }, fEmail.wrap, fName.wrap),
      roles.el,
      h('button', { type: 'submit', class: 'primary' }, t('personAdd')),
      created,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      setError(email, fEmail.error, null);
      roles.error.textContent = '';
      created.replaceChildren();
      if (!roles.chosen().length) {
        roles.error.textContent = t('personRolesNeeded');
        return;
      }
      try {
        const { user: p, temporaryPassword } = await api.addPerson({
          email: email.value.trim(),
          ...(name.value.trim() ? { name: name.value.trim() } : {}),
          roles: roles.chosen(),
        });
        // Shown this once: the API does not answer it again.
        created.replaceChildren(
          h('p', {}, t('personAdded', { email: p.username })),
          h('p', {}, h('span', {}, `${t('personTempPassword')}: `), h('code', { 'data-temporary-password': '' }, temporaryPassword)),
        );
        email.value = '';
        name.value = '';
        roles.clear();
        await load();
      } catch (err) {
        setError(email, fEmail.error, err instanceof ApiError ? err.message : String(err));
        email.focus();
      }
    });
    return form;
  }

  void load();
  return h('div', { class: 'page people-page' }, h('h1', {}, t('navPeople')), h('p', { class: 'hint' }, t('peopleIntro')), addForm(), status, list);
}
