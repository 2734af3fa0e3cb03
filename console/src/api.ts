import type { AutoreplyRule, AutoreplyRuleBody, AutoreplyRuleCreateBody, MenuBody, StoredMenu, TryMessageBody, TryMessageResult } from './types';
import type { CouponTemplate, Level, LevelsBody, ReengagementReport, ReengagementRule, ReengagementRulesBody } from './types';
import type { SegmentPreviewBody, SegmentPreviewResponse } from './types';
import type { BroadcastPreviewBody, BroadcastPreviewResponse, CouponTemplateBody, CouponTemplateCreateBody } from './types';
import type { CampaignReport, CampaignSaveBody, SplitPreviewBody, SplitPreviewResponse } from './types';
import type {
  CouponListQuery,
  CouponRedeemBody,
  LevelHistoryQuery,
  LevelHistoryResponse,
  MemberCoupon,
  SegmentBody,
  SegmentMembersResponse,
  Wallet,
  WithdrawBody,
  WithdrawResponse,
} from './types';
import type { PayoutActionResponse, PayoutListResponse, PayoutOrderState } from './types';
import type {
  AccountInfo,
  ApiIssue,
  EraseResult,
  MemberSearchResponse,
  BroadcastBody,
  BroadcastView,
  CampaignBody,
  CampaignView,
  DailyStatsQuery,
  DailyStatsResponse,
  MemberProfile,
  PointsChangeBody,
  PointsChangeResponse,
  PointsLedgerResponse,
  TagChangeBody,
  TagChangeResponse,
} from './types';

import type { Approval, ApprovalState, AuditPage, AuditQuery, Me, Person, PersonCreateBody, PersonCreated, Role, SignedIn, SignInResponse } from './types';
import type { ConversationList, ConversationPage, ConversationQuery, HandoffSettings, QuickReply, ReplyBody } from './types';
import { session } from './session';

export { session };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: ApiIssue[] = [],
    /** The whole JSON answer (a 409 carries who has the conversation, or why WeChat refused). */
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** What to show for a failure: the API's message (ApiError) or the error's own. */
export const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Called when the API answers 401 with the saved token (e.g. the token was rotated). */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(f: () => void) {
  onUnauthorized = f;
}

/** `token: null`: a session route, called without a principal (a 401 there is a wrong password, not an expired session). */
async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, opts: { body?: unknown; token?: string | null } = {}): Promise<T> {
  const token = opts.token === undefined ? session.token() : opts.token;
  const res = await fetch(path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  return (await answerOf(res, opts.token === undefined)) as T;
}

/** The JSON of an answer, or its refusal as an ApiError; a 401 to the saved token ends the session. */
async function answerOf(res: Response, withSavedToken: boolean): Promise<unknown> {
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const d = (data ?? {}) as { error?: string; issues?: ApiIssue[] };
    const err = new ApiError(res.status, d.error ?? `HTTP ${res.status}`, d.issues ?? [], (data ?? {}) as Record<string, unknown>);
    if (res.status === 401 && withSavedToken) onUnauthorized();
    throw err;
  }
  return data;
}

/** What a conditional GET answers: nothing new (304), or the answer and its ETag. */
export type Fresh<T> = { changed: false } | { changed: true; data: T; etag: string | null };

/**
 * A GET with `If-None-Match` (the pages that poll): 304 means what the page shows is current. The
 * browser's cache is left out so the 304 reaches the page and no stale copy is served.
 */
export async function getIfChanged<T>(path: string, etag: string | null): Promise<Fresh<T>> {
  const token = session.token();
  const res = await fetch(path, {
    cache: 'no-store',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(etag ? { 'if-none-match': etag } : {}) },
  });
  if (res.status === 304) return { changed: false };
  return { changed: true, data: (await answerOf(res, true)) as T, etag: res.headers.get('etag') };
}

