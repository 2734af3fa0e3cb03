import { can, roleList, signedIn } from '../access';
import { api, errorText } from '../api';
import { timeIn } from '../dates';
import { field, h, setError } from '../dom';
import { locale, t, type Key } from '../i18n';
import { yuan } from '../money';
import type { AccountInfo, Approval, ApprovalState, Role } from '../types';

/** Who asked or decided: their sign-in name (the access token is named as such). */
const personOf = (p: Approval['requestedBy'] | undefined): string => (!p ? '—' : p.via === 'break-glass' ? t('breakGlass') : p.username);

/** Names of what approvals are about (broadcasts and campaigns the person may list), by id. */
type Names = Map<string, string>;
async function namesOf(): Promise<Names> {
  const names: Names = new Map();
  const [b, c] = await Promise.all([
    can('GET /admin/broadcasts') ? api.broadcasts().catch(() => null) : null,
    can('GET /admin/campaigns') ? api.campaigns().catch(() => null) : null,
  ]);
  for (const x of b?.broadcasts ?? []) names.set(x.id, x.config.name ?? x.id);
  for (const x of c?.campaigns ?? []) names.set(x.id, x.config.name);
  return names;
}

/** What the approval is about, in the console's language: the broadcast or campaign by name. */
const about = (a: Approval, names: Names) => t(`approvalAbout_${a.kind}` as Key, { name: names.get(a.target) ?? a.target });

/** The figures the request is about, against the threshold it crossed. */
function figures(a: Approval): string | null {
  const s = a.summary;
  if (s.members !== undefined) return t('approvalMembers', { n: s.members, max: s.thresholdMembers ?? '—' });
  if (s.budgetFen !== undefined) return t('approvalBudget', { yuan: yuan(s.budgetFen), max: s.thresholdFen === undefined ? '—' : yuan(s.thresholdFen) });
  return null;
}

const STATES: ApprovalState[] = ['pending', 'approved', 'rejected'];
const TITLE: Record<ApprovalState, Key> = { pending: 'approvalsPending', approved: 'approvalsApproved', rejected: 'approvalsRejected' };

/** Whether the signed-in person's roles are among those that may approve (admin always is). */
function mayDecide(a: Approval): boolean {
  const me = signedIn();
  if (!me || !can('POST /admin/approvals/{id}/approve')) return false;
  return me.roles.some((r: Role) => a.approverRoles.includes(r));
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

  let names: Names = new Map();
  async function load(state: ApprovalState) {
    try {
      const { approvals } = await api.approvals(state);
      sections[state].replaceChildren(heading(state), state === 'pending' ? pendingList(approvals) : decidedTable(state, approvals));
    } catch (err) {
      sections[state].replaceChildren(heading(state), h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  }
  const loadAll = async () => {
    names = await namesOf();
    await Promise.all(STATES.map(load));
  };

  function pendingList(list: Approval[]) {
    if (!list.length) return h('p', {}, t('approvalsNonePending'));
    return h('ul', { class: 'approvals' }, list.map(pendingItem));
  }

  function pendingItem(a: Approval) {
    const requester = personOf(a.requestedBy);
    const mine = a.requestedBy.username === signedIn()?.username;
    const facts = h(
      'dl',
      { class: 'facts' },
      figures(a) === null ? null : fact(t('approvalFigures'), figures(a)!),
      fact(t('approvalRequestedBy'), requester),
      fact(t('approvalRequestedAt'), when(a.requestedAt)),
      fact(t('approvalWaitsFor'), t('approvalWaitsForRoles', { roles: roleList(a.approverRoles) })),
    );
    const what = mine
      ? h('p', { class: 'waiting', 'data-waiting': '' }, t('approvalYours'))
      : mayDecide(a)
        ? decideForm(a)
        : h('p', { class: 'hint', 'data-cannot-approve': '' }, t('approvalNotYourRole', { roles: roleList(a.approverRoles) }));
    return h('li', { class: 'approval', 'data-approval': a.id }, h('p', { class: 'head' }, h('strong', {}, about(a, names))), facts, what);
  }

  function decideForm(a: Approval) {
    const reason = h('input', { type: 'text', name: 'reason', maxlength: 500 });
    const f = field(t('approvalReasonLabel', { summary: about(a, names) }), reason, t('approvalReason'));
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
        status.textContent = t(decision === 'approve' ? 'approvalApproved' : 'approvalRejected', { summary: about(a, names) });
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
          { type: 'button', class: 'primary', 'aria-label': t('approveLabel', { summary: about(a, names) }), onclick: () => void decide('approve') },
          t('approve'),
        ),
        h('button', { type: 'button', 'aria-label': t('rejectLabel', { summary: about(a, names) }), onclick: () => void decide('reject') }, t('reject')),
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
              h('td', {}, about(a, names)),
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

function fact(term: string, value: string) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, value));
}

/** The badge a broadcast or campaign shows when the API says it needs, has or was refused an approval. */
export function approvalBadge(state: ApprovalState | undefined | null): HTMLElement | null {
  if (!state) return null;
  return h('span', { class: `badge approval ${state}`, 'data-approval-state': state }, t(`approvalState_${state}` as Key));
}
