import { DAY_MS } from '../segments/match';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { businessDay } from '../clock/timeZone';
import { addDays, endOfLocalDay, startOfLocalDay } from '../coupons/validity';
import type { Member } from '../members/member';
import { membersWithLotsExpiring } from '../members/expirePoints';
import { expiredBy } from '../members/pointLots';
import { yuan } from '../money/yuan';
import { serviceEventsBetween } from '../notices/serviceEvents';
import type { SegmentIndex } from '../segments/select';
import { selectMembers } from '../segments/select';
import { batchGet } from '../store/batchGet';
import type { Table } from '../store/dynamo';
import { blob, decode, decodeMember, isNumber, isString, memberKey, opt, req } from '../table';
import type { ReengagementRule } from './rule';
import type { Candidate } from './runReengagement';

/** What the service-event index leads to: a coupon's member copy, a level notice, a wallet balance. */
const couponEvent = { openid: req(isString), status: opt(isString), title: opt(isString), code: req(isString) };
const levelNotice = { openid: req(isString), status: opt(isString), data: opt(blob<{ from?: string; to?: string }>()) };
const walletEvent = { openid: req(isString), balanceFen: opt(isNumber) };

/** Dormant members stay candidates for a month after they cross the threshold (the cooldown spaces the touches). */
const DORMANCY_BAND_DAYS = 30;

async function profiles(table: Table, openids: string[]): Promise<Map<string, Member>> {
  const found = await batchGet(table, openids.map(memberKey));
  return new Map([...found.values()].map((item) => decodeMember(item)).map((m) => [m.openid, m]));
}

/** Where each trigger's candidates come from: indexes only, never a scan. */
export function dynamoCandidates(table: Table, index: SegmentIndex, timeZone: string) {
  return async (rule: ReengagementRule, nowMs: number): Promise<Candidate[]> => {
    const today = businessDay(nowMs, timeZone);
    const t = rule.trigger;
    switch (t.type) {
      case 'dormant': {
        // The activity index (last interaction) over the dormancy band, narrowed by the rule's segment.
        const segment = { all: [{ dormantDays: { gte: t.days, lte: t.days + DORMANCY_BAND_DAYS } }, ...(rule.segment ? [rule.segment] : [])] };
        const out: Candidate[] = [];
        let cursor: string | undefined;
        do {
          const page = await selectMembers({ index, clock: { now: () => nowMs } }, segment, { limit: 1000, cursor });
          for (const m of page.members)
            out.push({ openid: m.openid, member: m, facts: { days: String(Math.floor((nowMs - Date.parse(m.lastInteractionAt)) / DAY_MS)) } });
          cursor = page.cursor;
        } while (cursor);
        return out;
      }
      case 'pointsExpiring': {
        const day = addDays(today, t.withinDays);
        const members = await profiles(table, await membersWithLotsExpiring(table, day));
        return [...members.values()].flatMap((m) => {
          const points = Math.min(expiredBy(m.pointLots ?? {}, day), m.points);
          return points > 0 ? [{ openid: m.openid, member: m, facts: { points: String(points), date: day } }] : [];
        });
      }
      case 'couponExpiring': {
        const day = addDays(today, t.withinDays);
        const items = await serviceEventsBetween(
          table,
          'COUPONEXP',
          new Date(startOfLocalDay(day, timeZone)).toISOString(),
          new Date(endOfLocalDay(day, timeZone)).toISOString(),
        );
        return items
          .map((i) => decode(i, couponEvent, 'coupon expiry'))
          .filter((i) => i.status === 'issued')
          .map((i) => ({ openid: i.openid, facts: { coupon: i.title ?? '', date: day, code: i.code } }));
      }
      case 'levelChanged': {
        const items = await serviceEventsBetween(table, 'LEVELNOTICE', '', new Date(nowMs).toISOString());
        return items
          .map((i) => decode(i, levelNotice, 'level notice'))
          .filter((i) => i.status === 'pending')
          .map((i) => {
            const data = i.data ?? {};
            return {
              openid: i.openid,
              facts: { level: data.to ?? '', from: data.from ?? '' },
              // Out of the index once told (or skipped), so the minute schedule reads only new changes.
              handled: async () => {
                await table.doc.send(
                  new UpdateCommand({
                    TableName: table.name,
                    Key: { pk: i.pk, sk: i.sk },
                    UpdateExpression: 'SET #s = :sent REMOVE gsi1pk, gsi1sk',
                    ExpressionAttributeNames: { '#s': 'status' },
                    ExpressionAttributeValues: { ':sent': 'sent' },
                  }),
                );
              },
            };
          });
      }
      case 'streakAtRisk': {
        // Yesterday's sign-ins; those who signed in again today, or whose streak is short, are not at risk.
        const yesterday = addDays(today, -1);
        const items = await serviceEventsBetween(
          table,
          'SIGNIN',
          new Date(startOfLocalDay(yesterday, timeZone)).toISOString(),
          new Date(endOfLocalDay(yesterday, timeZone)).toISOString(),
        );
        const members = await profiles(table, [...new Set(items.map((i) => String(i.openid)))]);
        return [...members.values()].flatMap((m) =>
          m.lastSignInDay === yesterday && (m.signInStreak ?? 0) >= t.minStreak
            ? [{ openid: m.openid, member: m, facts: { streak: String(m.signInStreak), next: String((m.signInStreak ?? 0) + 1) } }]
            : [],
        );
      }
      case 'walletUnclaimed': {
        const from = new Date(nowMs - (t.afterDays + 1) * DAY_MS).toISOString();
        const to = new Date(nowMs - t.afterDays * DAY_MS).toISOString();
        const items = await serviceEventsBetween(table, 'WALLETCREDIT', from, to);
        return items
          .map((i) => decode(i, walletEvent, 'wallet credit'))
          .filter((i) => (i.balanceFen ?? 0) >= t.minFen)
          .map((i) => ({ openid: i.openid, facts: { balance: yuan(Number(i.balanceFen)) } }));
      }
    }
  };
}
