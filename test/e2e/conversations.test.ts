import { expect } from 'chai';
import type { ConversationRecord } from '../../src/app/ports';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { openCosmos } from '../../src/store/cosmos';
import { EMULATOR_KEY, startEmbeddedCosmos, type EmbeddedCosmos } from '../../src/store/embedded';
import { createTeamsRuntime } from '../../src/teams/adapter';
import { TeamsMessenger } from '../../src/teams/messenger';
import { PEOPLE, TENANT, startHarness, type Harness } from '../support/harness';

/** Where the bot can reach people and channels proactively (docs/rules.md#R-outbox-conversations), and what it shows where (docs/rules.md#R-roles-personal-chat). */
describe('conversation references and scopes (end to end)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  const read = async (id: string) => {
    const { resource } = await h.bot.cosmos.containers.conversations.item(id, id).read();
    return resource ?? null;
  };
  const HOUSING_GENERAL = 'team:19:team-housing@thread.tacv2:channel:19:housing-general@thread.tacv2';
  const channel = (extra: object = {}) => ({
    conversation: { id: '19:housing-general@thread.tacv2', conversationType: 'channel', tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, channel: { id: '19:housing-general@thread.tacv2' }, team: { id: '19:team-housing@thread.tacv2' } },
    ...extra,
  });

  it('a personal chat is saved by the person’s Entra id, without the last message id (proactive posts are new messages)', async () => {
    await h.message('help', 'lynne');
    const record = await read(`person:${PEOPLE.lynne.aadObjectId}`);
    expect(record).to.include({ userId: PEOPLE.lynne.id, dead: null });
    expect(record!.reference).to.include({ serviceUrl: h.connector.url });
    expect(record!.reference).not.to.have.property('activityId');
  });

  it('the bot added to a channel: the channel is saved and welcomed', async () => {
    const res = await h.post(h.activity('conversationUpdate', 'alex', channel({ membersAdded: [{ id: '28:bot-id' }] })));
    expect(res.status).to.equal(200);
    expect(await read(HOUSING_GENERAL)).to.include({ userId: null });
    expect(res.replies).to.have.length(1);
  });

  it('in a channel, commands that show customer details are refused (need-to-know); help works', async () => {
    for (const text of ['<at>UB Bot</at> check T004512', '<at>UB Bot</at> my reports', 'report', 'pending', 'case UB-234-567']) {
      const res = await h.post(
        h.activity(
          'message',
          'alex',
          channel({ text, entities: [{ type: 'mention', text: '<at>UB Bot</at>', mentioned: { id: '28:bot-id', name: 'UB Bot' } }] }),
        ),
      );
      expect(String(res.replies[0]!.body.text), text).to.include('only works in a personal chat');
    }
    const help = await h.post(h.activity('message', 'alex', channel({ text: 'help' })));
    expect(help.replies[0]!.body.attachments).to.have.length(1);
  });

  it('in a channel, card actions are refused (their answer would replace the card for everyone there)', async () => {
    const res = await h.post(
      h.activity(
        'invoke',
        'alex',
        channel({
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: 'incident.form', data: { category: 'aggressive' } } },
        }),
      ),
    );
    expect(res.status).to.equal(403);
    expect(JSON.stringify(res.body)).to.include('PersonalChatOnly');
  });

  it('uninstalled from a personal chat: kept, marked as removed by them, so the app is never installed for them again (R-outbox-install)', async () => {
    await h.message('help', 'isaiah');
    expect(await read(`person:${PEOPLE.isaiah.aadObjectId}`)).to.include({ dead: null });
    const res = await h.post(h.activity('installationUpdate', 'isaiah', { action: 'remove' }));
    expect(res.status).to.equal(200);
    expect((await read(`person:${PEOPLE.isaiah.aadObjectId}`))!.dead).to.include({ status: null });
    // Installed again by them: they are back.
    await h.post(h.activity('installationUpdate', 'isaiah', { action: 'add' }));
    expect(await read(`person:${PEOPLE.isaiah.aadObjectId}`)).to.include({ dead: null });
  });

  it('bot removed from a channel: the channel reference is deleted', async () => {
    await h.post(h.activity('message', 'alex', channel({ text: 'help' })));
    expect(await read(HOUSING_GENERAL)).not.to.equal(null);
    await h.post(h.activity('conversationUpdate', 'alex', channel({ membersRemoved: [{ id: '28:bot-id' }] })));
    expect(await read(HOUSING_GENERAL)).to.equal(null);
  });
});

/**
 * A team's channels are keyed by team and channel, whatever thread a message comes from, so the events that remove the
 * bot find the records its messages made (docs/rules.md#R-outbox-conversations). Records stored under the old keys are
 * rekeyed at start: they are seeded in Cosmos before the bot starts.
 */
