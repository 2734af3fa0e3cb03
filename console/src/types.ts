/**
 * The admin API's request and response types, taken from the server's own zod schemas and types, so
 * a field renamed on one side breaks `tsc` on the other. Type-only imports: none of the server code
 * reaches the bundle.
 */
import type { z } from 'zod';
import type { AccountInfo } from '../../lib/admin/accountRoutes';
import type { rangeSchema } from '../../lib/stats/adminRoutes';
import type { DailyStatsResponse } from '../../lib/stats/dailyStatsBetween';
import type { DayNumbers } from '../../lib/stats/dailyStats';
import type { pointsChangeSchema } from '../../lib/members/adminRoutes';
import type { Member } from '../../lib/members/member';
import type { PointsEntry } from '../../lib/members/points';
import type { SearchHit } from '../../lib/members/searchMembers';
import type { EraseResult } from '../../lib/privacy/eraseMember';
import type { rulesSchema, ReengagementRule } from '../../lib/reengage/rule';
import type { levelsSchema } from '../../lib/levels/levelsSchema';
import type { Level } from '../../lib/levels/levels';
import type { CouponTemplate } from '../../lib/coupons/coupon';
import type { broadcastSchema } from '../../lib/broadcast/broadcastSchema';
import type { BroadcastRecord } from '../../lib/broadcast/broadcast';
import type { BroadcastProgress, BroadcastStatus } from '../../lib/broadcast/progress';
import type { campaignSchema } from '../../lib/redpacket/campaign';
import type { CampaignRecord, CampaignStatus } from '../../lib/redpacket/campaignRecord';
import type { Segment } from '../../lib/segments/segment';
import type { previewSchema as segmentPreviewSchema } from '../../lib/segments/adminRoutes';
import type { tagChangeSchema } from '../../lib/tags/tagSchemas';
import type { ruleInputSchema, Rule as AutoreplyRule, ReplySpec } from '../../lib/autoreply/rule';
import type { createSchema as ruleCreateSchema, trySchema } from '../../lib/autoreply/adminRoutes';
import type { menuSchema, MenuDefinition } from '../../lib/menu/menu';
import type { StoredMenu } from '../../lib/menu/menuStore';

export type { AccountInfo, DailyStatsResponse, DayNumbers, EraseResult, Member, PointsEntry, SearchHit };

/** GET /admin/members/search?q= */
export interface MemberSearchResponse {
  q: string;
  hits: SearchHit[];
}

/** GET /admin/stats/daily?from=…&to=… */
export type DailyStatsQuery = z.input<typeof rangeSchema>;
/** POST /admin/members/{openid}/points */
export type PointsChangeBody = z.input<typeof pointsChangeSchema>;
/** PUT /admin/members/{openid}/tags */
export type TagChangeBody = z.input<typeof tagChangeSchema>;
export interface TagChangeResponse {
  openid: string;
  tags: string[];
}
/** GET /admin/members/{openid} */
export type MemberProfile = Member & { serviceWindowEndsAt: string | null };
/** GET /admin/members/{openid}/points */
export interface PointsLedgerResponse {
  balance: number;
  lifetimePoints: number;
  ledger: PointsEntry[];
  cursor: string | null;
}
/** POST /admin/members/{openid}/points (201) */
export interface PointsChangeResponse {
  balance: number;
  level: string;
  entry: PointsEntry;
}

/** POST /admin/campaigns */
export type CampaignBody = z.input<typeof campaignSchema>;
/** A campaign as GET /admin/campaigns lists it. */
export type CampaignView = CampaignRecord & { status: CampaignStatus };

/** POST /admin/broadcasts */
export type BroadcastBody = z.input<typeof broadcastSchema>;
/** A broadcast as GET /admin/broadcasts and /admin/broadcasts/{id} show it. */
export type BroadcastView = BroadcastRecord & { status: BroadcastStatus; progress: BroadcastProgress };

/** PUT /admin/reengagement-rules (GET answers the parsed rules) */
export type ReengagementRulesBody = z.input<typeof rulesSchema>;
export type { ReengagementRule };
/** GET /admin/reengagement-rules/{id}/report */
export type { ReengagementReport } from '../../lib/reengage/reengagementReport';

