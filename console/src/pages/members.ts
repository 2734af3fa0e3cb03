import { can } from '../access';
import { api, ApiError, errorText } from '../api';
import { timeIn } from '../dates';
import { field, h, setError } from '../dom';
import { isKey, t, locale } from '../i18n';
import type { AccountInfo, MemberProfile, PointsChangeBody, PointsLedgerResponse, TagChangeBody } from '../types';
import { conversationCard } from './memberConversation';
import { couponsCard, levelHistoryCard, walletCard, type TimeOf } from './memberCards';
import { segmentBuilder } from './segmentBuilder';

/**
 * Members: look one up by openid, or build a segment and open one of its members; a member's profile,
 * tags, points ledger (adjust with a reason), level history, coupons (redeem) and wallet (withdraw).
 */
export function membersPage(account: AccountInfo, openid: string | null, go: (openid: string) => void, openInbox: (openid: string) => void): HTMLElement {
  const input = h('input', { type: 'search', name: 'openid', value: openid ?? '', autocomplete: 'off', spellcheck: 'false', required: true });
  const f = field(t('searchOpenid'), input);
  const search = h('form', { class: 'toolbar search', role: 'search' }, f.wrap, h('button', { type: 'submit', class: 'primary' }, t('search')));
  const body = h('div', { class: 'member', 'aria-live': 'polite' });
  // One follower found: open it; several (a tag, a phone shared by a prospect): list them.
  search.addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    setError(input, f.error, null);
    try {
      const { hits } = await api.searchMembers(q);
      const followers = hits.filter((x) => x.kind === 'member');
      if (hits.length === 1 && followers.length === 1) return go(followers[0]!.id);
      if (!hits.length) {
        setError(input, f.error, t('memberNotFound'));
        body.replaceChildren();
        return;
      }
      body.replaceChildren(
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'hits-title' },
          h('h2', { id: 'hits-title' }, t('searchHits', { n: hits.length })),
          h(
            'ul',
            { class: 'hits' },
            hits.map((x) =>
              h(
                'li',
                { 'data-hit': x.id },
                x.kind === 'member'
                  ? h(
                      'a',
                      {
                        href: `/console/members/${encodeURIComponent(x.id)}`,
                        onclick: (ev: Event) => {
                          ev.preventDefault();
                          go(x.id);
                        },
                      },
                      String(x.member.nickname ?? x.id),
                    )
                  : h('span', {}, `${x.id} · ${t('prospect')}`),
                h('span', { class: 'by' }, ` · ${t(`by_${x.by}`)}`),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      setError(input, f.error, err instanceof ApiError ? err.message : String(err));
    }
  });

  async function show(id: string, message = '') {
    body.replaceChildren(h('p', {}, t('loading')));
    try {
      const [profile, ledger, levels, coupons, wallet] = await Promise.all([
        api.member(id),
        api.ledger(id),
        api.levelHistory(id),
        api.coupons(id),
        api.wallet(id),
      ]);
      const timeOf: TimeOf = (iso) => timeIn(account.timeZone, iso, locale());
      body.replaceChildren(
        ...[
          profileCard(profile, ledger),
          tagsCard(profile),
          can('GET /admin/members/{openid}/conversation') ? conversationCard(account, profile, openInbox) : null,
          can('POST /admin/members/{openid}/points') ? adjustForm(id, message) : null,
          ledgerTable(ledger),
          levelHistoryCard(levels, timeOf),
          couponsCard(id, coupons.coupons, timeOf),
          walletCard(id, wallet, timeOf),
          can('GET /admin/members/{openid}/export') || can('DELETE /admin/members/{openid}') ? privacyCard(id) : null,
        ].filter((card) => card !== null),
      );
    } catch (err) {
      const message = err instanceof ApiError && err.status === 404 ? t('memberNotFound') : errorText(err);
      setError(input, f.error, message);
      body.replaceChildren();
    }
  }

  function profileCard(m: MemberProfile, l: PointsLedgerResponse): HTMLElement {
    const row = (k: Parameters<typeof t>[0], v: string) => h('div', {}, h('dt', {}, t(k)), h('dd', {}, v));
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'profile-title' },
      h('h2', { id: 'profile-title' }, `${t('profile')} · ${m.nickname ?? m.openid}`),
      h(
        'dl',
        { class: 'facts' },
        row('subscribed', m.subscribed ? t('yes') : t('no')),
        row('level', m.level),
        h('div', {}, h('dt', {}, t('points')), h('dd', { 'data-balance': l.balance }, String(l.balance))),
        row('lifetimePoints', String(l.lifetimePoints)),
        row('source', m.source ?? '—'),
        row('firstSeen', timeIn(account.timeZone, m.firstSeenAt, locale())),
        row('lastInteraction', timeIn(account.timeZone, m.lastInteractionAt, locale())),
      ),
    );
  }

  /** Tags: remove one with its button, add one with the form; the API's refusal shows under the field. */
  function tagsCard(m: MemberProfile): HTMLElement {
    const input = h('input', { type: 'text', name: 'tag', maxlength: 32, required: true, autocomplete: 'off' });
    const f = field(t('newTag'), input);
    const list = h('ul', { class: 'tags' });
    const mayChange = can('PUT /admin/members/{openid}/tags');
    const render = (tags: string[]) =>
      list.replaceChildren(
        ...(tags.length
          ? tags.map((tag) =>
              h(
                'li',
                {},
                h('span', {}, tag),
                mayChange &&
                  h('button', { type: 'button', class: 'untag', 'aria-label': t('removeTag', { tag }), onclick: () => void change({ remove: [tag] }) }, '×'),
              ),
            )
          : [h('li', { class: 'none' }, t('noTags'))]),
      );
    async function change(body: TagChangeBody) {
      setError(input, f.error, null);
      try {
        const r = await api.changeTags(m.openid, body);
        render(r.tags);
        input.value = '';
      } catch (err) {
        setError(input, f.error, err instanceof ApiError ? err.message : String(err));
      }
    }
    render(m.tags);
    const form = h('form', { class: 'tag-form' }, f.wrap, h('button', { type: 'submit' }, t('addTag')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void change({ add: [input.value] });
    });
    return h('section', { class: 'card', 'aria-labelledby': 'tags-title' }, h('h2', { id: 'tags-title' }, t('tags')), list, mayChange ? form : null);
  }

  function adjustForm(id: string, message: string): HTMLElement {
    const delta = h('input', { type: 'number', name: 'delta', step: 1, required: true, inputmode: 'numeric' });
    const reason = h('input', { type: 'text', name: 'reason', maxlength: 200, required: true });
    const fd = field(t('delta'), delta, t('deltaHint'));
    const fr = field(t('reason'), reason);
    const status = h('p', { class: 'status', role: 'status' }, message);
    const form = h(
      'form',
      { class: 'card adjust', 'aria-labelledby': 'adjust-title' },
      h('h2', { id: 'adjust-title' }, t('adjustPoints')),
      h('div', { class: 'row' }, fd.wrap, fr.wrap),
      h('button', { type: 'submit', class: 'primary' }, t('apply')),
      status,
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      setError(delta, fd.error, null);
      setError(reason, fr.error, null);
      status.textContent = '';
      // One key per submitted change: a double click or a retry changes the balance once.
      const body: PointsChangeBody = { delta: Number(delta.value), reason: reason.value, idempotencyKey: `console:${crypto.randomUUID()}` };
      try {
        const r = await api.changePoints(id, body);
        await show(id, t('adjusted', { n: r.balance }));
        document.querySelector<HTMLInputElement>('.adjust input[name=delta]')?.focus();
      } catch (err) {
        if (err instanceof ApiError && err.issues.length) {
          for (const i of err.issues) i.path === 'reason' ? setError(reason, fr.error, i.message) : setError(delta, fd.error, i.message);
        } else setError(delta, fd.error, errorText(err));
      }
    });
    return form;
  }

  function ledgerTable(l: PointsLedgerResponse): HTMLElement {
    if (!l.ledger.length) return h('section', { class: 'card' }, h('h2', {}, t('ledger')), h('p', {}, t('ledgerEmpty')));
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'ledger-title' },
      h('h2', { id: 'ledger-title' }, t('ledger')),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'ledger' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              (['at', 'kind', 'delta', 'reason', 'balanceAfter'] as const).map((k) => h('th', { scope: 'col' }, t(k))),
            ),
          ),
          h(
            'tbody',
            {},
            l.ledger.map((e) => {
              const kindKey = `kind_${e.kind}`;
              return h(
                'tr',
                {},
                h('td', {}, timeIn(account.timeZone, e.at, locale())),
                h('td', {}, isKey(kindKey) ? t(kindKey) : e.kind),
                h('td', { class: e.delta < 0 ? 'neg num' : 'pos num' }, e.delta > 0 ? `+${e.delta}` : String(e.delta)),
                h('td', {}, e.reason),
                h('td', { class: 'num' }, String(e.balanceAfter)),
              );
            }),
          ),
        ),
      ),
    );
  }

  /** PIPL: everything we hold about the member as a JSON file; erasure after typing the openid. */
  function privacyCard(id: string): HTMLElement {
    const status = h('p', { class: 'status', role: 'status' });
    const exportButton = h('button', { type: 'button' }, t('exportData'));
    exportButton.addEventListener('click', async () => {
      try {
        const data = await api.exportMember(id);
        const a = h('a', { href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })), download: `member-${id}.json` });
        document.body.append(a);
        a.click();
        a.remove();
      } catch (err) {
        status.textContent = errorText(err);
      }
    });
    const confirm = h('input', { type: 'text', name: 'confirm', autocomplete: 'off', spellcheck: 'false' });
    const fc = field(t('eraseConfirm', { openid: id }), confirm);
    const erase = h('button', { type: 'submit', class: 'danger', disabled: true }, t('eraseMember'));
    confirm.addEventListener('input', () => (erase.disabled = confirm.value.trim() !== id));
    const form = h('form', { class: 'erase' }, h('p', {}, t('eraseWarning', { openid: id })), fc.wrap, erase);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (confirm.value.trim() !== id) return;
      try {
        const r = await api.eraseMember(id);
        body.replaceChildren(h('p', { class: 'status', role: 'status' }, t('erased', { openid: id, n: r.status === 'erased' ? r.itemsDeleted : 0 })));
      } catch (err) {
        setError(confirm, fc.error, errorText(err));
      }
    });
    return h(
      'section',
      { class: 'card privacy', 'aria-labelledby': 'privacy-title' },
      h('h2', { id: 'privacy-title' }, t('privacy')),
      can('GET /admin/members/{openid}/export') ? h('p', {}, exportButton) : null,
      status,
      can('DELETE /admin/members/{openid}') ? form : null,
    );
  }

  if (openid) void show(openid);
  return h(
    'div',
    { class: 'page members' },
    h('h1', {}, t('navMembers')),
    search,
    body,
    openid || !can('GET /admin/members') || !can('POST /admin/segments/preview') ? null : segmentBuilder(go),
  );
}
