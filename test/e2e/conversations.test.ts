import { expect } from 'chai';
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
    expect(await read('conversation:19:housing-general@thread.tacv2')).to.include({ userId: null });
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

  it('uninstalled: the reference is deleted', async () => {
    await h.message('help', 'isaiah');
    expect(await read(`person:${PEOPLE.isaiah.aadObjectId}`)).not.to.equal(null);
    const res = await h.post(h.activity('installationUpdate', 'isaiah', { action: 'remove' }));
    expect(res.status).to.equal(200);
    expect(await read(`person:${PEOPLE.isaiah.aadObjectId}`)).to.equal(null);
  });

  it('bot removed from a channel: the channel reference is deleted', async () => {
    await h.post(h.activity('conversationUpdate', 'alex', channel({ membersRemoved: [{ id: '28:bot-id' }] })));
    expect(await read('conversation:19:housing-general@thread.tacv2')).to.equal(null);
  });
});
