import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../clock/clock';
import type { HistoryStore } from '../history/historyStore';
import type { Member } from '../members/member';
import { DEFAULT_HANDOFF_SETTINGS, type Handoff } from './handoff';
import type { InboxStore } from './inboxStore';
import { listConversations } from './listConversations';

const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

const profile = (openid: string, handoff: Handoff, over: Partial<Member> = {}): Member => ({
  openid,
  subscribed: true,
  firstSeenAt: ago(10_000),
  lastInteractionAt: ago(1),
  lastMessageAt: ago(60),
  points: 0,
  level: '普通',
  tags: [],
  handoff,
  ...over,
});

/** An inbox over a list of profiles, recording the conversations written back. */
function inboxOf(members: Member[]) {
  const written: { openid: string; next: Handoff }[] = [];
  const inbox: InboxStore = {
    member: async (openid) => members.find((m) => m.openid === openid),
    inState: async (state) => members.filter((m) => m.handoff?.state === state),
    closed: async () => ({ members: members.filter((m) => m.handoff?.state === 'closed') }),
    replaceHandoff: async (openid, next) => {
      written.push({ openid, next });
      return 'done';
    },
    recordTeamReply: async () => {},
    recordTeamAction: async () => {},
  };
  const history = {} as HistoryStore;
  return { ports: { inbox, history, settings: async () => DEFAULT_HANDOFF_SETTINGS, clock: fixedClock(NOW) }, written };
}

const anyone = { kind: 'anyone' } as const;

test('waiting: the longest wait first (waitingSince, else when they asked); seconds waited, the window left, the newer last message', async () => {
  const { ports } = inboxOf([
    profile('o-recent', { state: 'waiting', via: 'keyword', requestedAt: ago(5), lastTeamAt: ago(5) }, { waitingSince: ago(5) }),
    profile(
      'o-asked-long-ago',
      { state: 'waiting', via: 'menu', requestedAt: ago(20), lastTeamAt: ago(20) },
      {
        lastInbound: { at: ago(2), preview: '还在吗' },
      },
    ),
    profile(
      'o-wrote-first',
      { state: 'waiting', via: 'rule', requestedAt: ago(8), lastTeamAt: ago(8), lastReply: { at: ago(3), preview: '稍等' } },
      {
        waitingSince: ago(30),
        lastInbound: { at: ago(4), preview: '人工' },
      },
    ),
  ]);
  const listed = await listConversations(ports, { state: 'waiting', assignee: anyone, limit: 50 });
  assert.ok(listed.ok);
  const [first, second, third] = listed.value.conversations;
  assert.deepEqual(
    listed.value.conversations.map((c) => c.openid),
    ['o-wrote-first', 'o-asked-long-ago', 'o-recent'],
  );
  assert.equal(first!.waitedSeconds, 30 * 60);
  assert.deepEqual(first!.lastMessage, { direction: 'out', at: ago(3), preview: '稍等' }, 'the reply is newer than what they wrote');
  assert.equal(second!.waitedSeconds, 20 * 60);
  assert.deepEqual(second!.lastMessage, { direction: 'in', at: ago(2), preview: '还在吗' });
  assert.equal(third!.lastMessage, undefined);
  assert.equal(first!.windowLeftSeconds, 47 * 3600, '48 h from their last message, an hour ago');
  assert.equal(first!.botAnswering, false);
  assert.equal(second!.botAnswering, false, 'asked 20 minutes ago: inside the 30-minute idle timeout');
});

test('open: idle past the timeout are closed as idle (compare-and-set on what was read) and left out; assignee filters', async () => {
  const ann = { id: 'sub-ann', name: 'ann@example.com' };
  const bob = { id: 'sub-bob', name: 'bob@example.com' };
  const idle: Handoff = { state: 'open', via: 'keyword', requestedAt: ago(90), assignee: ann, claimedAt: ago(80), lastTeamAt: ago(31) };
  const { ports, written } = inboxOf([
    profile('o-idle', idle),
    profile('o-ann', { state: 'open', via: 'keyword', requestedAt: ago(10), assignee: ann, claimedAt: ago(9), lastTeamAt: ago(9) }),
    profile('o-bob', { state: 'open', via: 'agent', requestedAt: ago(12), assignee: bob, claimedAt: ago(12), lastTeamAt: ago(1) }),
  ]);
  const all = await listConversations(ports, { state: 'open', assignee: anyone, limit: 50 });
  assert.ok(all.ok);
  assert.deepEqual(
    all.value.conversations.map((c) => c.openid),
    ['o-bob', 'o-ann'],
  );
  assert.deepEqual(written, [{ openid: 'o-idle', next: { ...idle, state: 'closed', closedAt: new Date(NOW).toISOString(), closedBy: 'idle' } }]);
  assert.equal(all.value.conversations[0]!.waitedSeconds, 0, 'open and answered: nobody waits');

  const mine = await listConversations(ports, { state: 'open', assignee: { kind: 'person', id: 'sub-ann' }, limit: 50 });
  assert.ok(mine.ok);
  assert.deepEqual(
    mine.value.conversations.map((c) => c.openid),
    ['o-ann'],
  );
  const nobodys = await listConversations(ports, { state: 'open', assignee: { kind: 'none' }, limit: 50 });
  assert.ok(nobodys.ok);
  assert.deepEqual(nobodys.value.conversations, []);
});

test('closed: the window is 0 and the bot answers', async () => {
  const { ports } = inboxOf([
    profile('o-done', { state: 'closed', via: 'keyword', requestedAt: ago(50), lastTeamAt: ago(40), closedAt: ago(39), closedBy: 'ann@example.com' }),
  ]);
  const listed = await listConversations(ports, { state: 'closed', assignee: anyone, limit: 50 });
  assert.ok(listed.ok);
  assert.deepEqual(
    listed.value.conversations.map((c) => [c.openid, c.windowLeftSeconds, c.botAnswering, c.waitedSeconds]),
    [['o-done', 0, true, 0]],
  );
});
