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

/** The admin token lives in sessionStorage only (gone with the tab; never in the URL). */
const TOKEN_KEY = 'console.adminToken';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  save: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: ApiIssue[] = [],
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

async function call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, opts: { body?: unknown; token?: string } = {}): Promise<T> {
  const token = opts.token ?? session.token() ?? '';
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const d = (data ?? {}) as { error?: string; issues?: ApiIssue[] };
    const err = new ApiError(res.status, d.error ?? `HTTP ${res.status}`, d.issues ?? []);
    if (res.status === 401 && opts.token === undefined) onUnauthorized();
    throw err;
  }
  return data as T;
}

const qs = (q: Record<string, string>) => new URLSearchParams(q).toString();
const member = (openid: string) => `/admin/members/${encodeURIComponent(openid)}`;

export const api = {
  /** Also the sign-in check: a wrong token answers 401. */
  account: (token?: string) => call<AccountInfo>('GET', '/admin/account', { token }),
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
