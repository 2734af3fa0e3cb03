import { DAY_MS } from '../segments/match';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Member } from '../members/member';
import { shardOf } from '../segments/shard';
import { putIf, type Table } from '../store/dynamo';
import { sumCounters } from '../store/sumCounters';
import { memberKey, reengageCounterKey, reengagedKey, reengagePk, reengageRunKey, transactWrite } from '../table';

export type TouchOutcome = 'sent' | 'failed' | 'skipped';

/** Who was touched by which rule, when; the rule's counters; and attribution of comebacks. */
export interface TouchStore {
  /** Claims the member for a rule: false while the previous touch is inside the cooldown. */
  claimMember(ruleId: string, openid: string, nowMs: number, cooldownDays: number): Promise<boolean>;
  /** Counts the touch; a sent one opens the member's attribution window. */
  recordTouch(ruleId: string, openid: string, outcome: TouchOutcome, nowMs: number, attributionDays: number): Promise<void>;
  /** Called with the profile after each interaction: a member inside a window counts as re-engaged, once. */
  attribute(member: Pick<Member, 'openid' | 'lastTouch'>, nowMs: number): Promise<boolean>;
  isRunDone(ruleId: string, day: string): Promise<boolean>;
  markRunDone(ruleId: string, day: string, nowMs: number): Promise<void>;
  counters(ruleId: string): Promise<Record<string, number>>;
}

const counterKey = (ruleId: string, openid: string) => reengageCounterKey(ruleId, shardOf(openid));

export function dynamoTouchStore(table: Table): TouchStore {
  const T = table.name;
  return {
    claimMember: (ruleId, openid, nowMs, cooldownDays) =>
      putIf(
        table,
        { ...reengagedKey(openid, ruleId), lastAt: nowMs, expiresAt: Math.floor((nowMs + cooldownDays * DAY_MS) / 1000) + 86_400 },
        'attribute_not_exists(pk) OR lastAt <= :cutoff',
        { ':cutoff': nowMs - cooldownDays * DAY_MS },
      ),

    async recordTouch(ruleId, openid, outcome, nowMs, attributionDays) {
      const at = new Date(nowMs).toISOString();
      const touch = outcome === 'sent' ? { rule: ruleId, at, until: new Date(nowMs + attributionDays * DAY_MS).toISOString() } : undefined;
      const written = await transactWrite(table, {
        counter: {
          Update: {
            Key: counterKey(ruleId, openid),
            UpdateExpression: 'ADD #o :one',
            ExpressionAttributeNames: { '#o': outcome },
            ExpressionAttributeValues: { ':one': 1 },
          },
        },
        touch: touch && {
          Update: {
            Key: memberKey(openid),
            UpdateExpression: 'SET lastTouch = :t',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':t': touch },
          },
        },
      });
      if (written.status === 'cancelled') throw written.error;
    },

    async attribute(member, nowMs) {
      const t = member.lastTouch;
      if (!t || Date.parse(t.until) < nowMs) return false;
      const written = await transactWrite(table, {
        touch: {
          Update: {
            Key: memberKey(member.openid),
            UpdateExpression: 'REMOVE lastTouch',
            ConditionExpression: 'lastTouch.#at = :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': t.at },
          },
        },
        counter: { Update: { Key: counterKey(t.rule, member.openid), UpdateExpression: 'ADD reengaged :one', ExpressionAttributeValues: { ':one': 1 } } },
      });
      if (written.status === 'written') return true;
      if (written.failed.has('touch')) return false; // counted by a parallel push
      throw written.error;
    },

    async isRunDone(ruleId, day) {
      const out = await table.doc.send(new GetCommand({ TableName: T, Key: reengageRunKey(ruleId, day) }));
      return !!out.Item;
    },
    async markRunDone(ruleId, day, nowMs) {
      await putIf(
        table,
        { ...reengageRunKey(ruleId, day), at: new Date(nowMs).toISOString(), expiresAt: Math.floor(nowMs / 1000) + 90 * 86_400 },
        'attribute_not_exists(pk)',
      );
    },

    counters: (ruleId) => sumCounters(table, reengagePk(ruleId)),
  };
}
