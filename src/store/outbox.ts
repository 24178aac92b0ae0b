import type { Container } from '@azure/cosmos';
import type { OutboxEntry } from '../domain/outbox';
import { isPreconditionFailed } from './errors';
import { readVersioned, storeAll, versioned, type Bounded, type Stored } from './documents';
import type { Outbox, Versioned } from '../app/ports';
import { completePending } from './batch';
import type { CosmosStore } from './cosmos';

/** The durable outbox: entries live in their customer's partition, beside the decision that created them. */
export class OutboxStore implements Outbox {
  private readonly cases: Container;
  private readonly bounded: Bounded;

  constructor(db: CosmosStore) {
    this.cases = db.containers.cases;
    this.bounded = db.bounded;
  }

  /** Completes decisions a failure left half written (src/store/batch.ts); returns how many it completed. */
  completePending(): Promise<number> {
    return completePending(this.cases, this.bounded);
  }

  /** Entries due now, oldest first, across all customers (polling: the local server has no change feed). */
  async due(now: Date, limit: number): Promise<Versioned<OutboxEntry>[]> {
    const { resources } = await this.cases.items
      .query<Stored<OutboxEntry>>(
        {
          query: 'SELECT TOP @limit * FROM c WHERE c.type = "outbox" AND c.status = "pending" AND c.nextAttemptAt <= @now ORDER BY c.nextAttemptAt',
          parameters: [
            { name: '@limit', value: limit },
            { name: '@now', value: now.toISOString() },
          ],
        },
        this.bounded(),
      )
      .fetchAll();
    return resources.map(versioned);
  }

  async read(id: string, customerKey: string): Promise<Versioned<OutboxEntry> | null> {
    return readVersioned<OutboxEntry>(this.cases, id, customerKey, 'outbox', this.bounded);
  }

  /** Replaces an entry if nobody changed it since it was read; null when another instance got there first. */
  async update(current: Versioned<OutboxEntry>, next: OutboxEntry): Promise<Versioned<OutboxEntry> | null> {
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

  /** Adds entries to one partition (ids are deterministic, so a repeat is a harmless conflict). */
  async add(customerKey: string, entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await storeAll(this.cases, customerKey, entries, this.bounded, 'Adding outbox entries');
  }
}