const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();
const definedOnly = (q: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
/** The audit export as a same-origin URL the console fetches with its token (a link cannot carry the header). */
export const auditExportPath = (q: AuditQuery & { format: 'csv' | 'jsonl' }) => `/admin/audit/export?${qs(definedOnly({ ...q }))}`;

/** Downloads a GET answer as a file (for exports: the token goes in the header, never in the URL). */
export async function download(path: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${session.token() ?? ''}` } });
  if (!res.ok) {
    const text = await res.text();
    let message = `HTTP ${res.status}`;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? message;
    } catch {}
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, message);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
/**
 * An image the account received or sent, by its WeChat media id, as a data: URL: the media route needs
 * the token (an <img src> cannot carry it) and the console's CSP allows images from data: only.
 */
export async function mediaDataUrl(mediaId: string): Promise<string> {
  const res = await fetch(`/admin/media/${encodeURIComponent(mediaId)}`, { headers: { authorization: `Bearer ${session.token() ?? ''}` } });
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    let message = `HTTP ${res.status}`;
    try {
      message = ((await res.json()) as { error?: string }).error ?? message;
    } catch {}
    throw new ApiError(res.status, message);
  }
  const blob = await res.blob();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

const member = (openid: string) => `/admin/members/${encodeURIComponent(openid)}`;
const conversation = (openid: string) => `/admin/conversations/${encodeURIComponent(openid)}`;
export const conversationsPath = (q: ConversationQuery) => `/admin/conversations?${qs(definedOnly({ ...q }))}`;
export const historyPath = (openid: string, q: { cursor?: string; limit?: number } = {}) =>
  `${member(openid)}/conversation?${qs(definedOnly({ cursor: q.cursor, limit: q.limit === undefined ? undefined : String(q.limit) }))}`;

export const api = {
  // — conversations: inbox, history, replies (the polled GETs go through getIfChanged) —
  conversations: (q: ConversationQuery) => call<ConversationList>('GET', conversationsPath(q)),
  history: (openid: string, cursor?: string) => call<ConversationPage>('GET', historyPath(openid, { cursor })),
  claim: (openid: string) => call<unknown>('POST', `${conversation(openid)}/claim`),
  reply: (openid: string, body: ReplyBody) => call<unknown>('POST', `${conversation(openid)}/replies`, { body }),
  note: (openid: string, text: string) => call<unknown>('POST', `${conversation(openid)}/notes`, { body: { text } }),
  closeConversation: (openid: string) => call<unknown>('POST', `${conversation(openid)}/close`),
  quickReplies: () => call<{ replies: QuickReply[] }>('GET', '/admin/quick-replies'),
  saveQuickReplies: (replies: QuickReply[]) => call<{ replies: QuickReply[] }>('PUT', '/admin/quick-replies', { body: { replies } }),
  handoffSettings: () => call<HandoffSettings>('GET', '/admin/handoff-settings'),
  saveHandoffSettings: (settings: HandoffSettings) => call<HandoffSettings>('PUT', '/admin/handoff-settings', { body: settings }),
  uploadImage: (body: { fileName: string; contentType: string; dataBase64: string }) => call<{ mediaId: string }>('POST', '/admin/media', { body }),
  account: () => call<AccountInfo>('GET', '/admin/account'),
  // — sessions (no principal yet), who is signed in —
  signIn: (username: string, password: string) => call<SignInResponse>('POST', '/admin/session', { body: { username, password }, token: null }),
  newPassword: (username: string, challengeSession: string, newPassword: string) =>
    call<SignInResponse>('POST', '/admin/session/new-password', { body: { username, session: challengeSession, newPassword }, token: null }),
  refresh: (refreshToken: string) => call<SignedIn>('POST', '/admin/session/refresh', { body: { refreshToken }, token: null }),
  /** Also the break-glass sign-in check: a wrong token answers 401. */
  me: (token?: string) => call<Me>('GET', '/admin/me', { token }),
  // — people, audit, approvals —
  people: () => call<{ users: Person[] }>('GET', '/admin/users'),
  addPerson: (body: PersonCreateBody) => call<PersonCreated>('POST', '/admin/users', { body }),
  setRoles: (username: string, roles: Role[]) => call<{ user: Person }>('PUT', `/admin/users/${encodeURIComponent(username)}/roles`, { body: { roles } }),
  setEnabled: (username: string, enabled: boolean) => call<Person>('POST', `/admin/users/${encodeURIComponent(username)}/${enabled ? 'enable' : 'disable'}`),
  audit: (q: AuditQuery) => call<AuditPage>('GET', `/admin/audit?${qs(definedOnly({ ...q }))}`),
  approvals: (state: ApprovalState) => call<{ approvals: Approval[] }>('GET', `/admin/approvals?${qs({ state })}`),
  decide: (id: string, decision: 'approve' | 'reject', reason?: string) =>
    call<Approval>('POST', `/admin/approvals/${encodeURIComponent(id)}/${decision}`, { body: reason ? { reason } : {} }),
  dailyStats: (q: DailyStatsQuery) => call<DailyStatsResponse>('GET', `/admin/stats/daily?${qs(q)}`),
  searchMembers: (q: string) => call<MemberSearchResponse>('GET', `/admin/members/search?${qs({ q })}`),
  exportMember: (openid: string) => call<Record<string, unknown>>('GET', `${member(openid)}/export`),
  eraseMember: (openid: string) => call<EraseResult>('DELETE', member(openid)),
  member: (openid: string) => call<MemberProfile>('GET', member(openid)),
  ledger: (openid: string, limit = 20) => call<PointsLedgerResponse>('GET', `${member(openid)}/points?${qs({ limit: String(limit) })}`),
  changePoints: (openid: string, body: PointsChangeBody) => call<PointsChangeResponse>('POST', `${member(openid)}/points`, { body }),
  campaigns: () => call<{ campaigns: CampaignView[] }>('GET', '/admin/campaigns'),
  createCampaign: (body: CampaignBody) => call<CampaignView>('POST', '/admin/campaigns', { body }),
  campaignAction: (id: string, action: 'schedule' | 'pause' | 'resume' | 'close') =>
    call<CampaignView>('POST', `/admin/campaigns/${encodeURIComponent(id)}/${action}`),
  broadcasts: () => call<{ broadcasts: BroadcastView[] }>('GET', '/admin/broadcasts'),
  createBroadcast: (body: BroadcastBody) => call<BroadcastView>('POST', '/admin/broadcasts', { body }),
  cancelBroadcast: (id: string) => call<BroadcastView>('POST', `/admin/broadcasts/${encodeURIComponent(id)}/cancel`),
  reengagementRules: () => call<{ rules: ReengagementRule[] }>('GET', '/admin/reengagement-rules'),
  saveReengagementRules: (body: ReengagementRulesBody) => call<{ rules: ReengagementRule[] }>('PUT', '/admin/reengagement-rules', { body }),
  reengagementReport: (id: string) => call<ReengagementReport>('GET', `/admin/reengagement-rules/${encodeURIComponent(id)}/report`),
  levels: () => call<{ levels: Level[] }>('GET', '/admin/levels'),
  saveLevels: (body: LevelsBody) => call<{ levels: Level[] }>('PUT', '/admin/levels', { body }),
  couponTemplates: () => call<{ templates: CouponTemplate[] }>('GET', '/admin/coupon-templates'),
  deleteCouponTemplate: (id: string) => call<void>('DELETE', `/admin/coupon-templates/${encodeURIComponent(id)}`),
  autoreplyRules: () => call<{ rules: AutoreplyRule[] }>('GET', '/admin/autoreply-rules'),
  createRule: (body: AutoreplyRuleCreateBody) => call<AutoreplyRule>('POST', '/admin/autoreply-rules', { body }),
  updateRule: (id: string, body: AutoreplyRuleBody) => call<AutoreplyRule>('PUT', `/admin/autoreply-rules/${encodeURIComponent(id)}`, { body }),
  deleteRule: (id: string) => call<void>('DELETE', `/admin/autoreply-rules/${encodeURIComponent(id)}`),
  tryMessage: (body: TryMessageBody) => call<TryMessageResult>('POST', '/admin/autoreply-rules/try', { body }),
  menu: () => call<StoredMenu>('GET', '/admin/menu'),
  saveMenu: (body: MenuBody) => call<StoredMenu>('PUT', '/admin/menu', { body }),
  publishMenu: () => call<{ published: true }>('POST', '/admin/menu/publish'),
  previewSegment: (body: SegmentPreviewBody) => call<SegmentPreviewResponse>('POST', '/admin/segments/preview', { body }),
  changeTags: (openid: string, body: TagChangeBody) => call<TagChangeResponse>('PUT', `${member(openid)}/tags`, { body }),
  // — broadcasts (preview), coupon templates —
  previewBroadcast: (id: string, body: BroadcastPreviewBody) =>
    call<BroadcastPreviewResponse>('POST', `/admin/broadcasts/${encodeURIComponent(id)}/preview`, { body }),
  createCouponTemplate: (body: CouponTemplateCreateBody) => call<CouponTemplate>('POST', '/admin/coupon-templates', { body }),
  updateCouponTemplate: (id: string, body: CouponTemplateBody) => call<CouponTemplate>('PUT', `/admin/coupon-templates/${encodeURIComponent(id)}`, { body }),
  // — campaigns page —
  updateCampaign: (id: string, body: CampaignSaveBody) => call<CampaignView>('PUT', `/admin/campaigns/${encodeURIComponent(id)}`, { body }),
  previewSplit: (body: SplitPreviewBody) => call<SplitPreviewResponse>('POST', '/admin/campaigns/preview-split', { body }),
  campaignReport: (id: string) => call<CampaignReport>('GET', `/admin/campaigns/${encodeURIComponent(id)}/report`),
  // — members: segment builder, coupons, wallet, level history —
  segmentMembers: (segment: SegmentBody, limit = 20, cursor?: string) =>
    call<SegmentMembersResponse>('GET', `/admin/members?${qs({ segment: JSON.stringify(segment), limit: String(limit), ...(cursor ? { cursor } : {}) })}`),
  coupons: (openid: string, q: CouponListQuery = { status: 'all' }) =>
    call<{ coupons: MemberCoupon[] }>('GET', `${member(openid)}/coupons?${qs({ status: q.status ?? 'valid' })}`),
  redeemCoupon: (code: string, body: CouponRedeemBody) => call<MemberCoupon>('POST', `/admin/coupons/${encodeURIComponent(code)}/redeem`, { body }),
  wallet: (openid: string) => call<Wallet>('GET', `${member(openid)}/wallet`),
  withdraw: (openid: string, body: WithdrawBody) => call<WithdrawResponse>('POST', `${member(openid)}/wallet/withdraw`, { body }),
  // — payouts (held / failed orders) —
  payouts: (state: Exclude<PayoutOrderState, 'paid'>, cursor?: string) =>
    call<PayoutListResponse>('GET', `/admin/payouts?${qs({ state, limit: '50', ...(cursor ? { cursor } : {}) })}`),
  payoutAction: (ref: string, action: 'retry' | 'cancel') => call<PayoutActionResponse>('POST', `/admin/payouts/${encodeURIComponent(ref)}/${action}`),
  levelHistory: (openid: string, q: LevelHistoryQuery = {}) =>
    call<LevelHistoryResponse>('GET', `${member(openid)}/levels?${qs({ limit: String(q.limit ?? 20), ...(q.cursor ? { cursor: q.cursor } : {}) })}`),
};
