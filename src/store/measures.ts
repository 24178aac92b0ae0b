import type { Container } from '@azure/cosmos';
import type { Measure } from '../domain/measure';
import type { AuditEvent } from '../domain/records';
import type { OutboxEntry } from '../domain/outbox';
import { isNotFound } from './errors';
import { writeTogether } from './batch';
import { readDocument } from './documents';
import type { Containers } from './cosmos';

/** Measures (markers and proposals) in the customer's partition, read and written with ETags. */
export class MeasureStore {
  private readonly cases: Container;

  constructor(
    containers: Containers,
    private readonly atomicBatch: boolean,
  ) {
    this.cases = containers.cases;
  }

  /** Loads a measure by id; ids that do not match a measure in that partition give null (never trust card data). */
  async read(id: string, customerKey: string): Promise<Measure | null> {
    return readDocument<Measure>(this.cases, id, customerKey, 'measure');
  }

  /** The decision, its audit event and its notifications together; false if another decision got there first. */
  async commitDecision(measure: Measure, audit: AuditEvent, outbox: OutboxEntry[]): Promise<boolean> {
    return writeTogether(this.cases, measure.customerKey, { replace: { doc: measure }, creates: [audit, ...outbox] }, this.atomicBatch);
  }

  /** A new measure and what follows from it (audit, sign-off request cards) together. */
  async create(measure: Measure, audit: AuditEvent, outbox: OutboxEntry[]): Promise<void> {
    await writeTogether(this.cases, measure.customerKey, { creates: [measure, audit, ...outbox] }, this.atomicBatch);
  }

  /** Measures awaiting this person's sign-off (as Head of Service or deputy), oldest first. */
  async awaitingSignOffBy(personId: string, limit = 20): Promise<Measure[]> {
    const { resources } = await this.cases.items
      .query<Measure>({
        query:
          'SELECT TOP @limit * FROM c WHERE c.type = "measure" AND c.status = "pending-sign-off" AND (c.signOff.approverId = @id OR c.signOff.deputyId = @id) ORDER BY c.proposedAt',
        parameters: [
          { name: '@limit', value: limit },
          { name: '@id', value: personId },
        ],
      })
      .fetchAll();
    return resources;
  }

  /**
   * Records a sent sign-off card's message id on its measure, with a patch (appended server-side, so it cannot lose a
   * race with a decision and needs no read first). Returns the measure as it now is.
   */
  async addSignOffMessage(id: string, customerKey: string, message: { conversationKey: string; activityId: string }): Promise<Measure | null> {
    try {
      const { resource } = await this.cases.item(id, customerKey).patch<Measure>([{ op: 'add', path: '/signOffMessages/-', value: message }]);
      return resource ?? null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}
