import type { Container } from '@azure/cosmos';
import type { Measure } from '../domain/measure';
import type { Effect, MeasureRepository, Versioned } from '../app/ports';
import { isNotFound } from './errors';
import { writeTogether } from './batch';
import { readVersioned, recordOf, type Bounded, type Stored, type StoredVersion } from './documents';
import type { CosmosStore } from './cosmos';

/** Measures (markers and proposals) in the customer's partition, read and written with ETags. */
export class MeasureStore implements MeasureRepository {
  private readonly cases: Container;
  private readonly bounded: Bounded;

  constructor(
    db: CosmosStore,
    private readonly atomicBatch: boolean,
  ) {
    this.cases = db.containers.cases;
    this.bounded = db.bounded;
  }

  /** Loads a measure by id; ids that do not match a measure in that partition give null (never trust card data). */
  async read(id: string, customerKey: string): Promise<Versioned<Measure> | null> {
    return readVersioned<Measure>(this.cases, id, customerKey, 'measure', this.bounded);
  }

  /** The decided measure and its effects together; false if the measure changed since it was read. */
  async commit(current: Versioned<Measure>, next: Measure, effects: Effect[]): Promise<boolean> {
    const written = await writeTogether(
      this.cases,
      next.customerKey,
      { primary: next, replacing: current.version as StoredVersion, effects },
      this.atomicBatch,
      this.bounded,
    );
    return written === 'written';
  }

  /** A new measure and what follows from it (audit, sign-off request cards) together. */
  async create(measure: Measure, effects: Effect[]): Promise<'created' | 'exists'> {
    // `exists`: the same proposal (its id derives from the form) was recorded by an earlier click.
    const written = await writeTogether(this.cases, measure.customerKey, { primary: measure, effects }, this.atomicBatch, this.bounded);
    return written === 'written' ? 'created' : 'exists';
  }

  /** Measures awaiting this person's sign-off (as Head of Service or deputy), oldest first. */
  async awaitingSignOffBy(personId: string, limit = 20): Promise<Measure[]> {
    const { resources } = await this.cases.items
      .query<Stored<Measure>>(
        {
          query:
            'SELECT TOP @limit * FROM c WHERE c.type = "measure" AND c.status = "pending-sign-off" AND (c.signOff.approverId = @id OR c.signOff.deputyId = @id) ORDER BY c.proposedAt',
          parameters: [
            { name: '@limit', value: limit },
            { name: '@id', value: personId },
          ],
        },
        this.bounded(),
      )
      .fetchAll();
    return resources.map(recordOf);
  }

  /**
   * Records a sent sign-off card's message id on its measure, with a patch (appended server-side, so it cannot lose a
   * race with a decision and needs no read first). Returns the measure as it now is.
   */
  async addSignOffMessage(id: string, customerKey: string, message: { conversationKey: string; activityId: string }): Promise<Measure | null> {
    try {
      const { resource } = await this.cases
        .item(id, customerKey)
        .patch<Stored<Measure>>([{ op: 'add', path: '/signOffMessages/-', value: message }], this.bounded());
      return resource ? recordOf(resource) : null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}
