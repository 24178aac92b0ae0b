import { expect } from 'chai';
import { useEmbeddedCosmos } from '../support/embedded-cosmos';
import { ConversationStore, personKey } from '../../src/store/conversations';

/** A chat the bot starts itself (installed through Graph) never hides the one Teams tells it of (docs/rules.md#R-outbox-install). */
describe('conversations: a chat the bot introduces (embedded Cosmos)', () => {
  const cosmos = useEmbeddedCosmos();
  const NOW = new Date('2026-11-30T09:00:00Z');
  const fromTeams = { conversation: { id: 'a:teams-own' }, user: { id: '29:teams-user-id' } };
  const fromGraph = { conversation: { id: '19:graph-chat@unq.gbl.spaces' } };

  it('is saved when no chat is known', async () => {
    const key = personKey('introduced-first');
    await new ConversationStore(cosmos.db).introduce(key, fromGraph, NOW);
    const stored = await new ConversationStore(cosmos.db).get(key); // a fresh store: what Cosmos holds, not a cache
    expect(stored?.reference).to.deep.equal(fromGraph);
    expect(stored?.userId).to.equal(null);
  });

  it('leaves the chat Teams told of (with the Teams user id) when that arrived first', async () => {
    const key = personKey('teams-first');
    await new ConversationStore(cosmos.db).remember(key, fromTeams, '29:teams-user-id', NOW);
    const store = new ConversationStore(cosmos.db);
    await store.introduce(key, fromGraph, NOW);
    for (const reader of [store, new ConversationStore(cosmos.db)]) {
      const stored = await reader.get(key);
      expect(stored?.reference).to.deep.equal(fromTeams);
      expect(stored?.userId).to.equal('29:teams-user-id');
    }
  });

  it('is replaced by the chat Teams tells of afterwards', async () => {
    const key = personKey('graph-first');
    const store = new ConversationStore(cosmos.db);
    await store.introduce(key, fromGraph, NOW);
    await store.remember(key, fromTeams, '29:teams-user-id', NOW);
    expect((await new ConversationStore(cosmos.db).get(key))?.userId).to.equal('29:teams-user-id');
  });
});
