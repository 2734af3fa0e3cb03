import { can, roleList, signedIn } from '../access';
import { api, errorText } from '../api';
import { timeIn } from '../dates';
import { field, h, setError } from '../dom';
import { locale, t, type Key } from '../i18n';
import type { AccountInfo, Approval, ApprovalState, Role } from '../types';

/** Who asked, as the API names them (a sign-in name, or an actor with one). */
export const personOf = (x: unknown): string =>
  typeof x === 'string' ? x : x && typeof x === 'object' && 'username' in x ? String((x as { username: unknown }).username) : '—';

const STATES: ApprovalState[] = ['pending', 'approved', 'rejected'];
const TITLE: Record<ApprovalState, Key> = { pending: 'approvalsPending', approved: 'approvalsApproved', rejected: 'approvalsRejected' };

/** Whether the signed-in person's roles are among those that may approve (admin always is). */
function mayDecide(a: Approval): boolean {
  const me = signedIn();
  if (!me || !can('POST /admin/approvals/{id}/approve')) return false;
  return me.roles.some((r: Role) => r === 'admin' || a.approverRoles.includes(r));
}

/**
 * Four eyes: what waits for whom. Pending requests with what they are, who asked and which roles may
 * approve; approve / reject (with a reason) for someone who may; the requester sees theirs waiting for
 * someone else. Decided ones below.
 */
export function approvalsPage(account: AccountInfo): HTMLElement {
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const sections = Object.fromEntries(
    STATES.map((s) => [s, h('section', { class: 'card', 'aria-labelledby': `approvals-${s}`, 'data-approvals': s }, h('p', {}, t('loading')))]),
  ) as Record<ApprovalState, HTMLElement>;
  const when = (iso?: string) => timeIn(account.timeZone, iso, locale());
  const heading = (s: ApprovalState) => h('h2', { id: `approvals-${s}` }, t(TITLE[s]));

  async function load(state: ApprovalState) {
    try {
      const { approvals } = await api.approvals(state);
      sections[state].replaceChildren(heading(state), state === 'pending' ? pendingList(approvals) : decidedTable(state, approvals));
    } catch (err) {
      sections[state].replaceChildren(heading(state), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  }
  const loadAll = () => Promise.all(STATES.map(load));

  function pendingList(list: Approval[]) {
    if (!list.length) return h('p', {}, t('approvalsNonePending'));
    return h('ul', { class: 'approvals' }, list.map(pendingItem));
  }

  function pendingItem(a: Approval) {
    const requester = personOf(a.requestedBy);
    const mine = requester === signedIn()?.username;
    const facts = h(
      'dl',
      { class: 'facts' },
      fact(t('approvalRequestedBy'), requester),
      fact(t('approvalRequestedAt'), when(a.requestedAt)),
      fact(t('approvalWaitsFor'), t('approvalWaitsForRoles', { roles: roleList(a.approverRoles) })),
    );
    const what = mine
      ? h('p', { class: 'waiting', 'data-waiting': '' }, t('approvalYours'))
      : mayDecide(a)
        ? decideForm(a)
        : h('p', { class: 'hint', 'data-cannot-approve': '' }, t('approvalNotYourRole', { roles: roleList(a.approverRoles) }));
    return h(
      'li',
      { class: 'approval', 'data-approval': a.id },
      h('p', { class: 'head' }, h('span', { class: 'badge pending' }, t(`approvalKind_${a.kind}` as Key)), h('strong', {}, a.summary)),
      facts,
      what,
    );
  }

  function decideForm(a: Approval) {
    const reason = h('input', { type: 'text', name: 'reason', maxlength: 500 });
    const f = field(t('approvalReasonLabel', { summary: a.summary }), reason, t('approvalReason'));
    const decide = async (decision: 'approve' | 'reject') => {
      setError(reason, f.error, null);
      if (decision === 'reject' && !reason.value.trim()) {
        setError(reason, f.error, t('rejectNeedsReason'));
        reason.focus();
        return;
      }
      try {
        await api.decide(a.id, decision, reason.value.trim() || undefined);
        status.classList.remove('error');
        status.textContent = t(decision === 'approve' ? 'approvalApproved' : 'approvalRejected', { summary: a.summary });
        await loadAll();
      } catch (err) {
        setError(reason, f.error, errorText(err));
        reason.focus();
      }
    };
    return h(
      'div',
      { class: 'decide' },
      f.wrap,
      h(
        'div',
        { class: 'row-actions' },
        h(
          'button',
          { type: 'button', class: 'primary', 'aria-label': t('approveLabel', { summary: a.summary }), onclick: () => void decide('approve') },
          t('approve'),
        ),
        h('button', { type: 'button', 'aria-label': t('rejectLabel', { summary: a.summary }), onclick: () => void decide('reject') }, t('reject')),
      ),
    );
  }

  function decidedTable(state: ApprovalState, list: Approval[]) {
    if (!list.length) return h('p', {}, t('approvalsNoneDecided'));
    const cols: Key[] = ['approvalSummary', 'approvalRequestedBy', 'approvalRequestedAt', 'approvalDecidedBy', 'approvalDecidedAt', 'reason'];
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'ledger approvals-decided' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            cols.map((k) => h('th', { scope: 'col' }, t(k))),
          ),
        ),
        h(
          'tbody',
          {},
          list.map((a) =>
            h(
              'tr',
              { 'data-approval': a.id, 'data-state': state },
              h('td', {}, `${t(`approvalKind_${a.kind}` as Key)} · ${a.summary}`),
              h('td', {}, personOf(a.requestedBy)),
              h('td', {}, when(a.requestedAt)),
              h('td', {}, a.decidedBy ? personOf(a.decidedBy) : '—'),
              h('td', {}, when(a.decidedAt)),
              h('td', {}, a.reason ?? '—'),
            ),
          ),
        ),
      ),
    );
  }

  void loadAll();
  return h(
    'div',
    { class: 'page approvals-page' },
    h('h1', {}, t('navApprovals')),
    h('p', { class: 'hint' }, t('approvalsIntro')),
    status,
    sections.pending,
    sections.approved,
    sections.rejected,
  );
}

export function fact(term: string, value: string) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, value));
}

/** The badge a broadcast or campaign shows when the API says it needs, has or was refused an approval. */
export function approvalBadge(state: ApprovalState | undefined | null): HTMLElement | null {
  if (!state) return null;
  return h('span', { class: `badge approval ${state}`, 'data-approval-state': state }, t(`approvalState_${state}` as Key));
}
