import { expect } from 'chai';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../src/store/embedded';
import { openCosmos, type CosmosStore } from '../../src/store/cosmos';
import { ConversationStore, personKey } from '../../src/store/conversations';

/** A chat the bot starts itself (installed through Graph) never hides the one Teams tells it of (docs/rules.md#R-outbox-install). */
describe('conversations: a chat the bot introduces (embedded Cosmos)', () => {
  let cosmos: EmbeddedCosmos;
  let db: CosmosStore;
  const NOW = new Date('2026-11-30T09:00:00Z');
  const fromTeams = { conversation: { id: 'a:teams-own' }, user: { id: '29:teams-user-id' } };
  const fromGraph = { conversation: { id: '19:graph-chat@unq.gbl.spaces' } };
  before(async () => {
    cosmos = await startEmbeddedCosmos();
    db = await openCosmos({ endpoint: cosmos.endpoint, database: 'ubp', timeoutMs: 5000 });
  });
  after(async () => {
    db.client.dispose();
    await cosmos.close();
  });

  it('is saved when no chat is known', async () => {
    const key = personKey('introduced-first');
    await new ConversationStore(db).introduce(key, fromGraph, NOW);
    const stored = await new ConversationStore(db).get(key); // a fresh store: what Cosmos holds, not a cache
    expect(stored?.reference).to.deep.equal(fromGraph);
    expect(stored?.userId).to.equal(null);
  });

  it('leaves the chat Teams told of (with the Teams user id) when that arrived first', async () => {
    const key = personKey('teams-first');
    await new ConversationStore(db).remember(key, fromTeams, '29:teams-user-id', NOW);
    const store = new ConversationStore(db);
    await store.introduce(key, fromGraph, NOW);
    for (const reader of [store, new ConversationStore(db)]) {
      const stored = await reader.get(key);
      expect(stored?.reference).to.deep.equal(fromTeams);
      expect(stored?.userId).to.equal('29:teams-user-id');
    }
  });

  it('is replaced by the chat Teams tells of afterwards', async () => {
    const key = personKey('graph-first');
    const store = new ConversationStore(db);
    await store.introduce(key, fromGraph, NOW);
    await store.remember(key, fromTeams, '29:teams-user-id', NOW);
    expect((await new ConversationStore(db).get(key))?.userId).to.equal('29:teams-user-id');
  });
});
