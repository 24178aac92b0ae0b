import { expect } from 'chai';
import { startEmbeddedCosmos, type EmbeddedCosmos } from '../../src/store/embedded';
import { openCosmos, type CosmosStore } from '../../src/store/cosmos';
import { OutboxStore } from '../../src/store/outbox';
import { outboxEntry, type OutboxEntry } from '../../src/domain/outbox';

const NOW = new Date('2026-11-20T12:00:00Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();
const SEND: OutboxEntry['action'] = { kind: 'send', card: { type: 'AdaptiveCard', version: '1.5', body: [] }, summary: 'A notice' };

function entry(id: string, customerKey: string, changes: Partial<OutboxEntry> = {}): OutboxEntry {
  return { ...outboxEntry(id, customerKey, { kind: 'person', personId: 'p1' }, SEND, NOW), ...changes };
}

/** OutboxStore against the embedded Cosmos server: the pending index, the slow scan, and ETag-guarded updates. */
describe('OutboxStore (embedded Cosmos)', () => {
  let cosmos: EmbeddedCosmos;
  let db: CosmosStore;
  let store: OutboxStore;

  beforeEach(async () => {
    cosmos = await startEmbeddedCosmos();
    db = await openCosmos({ endpoint: cosmos.endpoint, database: 'outbox-store', timeoutMs: 2500 });
    store = new OutboxStore(db);
  });
  afterEach(async () => {
    db.client.dispose();
    await cosmos.close();
  });

  describe('the pending index', () => {
    it('point sets one pointer in the one index document; pointing again moves it; ids with / and ~ are kept', async () => {
      await Promise.all([store.point({ id: 'e1', customerKey: 'C1', due: at(5) }), store.point({ id: 'a/b~c', customerKey: 'C/2', due: at(1) })]);
      await store.point({ id: 'e1', customerKey: 'C1', due: at(-5) });
      const { resources } = await db.containers.pending.items.query('SELECT c.id, c.queue, c.pointers FROM c').fetchAll();
      expect(resources).to.deep.equal([
        { id: 'outbox', queue: 'outbox', pointers: { e1: { customerKey: 'C1', due: at(-5) }, 'a/b~c': { customerKey: 'C/2', due: at(1) } } },
      ]);
    });

    it('dueIndex returns the pointers due by now, soonest first, up to the limit, from one point read', async () => {
      expect(await store.dueIndex(NOW, 10), 'no index yet').to.deep.equal([]);
      await store.point({ id: 'late', customerKey: 'C1', due: at(-1) });
      await store.point({ id: 'future', customerKey: 'C2', due: at(60) });
      await store.point({ id: 'early', customerKey: 'C2', due: at(-30) });
      await store.point({ id: 'now', customerKey: 'C3', due: at(0) });

      const before = cosmos.requests();
      const due = await store.dueIndex(NOW, 10);
      expect(cosmos.requests() - before, 'HTTP requests for one index read').to.equal(1);
      expect(due).to.deep.equal([
        { id: 'early', customerKey: 'C2', due: at(-30) },
        { id: 'late', customerKey: 'C1', due: at(-1) },
        { id: 'now', customerKey: 'C3', due: at(0) },
      ]);
      expect((await store.dueIndex(NOW, 2)).map((p) => p.id)).to.deep.equal(['early', 'late']);
      expect(await store.dueIndex(new Date(NOW.getTime() - 60_000), 10)).to.deep.equal([]);
    });

    it('unpoint removes a pointer, and a missing one is fine', async () => {
      await store.point({ id: 'e1', customerKey: 'C1', due: at(-1) });
      await store.point({ id: 'e2', customerKey: 'C1', due: at(-1) });
      await store.unpoint('e1');
      await store.unpoint('e1');
      await store.unpoint('never-pointed');
      expect((await store.dueIndex(NOW, 10)).map((p) => p.id)).to.deep.equal(['e2']);
    });
  });

  describe('scan', () => {
    it('finds pending entries due by now in every partition, oldest first, as pointers, and nothing else', async () => {
      await store.add('C1', [
        entry('c1-due', 'C1', { nextAttemptAt: at(-10) }),
        entry('c1-later', 'C1', { nextAttemptAt: at(30) }),
        entry('c1-sent', 'C1', { status: 'sent', nextAttemptAt: at(-20) }),
      ]);
      await store.add('C2', [
        entry('c2-due', 'C2', { nextAttemptAt: at(-20) }),
        entry('c2-failed', 'C2', { status: 'failed', nextAttemptAt: at(-30) }),
      ]);
      // Another record of the customer with the same fields is not an outbox entry.
      await db.containers.cases.items.create({ id: 'not-outbox', type: 'audit', customerKey: 'C1', status: 'pending', nextAttemptAt: at(-40) });

      expect(await store.scan(NOW, 10)).to.deep.equal([
        { id: 'c2-due', customerKey: 'C2', due: at(-20) },
        { id: 'c1-due', customerKey: 'C1', due: at(-10) },
      ]);
      expect((await store.scan(NOW, 1)).map((p) => p.id)).to.deep.equal(['c2-due']);
    });
  });

  describe('read and update', () => {
    it('update replaces an entry only at the version it was read at', async () => {
      await store.add('C1', [entry('e1', 'C1')]);
      const read = (await store.read('e1', 'C1'))!;
      expect(read.value).to.deep.equal(entry('e1', 'C1'));

      const claimed = await store.update(read, { ...read.value, attempts: 1 });
      expect(claimed?.value.attempts).to.equal(1);
      expect(await store.update(read, { ...read.value, attempts: 5 }), 'a stale version loses').to.equal(null);
      expect((await store.read('e1', 'C1'))?.value.attempts).to.equal(1);
      expect(await store.update(claimed!, { ...claimed!.value, status: 'sent', activityId: 'act-1' })).to.not.equal(null);
      expect((await store.read('e1', 'C1'))?.value).to.include({ status: 'sent', activityId: 'act-1' });
    });

    it('read is null for a missing id, another partition, or a record that is not an outbox entry', async () => {
      await store.add('C1', [entry('e1', 'C1')]);
      await db.containers.cases.items.create({ id: 'a1', type: 'audit', customerKey: 'C1' });
      expect(await store.read('missing', 'C1')).to.equal(null);
      expect(await store.read('e1', 'C2')).to.equal(null);
      expect(await store.read('a1', 'C1')).to.equal(null);
    });

    it('add is harmless when repeated (deterministic ids)', async () => {
      const entries = [entry('e1', 'C1'), entry('e2', 'C1')];
      await store.add('C1', entries);
      await store.add('C1', entries);
      expect((await store.scan(NOW, 10)).map((p) => p.id).sort()).to.deep.equal(['e1', 'e2']);
    });
  });
});