/** PUT /admin/levels (GET answers the levels as saved) */
export type LevelsBody = z.input<typeof levelsSchema>;
export type { CouponTemplate, Level };

/** POST /admin/autoreply-rules (PUT /admin/autoreply-rules/{id} takes the same without id) */
export type AutoreplyRuleCreateBody = z.input<typeof ruleCreateSchema>;
export type AutoreplyRuleBody = z.input<typeof ruleInputSchema>;
/** POST /admin/autoreply-rules/try */
export type TryMessageBody = z.input<typeof trySchema>;
export interface TryMessageResult {
  ruleId: string | null;
  reply: ReplySpec | null;
}
export type { AutoreplyRule, ReplySpec };
/** PUT /admin/menu (the server parses each top button as one shape; the console builds the parsed form) */
export type MenuBody = z.input<typeof menuSchema> & MenuDefinition;
export type { MenuDefinition, StoredMenu };

/** A segment of the CRM filter language, as every form that takes one sends it. */
export type SegmentBody = Segment;
/** POST /admin/segments/preview */
export type SegmentPreviewBody = z.input<typeof segmentPreviewSchema>;
export interface SegmentPreviewResponse {
  count: number;
  sample: string[];
  itemsRead: number;
}

/** A 400 from the admin API names the fields it refuses. */
export interface ApiIssue {
  path: string;
  message: string;
}

// — broadcasts, re-engagement and coupon-template forms —
import type { previewSchema as broadcastPreviewSchema } from '../../lib/broadcast/broadcastSchema';
import type { PreviewResult as BroadcastPreviewResult } from '../../lib/broadcast/previewBroadcast';
import type { ruleSchema as reengagementRuleSchema } from '../../lib/reengage/rule';
import type { templateCreateSchema, templateInputSchema } from '../../lib/coupons/couponSchemas';

/** POST /admin/broadcasts/{id}/preview */
export type BroadcastPreviewBody = z.input<typeof broadcastPreviewSchema>;
export interface BroadcastPreviewResponse {
  results: BroadcastPreviewResult[];
}
export type { BroadcastPreviewResult };
/** One rule of PUT /admin/reengagement-rules, as the form builds it. */
export type ReengagementRuleBody = z.input<typeof reengagementRuleSchema>;
/** POST /admin/coupon-templates; PUT /admin/coupon-templates/{id} takes the same (id may be left out). */
export type CouponTemplateCreateBody = z.input<typeof templateCreateSchema>;
export type CouponTemplateBody = z.input<typeof templateInputSchema>;
// — campaigns page —
import type { saveSchema as campaignSaveSchema, splitPreviewSchema } from '../../lib/redpacket/adminRoutes';
import type { CampaignReport, RoundReport } from '../../lib/redpacket/report';
/** PUT /admin/campaigns/{id}: the campaign and the `version` it was read at. */
export type CampaignSaveBody = z.input<typeof campaignSaveSchema>;
/** POST /admin/campaigns/preview-split */
export type SplitPreviewBody = z.input<typeof splitPreviewSchema>;
export interface SplitPreviewResponse {
  /** Each sample: the shares in fen, summing to the round's total. */
  samples: number[][];
}
/** GET /admin/campaigns/{id}/report */
export type { CampaignReport, RoundReport };
export type { BudgetProof } from '../../lib/redpacket/budget';
// — members: segment builder, coupons, wallet, level history —
import type { couponsOf } from '../../lib/coupons/issueCoupon';
import type { couponListSchema, redeemSchema } from '../../lib/coupons/adminRoutes';
import type { Wallet, WithdrawResult } from '../../lib/wallet/wallet';
import type { withdrawSchema } from '../../lib/wallet/adminRoutes';
import type { LevelChange } from '../../lib/levels/levelHistory';
import type { levelHistoryQuerySchema } from '../../lib/levels/adminRoutes';