describe('channels keyed by team and channel (end to end)', () => {
  const TEAM = '19:team-estates@thread.tacv2';
  const REPAIRS = '19:estates-repairs@thread.tacv2';
  const ROTA = '19:estates-rota@thread.tacv2';
  const OLD_TEAM = '19:team-old@thread.tacv2';
  const OLD_CHANNEL = '19:old-channel@thread.tacv2';
  const key = (team: string, channel: string) => `team:${team}:channel:${channel}`;

  const oldRecord = (conversationId: string, updatedAt: string, extra: object = {}) => ({
    id: `conversation:${conversationId}`,
    reference: {
      channelId: 'msteams',
      serviceUrl: 'https://smba.trafficmanager.net/uk/',
      conversation: { id: conversationId, conversationType: 'channel', tenantId: TENANT },
      ...extra,
    },
    userId: null,
    updatedAt,
    dead: null,
  });
  const seeded = [
    oldRecord(`${OLD_CHANNEL};messageid=1700000000001`, '2026-01-01T09:00:00.000Z', {
      channelData: { team: { id: OLD_TEAM }, channel: { id: OLD_CHANNEL } },
    }),
    oldRecord(`${OLD_CHANNEL};messageid=1700000000002`, '2026-02-01T09:00:00.000Z', {
      channelData: { team: { id: OLD_TEAM }, channel: { id: OLD_CHANNEL } },
      locale: 'the newest',
    }),
    oldRecord('19:team-unknown@thread.tacv2;messageid=1700000000003', '2026-02-01T09:00:00.000Z'),
    {
      ...oldRecord('19:group-chat@thread.v2', '2026-01-01T09:00:00.000Z'),
      reference: { channelId: 'msteams', conversation: { id: '19:group-chat@thread.v2', conversationType: 'groupChat', tenantId: TENANT } },
    },
    {
      id: `person:${PEOPLE.megan.aadObjectId}`,
      reference: { channelId: 'msteams' },
      userId: PEOPLE.megan.id,
      updatedAt: '2026-01-01T09:00:00.000Z',
      dead: null,
    },
  ];

  let cosmos: EmbeddedCosmos;
  let h: Harness;
  before(async () => {
    cosmos = await startEmbeddedCosmos();
    const db = await openCosmos({ endpoint: cosmos.endpoint, database: 'ubp', timeoutMs: 5000 });
    for (const record of seeded) await db.containers.conversations.items.create(record);
    db.client.dispose();
    h = await startHarness({ COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: EMULATOR_KEY, COSMOS_ATOMIC_BATCH: 'false' });
  });
  after(async () => {
    await h.stop();
    await cosmos.close();
  });

  const read = async (id: string) => {
    const { resource } = await h.bot.cosmos.containers.conversations.item(id, id).read();
    return resource ?? null;
  };
  const ids = async () => {
    const { resources } = await h.bot.cosmos.containers.conversations.items.query<string>('SELECT VALUE c.id FROM c').fetchAll();
    return resources.sort();
  };
  /** An activity in the Estates team, as Teams sends it: the team and channel in channelData. */
  const inTeam = (type: string, conversationId: string, channelData: object, extra: object = {}) =>
    h.activity(type, 'alex', {
      conversation: { id: conversationId, conversationType: 'channel', tenantId: TENANT },
      channelData: { tenant: { id: TENANT }, team: { id: TEAM, name: 'Estates' }, ...channelData },
      ...extra,
    });
  const messageIn = (channel: string, thread: number, team = TEAM) =>
    h.activity('message', 'alex', {
      text: 'help',
      conversation: { id: `${channel};messageid=${thread}`, conversationType: 'channel', tenantId: TENANT },
      channelData: { tenant: { id: TENANT }, team: { id: team }, channel: { id: channel } },
    });

  it('at start, old records are rekeyed once: a channel’s threads become one record addressing the channel; others stay', async () => {
    const rekeyed = await read(key(OLD_TEAM, OLD_CHANNEL));
    expect(rekeyed).to.include({ updatedAt: '2026-02-01T09:00:00.000Z', userId: null, dead: null });
    expect(rekeyed.reference).to.include({ locale: 'the newest' });
    expect(rekeyed.reference.conversation).to.deep.equal({ id: OLD_CHANNEL, conversationType: 'channel', tenantId: TENANT });
    expect(await ids(), 'a channel whose team is unknown is dropped (its next message saves it); a group chat and a person stay').to.deep.equal(
      ['conversation:19:group-chat@thread.v2', `person:${PEOPLE.megan.aadObjectId}`, key(OLD_TEAM, OLD_CHANNEL)].sort(),
    );
    const { resource: lease } = await h.bot.cosmos.containers.leases.item('migration:conversation-keys:1', 'migration:conversation-keys:1').read();
    expect(lease).to.include({ written: 1, deleted: 3 });
  });

  it('the rekeyed record is the one the team’s uninstall removes', async () => {
    const res = await h.post(
      h.activity('installationUpdate', 'alex', {
        action: 'remove',
        conversation: { id: OLD_TEAM, conversationType: 'channel', tenantId: TENANT },
        channelData: { tenant: { id: TENANT }, team: { id: OLD_TEAM } },
      }),
    );
    expect(res.status).to.equal(200);
    expect(await read(key(OLD_TEAM, OLD_CHANNEL))).to.equal(null);
  });

  it('a message in a channel thread and the uninstall event (the bare team id) refer to one record', async () => {
    expect((await h.post(messageIn(REPAIRS, 1700000000100))).status).to.equal(200);
    expect(await read(key(TEAM, REPAIRS))).not.to.equal(null);
    const res = await h.post(inTeam('installationUpdate', TEAM, {}, { action: 'remove' }));
    expect(res.status).to.equal(200);
    expect(await read(key(TEAM, REPAIRS))).to.equal(null);
    expect(await read(`person:${PEOPLE.megan.aadObjectId}`), 'people are not the team’s').not.to.equal(null);
  });

  it('two threads of one channel make one record, addressing the channel: a proactive message starts a new thread', async () => {
    await h.post(messageIn(REPAIRS, 1700000000200));
    await h.post(messageIn(REPAIRS, 1700000000300));
    expect((await ids()).filter((id) => id.includes(REPAIRS))).to.deep.equal([key(TEAM, REPAIRS)]);
    const { reference } = (await read(key(TEAM, REPAIRS))) as ConversationRecord;
    expect(reference.conversation).to.include({ id: REPAIRS });
    expect(reference).not.to.have.property('activityId');

    const runtime = createTeamsRuntime(loadConfig({ PORT: '0' }), createLogger('silent'));
    h.connector.clear();
    await new TeamsMessenger(runtime.adapter, '').send(reference, { type: 'AdaptiveCard', version: '1.5', body: [] }, 'Weekly digest');
    // Posted to the channel's own conversation, not a thread's (`…;messageid=…`): Teams makes it a new post.
    const [sent] = h.connector.received;
    expect(h.connector.received).to.have.length(1);
    expect(sent!.path).to.match(new RegExp(`^/v3/conversations/${encodeURIComponent(REPAIRS)}/activities(/|$)`));
    expect(sent!.body.conversation).to.include({ id: REPAIRS });
  });

  it('a channel deleted event removes only that channel; the bot removed from the team removes the rest', async () => {
    await h.post(messageIn(REPAIRS, 1700000000400));
    await h.post(messageIn(ROTA, 1700000000500));
    const res = await h.post(inTeam('conversationUpdate', TEAM, { channel: { id: ROTA, name: 'Rota' }, eventType: 'channelDeleted' }));
    expect(res.status).to.equal(200);
    expect(await read(key(TEAM, ROTA))).to.equal(null);
    expect(await read(key(TEAM, REPAIRS))).not.to.equal(null);

    await h.post(inTeam('conversationUpdate', TEAM, { eventType: 'teamMemberRemoved' }, { membersRemoved: [{ id: '28:bot-id' }] }));
    expect(await read(key(TEAM, REPAIRS))).to.equal(null);
  });

  it('a team archived or deleted: its channels are removed, another team’s are not', async () => {
    const OTHER = '19:team-other@thread.tacv2';
    for (const eventType of ['teamArchived', 'teamDeleted', 'teamHardDeleted']) {
      await h.post(messageIn(REPAIRS, 1700000000600));
      await h.post(messageIn(REPAIRS, 1700000000700, OTHER));
      expect(await read(key(TEAM, REPAIRS)), eventType).not.to.equal(null);
      expect((await h.post(inTeam('conversationUpdate', TEAM, { eventType }))).status).to.equal(200);
      expect(await read(key(TEAM, REPAIRS)), eventType).to.equal(null);
      expect(await read(key(OTHER, REPAIRS)), eventType).not.to.equal(null);
    }
  });

  it('a team or channel in channelData must have a bounded id', async () => {
    for (const channelData of [{ team: { id: 'x'.repeat(257) } }, { channel: {} }, { team: 'team' }, { eventType: 'x'.repeat(65) }]) {
      const res = await h.post(h.activity('message', 'alex', { text: 'help', channelData }));
      expect(res.status, JSON.stringify(channelData)).to.equal(400);
      expect(JSON.stringify(res.body)).to.include('channelData.');
    }
  });
});
