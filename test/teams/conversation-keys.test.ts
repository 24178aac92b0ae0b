import { expect } from 'chai';
import type { ConversationRecord } from '../../src/app/ports';
import { rekeyed } from '../../src/store/conversation-keys';
import { withoutThread } from '../../src/store/conversations';
import { conversationKeyOf, parseActivity, referenceOf, removalOf } from '../../src/teams/activities';

/** How conversations are keyed (docs/rules.md#R-outbox-conversations), from activities as Teams sends them. */
describe('conversation keys', () => {
  const TENANT = '00000000-0000-0000-0000-0000000000001';
  const TEAM = '19:team@thread.tacv2';
  const CHANNEL = '19:channel@thread.tacv2';
  const BOT = '28:bot-id';

  const activity = (fields: Record<string, unknown>) => {
    const parsed = parseActivity({
      type: 'message',
      id: 'activity-1',
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
      from: { id: '29:user', name: 'Alex', aadObjectId: 'aad-alex' },
      recipient: { id: BOT, name: 'UB Bot' },
      conversation: { id: 'a:personal', conversationType: 'personal', tenantId: TENANT },
      ...fields,
    });
    if ('problem' in parsed) throw new Error(parsed.problem);
    return parsed.activity;
  };
  const inChannel = (fields: Record<string, unknown> = {}, channelData: object = { channel: { id: CHANNEL } }) =>
    activity({
      conversation: { id: `${CHANNEL};messageid=1700000000001`, conversationType: 'channel', tenantId: TENANT },
      channelData: { tenant: { id: TENANT }, team: { id: TEAM }, ...channelData },
      ...fields,
    });
  /** A team-wide event: its conversation is the team's General channel, whose id is the team's. */
  const teamEvent = (fields: Record<string, unknown>, channelData: object = {}) =>
    inChannel({ type: 'conversationUpdate', conversation: { id: TEAM, conversationType: 'channel', tenantId: TENANT }, ...fields }, channelData);
  const groupChat = (id = '19:chat@thread.v2', fields: Record<string, unknown> = {}) =>
    activity({ conversation: { id, conversationType: 'groupChat', tenantId: TENANT }, ...fields });

  describe('conversationKeyOf', () => {
    it('a personal chat: the person, by Entra id (else the channel user id)', () => {
      expect(conversationKeyOf(activity({}))).to.equal('person:aad-alex');
      expect(conversationKeyOf(activity({ from: { id: '29:user' } }))).to.equal('person:29:user');
    });

    it('a channel message, whatever its thread: the team and the channel', () => {
      expect(conversationKeyOf(inChannel())).to.equal(`team:${TEAM}:channel:${CHANNEL}`);
      const other = inChannel({ conversation: { id: `${CHANNEL};messageid=1700000000999`, conversationType: 'channel' } });
      expect(conversationKeyOf(other)).to.equal(`team:${TEAM}:channel:${CHANNEL}`);
    });

    it('a team-wide event names no channel: the General channel, its conversation', () => {
      expect(conversationKeyOf(teamEvent({ membersAdded: [{ id: BOT }] }))).to.equal(`team:${TEAM}:channel:${TEAM}`);
    });

    it('a group chat, or a channel Teams names no team for: the conversation without the thread', () => {
      expect(conversationKeyOf(groupChat())).to.equal('conversation:19:chat@thread.v2');
      expect(conversationKeyOf(groupChat('19:chat@thread.v2;messageid=17'))).to.equal('conversation:19:chat@thread.v2');
      expect(conversationKeyOf(inChannel({ channelData: { tenant: { id: TENANT } } }))).to.equal(`conversation:${CHANNEL}`);
    });

    it('withoutThread drops `;messageid=…` and nothing else', () => {
      expect(withoutThread(`${CHANNEL};messageid=1`)).to.equal(CHANNEL);
      expect(withoutThread(`${CHANNEL};MessageId=1`)).to.equal(CHANNEL);
      expect(withoutThread('a:1x2y;z')).to.equal('a:1x2y;z');
    });
  });

  describe('referenceOf', () => {
    it('has no last message id, and addresses the channel, never the thread', () => {
      const reference = referenceOf(inChannel());
      expect(reference).not.to.have.property('activityId');
      expect(reference.conversation).to.deep.equal({ id: CHANNEL, conversationType: 'channel', tenantId: TENANT });
      expect(reference).to.include({ serviceUrl: 'https://smba.trafficmanager.net/uk/', channelId: 'msteams' });
    });

    it('a personal chat keeps its conversation', () => {
      expect(referenceOf(activity({})).conversation).to.deep.equal({ id: 'a:personal', conversationType: 'personal', tenantId: TENANT });
    });
  });

  describe('removalOf', () => {
    it('the bot removed from, or uninstalled in, a team: every channel of the team', () => {
      expect(removalOf(teamEvent({ membersRemoved: [{ id: BOT }] }, { eventType: 'teamMemberRemoved' }))).to.deep.equal({ teamId: TEAM });
      expect(removalOf(teamEvent({ type: 'installationUpdate', action: 'remove' }))).to.deep.equal({ teamId: TEAM });
      expect(removalOf(teamEvent({ type: 'installationUpdate', action: 'remove-upgrade' }))).to.deep.equal({ teamId: TEAM });
    });

    it('a team archived or deleted: every channel of the team; a channel deleted: that channel', () => {
      for (const eventType of ['teamArchived', 'teamDeleted', 'teamHardDeleted'])
        expect(removalOf(teamEvent({}, { eventType })), eventType).to.deep.equal({ teamId: TEAM });
      const deleted = teamEvent({}, { eventType: 'channelDeleted', channel: { id: '19:gone@thread.tacv2' } });
      expect(removalOf(deleted)).to.deep.equal({ key: `team:${TEAM}:channel:19:gone@thread.tacv2` });
    });

    it('a personal chat or group chat: that conversation', () => {
      expect(removalOf(activity({ type: 'installationUpdate', action: 'remove' }))).to.deep.equal({ key: 'person:aad-alex' });
      expect(removalOf(groupChat(undefined, { type: 'conversationUpdate', membersRemoved: [{ id: BOT }] }))).to.deep.equal({
        key: 'conversation:19:chat@thread.v2',
      });
    });

    it('anything else removes nothing', () => {
      expect(removalOf(inChannel())).to.equal(null);
      expect(removalOf(teamEvent({ membersRemoved: [{ id: '29:someone' }] }, { eventType: 'teamMemberRemoved' }))).to.equal(null);
      expect(removalOf(teamEvent({ type: 'installationUpdate', action: 'add' }))).to.equal(null);
      for (const eventType of ['teamRenamed', 'channelCreated', 'channelRenamed', 'teamRestored'])
        expect(removalOf(teamEvent({}, { eventType })), eventType).to.equal(null);
      expect(removalOf(teamEvent({}, { eventType: 'channelDeleted' })), 'no channel named').to.equal(null);
      expect(removalOf(inChannel({}, { channel: { id: CHANNEL }, eventType: 'teamDeleted' })), 'a message').to.equal(null);
    });
  });

  describe('rekeyed (records stored under the old keys)', () => {
    const record = (conversationId: string, reference: Record<string, unknown> = {}): ConversationRecord => ({
      id: `conversation:${conversationId}`,
      reference: { channelId: 'msteams', conversation: { id: conversationId, conversationType: 'channel' }, ...reference },
      userId: null,
      updatedAt: '2026-01-01T00:00:00.000Z',
      dead: null,
    });

    it('a channel thread whose reference names the team: the team and channel, addressing the channel', () => {
      const old = record(`${CHANNEL};messageid=1`, { channelData: { team: { id: TEAM }, channel: { id: CHANNEL } } });
      const now = rekeyed(old)!;
      expect(now.id).to.equal(`team:${TEAM}:channel:${CHANNEL}`);
      expect(now.reference.conversation).to.deep.equal({ id: CHANNEL, conversationType: 'channel' });
      expect(now).to.include({ userId: null, updatedAt: old.updatedAt, dead: null });
    });

    it('a channel whose team is not known cannot be keyed', () => {
      expect(rekeyed(record(`${CHANNEL};messageid=1`))).to.equal(null);
      expect(rekeyed(record(CHANNEL))).to.equal(null);
    });

    it('a group chat keeps its key; a chat thread loses the thread', () => {
      const chat = record('19:chat@thread.v2', { conversation: { id: '19:chat@thread.v2', conversationType: 'groupChat' } });
      expect(rekeyed(chat)).to.deep.equal(chat);
      const thread = record('19:chat@thread.v2;messageid=5', { conversation: { id: '19:chat@thread.v2;messageid=5' } });
      expect(rekeyed(thread)).to.deep.include({ id: 'conversation:19:chat@thread.v2' });
      expect(rekeyed(thread)!.reference.conversation).to.deep.equal({ id: '19:chat@thread.v2' });
    });
  });
});
