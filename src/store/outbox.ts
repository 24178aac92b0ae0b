import type { Container } from '@azure/cosmos';
import type { OutboxEntry } from '../domain/outbox';
import { beforeWrite } from '../app/turn';
import { isConflict, isNotFound, isPreconditionFailed, statusOf } from './errors';
import { readVersioned, storeAll, versioned, type Bounded, type Stored, pointRead } from './documents';
import type { Outbox, OutboxPointer, Versioned } from '../app/ports';
import type { CosmosStore } from './cosmos';

/**
 * The pending index is one small document: a map from entry id to where the entry is and when it is due. Reading it is
 * one point read (a query would be two requests: @azure/cosmos asks for a query plan first), and pointers are set and
 * removed by patches, which the server applies atomically, so concurrent writers need no ETag. It holds only entries
 * whose delivery was put off (the happy path writes none), far below the document size limit; a pointer that cannot
 * be written is found by the slow scan.
 */
const QUEUE = 'outbox';
const INDEX_ID = 'outbox';

interface IndexDoc {
  id: string;
  queue: string;
  pointers: Record<string, { customerKey: string; due: string }>;
}

/** An entry id as a JSON Pointer segment (RFC 6901). */
const segment = (id: string) => id.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * The durable outbox (docs/architecture.md#outbox): entries live in their customer's partition of `cases`, beside the
 * decision that created them; the `pending` container indexes those put off until later.
 */
export class OutboxStore implements Outbox {
  private readonly cases: Container;
  private readonly pending: Container;
  private readonly bounded: Bounded;

  constructor(db: CosmosStore) {
    this.cases = db.containers.cases;
    this.pending = db.containers.pending;
    this.bounded = db.bounded;
  }

  async dueIndex(now: Date, limit: number): Promise<OutboxPointer[]> {
    const doc = await pointRead<IndexDoc>(this.pending, INDEX_ID, QUEUE, this.bounded);
    const by = now.toISOString();
    return Object.entries(doc?.pointers ?? {})
      .map(([id, p]) => ({ id, customerKey: p.customerKey, due: p.due }))
      .filter((p) => p.due <= by)
      .sort((a, b) => a.due.localeCompare(b.due) || a.id.localeCompare(b.id))
      .slice(0, limit);
  }

  /** Oldest first, across all customers: a scan of the whole container, so the dispatcher runs it rarely. */
  async scan(now: Date, limit: number): Promise<OutboxPointer[]> {
    const { resources } = await this.cases.items
      .query<Pick<OutboxEntry, 'id' | 'customerKey' | 'nextAttemptAt'>>(
        {
          query:
            'SELECT TOP @limit c.id, c.customerKey, c.nextAttemptAt FROM c WHERE c.type = "outbox" AND c.status = "pending" AND c.nextAttemptAt <= @now ORDER BY c.nextAttemptAt',
          parameters: [
            { name: '@limit', value: limit },
            { name: '@now', value: now.toISOString() },
          ],
        },
        this.bounded(),
      )
      .fetchAll();
    return resources.map((e) => ({ id: e.id, customerKey: e.customerKey, due: e.nextAttemptAt }));
  }

  async read(id: string, customerKey: string): Promise<Versioned<OutboxEntry> | null> {
    return readVersioned<OutboxEntry>(this.cases, id, customerKey, 'outbox', this.bounded);
  }

  async update(current: Versioned<OutboxEntry>, next: OutboxEntry): Promise<Versioned<OutboxEntry> | null> {
    beforeWrite();
    try {
      const { resource } = await this.cases
        .item(next.id, next.customerKey)
        .replace<Stored<OutboxEntry>>(next, { ...this.bounded(), accessCondition: { type: 'IfMatch', condition: current.version.etag } });
      return resource ? versioned(resource) : null;
    } catch (error) {
      if (isPreconditionFailed(error)) return null;
      throw error;
    }
  }

  async add(customerKey: string, entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await storeAll(this.cases, customerKey, entries, this.bounded, 'Adding outbox entries');
  }

  async point(pointer: OutboxPointer): Promise<void> {
    beforeWrite();
    const { id, customerKey, due } = pointer;
    const set = () =>
      this.pending.item(INDEX_ID, QUEUE).patch([{ op: 'set', path: `/pointers/${segment(id)}`, value: { customerKey, due } }], this.bounded());
    try {
      await set();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // The first pointer ever: create the index (another writer may just have), then set.
      const index: IndexDoc = { id: INDEX_ID, queue: QUEUE, pointers: {} };
      await this.pending.items.create(index, this.bounded()).catch((e: unknown) => {
        if (!isConflict(e)) throw e;
      });
      await set();
    }
  }

  async unpoint(id: string): Promise<void> {
    beforeWrite();
    try {
      await this.pending.item(INDEX_ID, QUEUE).patch([{ op: 'remove', path: `/pointers/${segment(id)}` }], this.bounded());
    } catch (error) {
      // No index yet, or no such pointer (Cosmos answers 400 for removing a path that is not there).
      if (!isNotFound(error) && statusOf(error) !== 400) throw error;
    }
  }
}