/** GET /admin/members?segment=…&limit=… (one page of the segment's members) */
export interface SegmentMembersResponse {
  members: Member[];
  cursor: string | null;
  itemsRead: number;
}
/** GET /admin/members/{openid}/coupons?status=… */
export type CouponListQuery = z.input<typeof couponListSchema>;
/** A coupon as the member's list shows it: the stored coupon and its state now. */
export type MemberCoupon = Awaited<ReturnType<typeof couponsOf>>[number];
/** POST /admin/coupons/{code}/redeem */
export type CouponRedeemBody = z.input<typeof redeemSchema>;
/** GET /admin/members/{openid}/wallet */
export type { Wallet };
/** POST /admin/members/{openid}/wallet/withdraw (201 created, 200 duplicate; 409 carries the refusal) */
export type WithdrawBody = z.input<typeof withdrawSchema>;
export type WithdrawResponse = Extract<WithdrawResult, { status: 'created' | 'duplicate' }>;
/** GET /admin/members/{openid}/levels */
export type LevelHistoryQuery = z.input<typeof levelHistoryQuerySchema>;
export interface LevelHistoryResponse {
  changes: LevelChange[];
  cursor: string | null;
}

/** GET /admin/payouts?state=&cursor= and the retry / cancel answers (lib/payouts/operatorRequests.ts). */
import type { PayoutView } from '../../lib/payouts/payoutView';
import type { PayoutOrderState } from '../../lib/payouts/payoutStore';
export type { PayoutView, PayoutOrderState };
export interface PayoutListResponse {
  payouts: PayoutView[];
  cursor: string | null;
}
export interface PayoutActionResponse {
  action: 'requeued' | 'reordered' | 'already-reordered' | 'refunded-to-wallet' | 'cancelled' | 'already-cancelled';
  message?: string;
  refundedToWallet?: boolean;
  payout: PayoutView;
  previous?: PayoutView;
}

// — issue 13: people, sessions, audit, approvals —
import type { Principal, Role } from '../../lib/identity/roles';
import type { Session, SessionAnswer } from '../../lib/identity/sessions';
import type { Person } from '../../lib/people/directory';
import type { AuditEntry } from '../../lib/audit/auditEntry';
import type { AuditPage } from '../../lib/audit/auditLog';
import type { auditQuerySchema } from '../../lib/audit/readAudit';
export type { AuditEntry, AuditPage, Person, Principal, Role };
/** GET /admin/me: who is calling and every route ("METHOD /admin/path/{param}") they may call. */
export interface Me {
  username: string;
  roles: Role[];
  via: Principal['via'];
  allowed: string[];
}
/** POST /admin/session, /admin/session/new-password (a session or the new-password challenge); /admin/session/refresh (a session) */
export type SignedIn = Session;
export type SignInResponse = SessionAnswer;
/** POST /admin/users (answers the temporary password once) */
export interface PersonCreateBody {
  email: string;
  name?: string;
  roles: Role[];
}
export interface PersonCreated {
  user: Person;
  temporaryPassword: string;
}
/** GET /admin/audit?from&to&actor&kind&cursor&limit (query values as the URL carries them) */
export type AuditQuery = { [K in keyof z.input<typeof auditQuerySchema>]?: string };
/** GET /admin/approvals?state=…, POST /admin/approvals/{id}/approve|reject */
import type { Approval, ApprovalState } from '../../lib/approvals/approval';
export type { Approval, ApprovalState };
// — issue 14: conversations (history, inbox, handoff) —
import type { ConversationMessage, SentBy } from '../../lib/history/message';
import type { ConversationState, HandoffSettings } from '../../lib/handoff/handoff';
/** GET / PUT /admin/handoff-settings */
export type { ConversationMessage, ConversationState, HandoffSettings, SentBy };
import type { ConversationEntry, ConversationList } from '../../lib/handoff/listConversations';
import type { ReplyRequest } from '../../lib/handoff/replyToMember';
import type { QuickReply } from '../../lib/handoff/quickReplies';
/** GET /admin/conversations?state=&assignee=&cursor= (one row each); GET / PUT /admin/quick-replies */
export type { ConversationEntry, ConversationList, QuickReply };
export type ConversationQuery = { state: ConversationState; assignee?: 'me' | 'none' | string; cursor?: string };
/** GET /admin/members/{openid}/conversation?cursor=&limit= (newest first) */
export type { HistoryPage as ConversationPage } from '../../lib/history/historyStore';
/** POST /admin/conversations/{openid}/replies */
export type ReplyBody = ReplyRequest;
/** Why WeChat refused a reply (409), and what the agent can do instead. */
export type RefusalReason = 'window' | 'too-many' | 'unfollowed';
