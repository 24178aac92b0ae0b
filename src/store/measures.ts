import type { Container } from '@azure/cosmos';
import type { Measure } from '../domain/measure';
import type { RegisterRecord } from '../domain/register';
import type { ActiveReview, MeasureRepository, Page, ReviewDue, SignOffWaiting, Versioned } from '../app/ports';
import { readVersioned, recordOf, type Bounded, type Stored, pageParameters } from './documents';
import type { CosmosStore } from './cosmos';
import { queryPage } from './pages';

/** Measures (markers and proposals) in the customer's partition. They are written only with their customer's summary (src/store/customers.ts). */
export class MeasureStore implements MeasureRepository {
  private readonly cases: Container;
  private readonly bounded: Bounded;

  constructor(db: CosmosStore) {
    this.cases = db.containers.cases;
    this.bounded = db.bounded;
  }

  /** Loads a measure by id; ids that do not match a measure in that partition give null (never trust card data). */
  async read(id: string, customerKey: string): Promise<Versioned<Measure> | null> {
    const read = await readVersioned<Measure>(this.cases, id, customerKey, 'measure', this.bounded);
    return read && { value: upgraded(read.value), version: read.version };
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
    return resources.map((r) => upgraded(recordOf(r)));
  }

  /** One customer's measures proposed before `before`, newest first: a bounded query in their partition. */
  async history(customerKey: string, before: string | null, limit: number): Promise<Measure[]> {
    const { resources } = await this.cases.items
      .query<Stored<Measure>>(
        {
          // The key is repeated in the filter: the embedded server ignores the partitionKey option.
          query: 'SELECT TOP @limit * FROM c WHERE c.customerKey = @key AND c.type = "measure" AND c.proposedAt < @before ORDER BY c.proposedAt DESC',
          parameters: pageParameters(customerKey, before, limit),
        },
        { partitionKey: customerKey, ...this.bounded() },
      )
      .fetchAll();
    return resources.map((r) => upgraded(recordOf(r)));
  }

  /** Active and lapsed measures reviewed in [from, to), soonest first: a bounded cross-partition query, only what the list shows. */
  async dueForReview(from: string, to: string, limit: number): Promise<ReviewDue[]> {
    const { resources } = await this.cases.items
      .query<ReviewDue>(
        {
          query:
            'SELECT TOP @limit c.id, c.customerKey, c.kind, c.status, c.interim, c.reviewDue FROM c WHERE c.type = "measure" AND (c.status = "active" OR c.status = "lapsed") AND c.reviewDue >= @from AND c.reviewDue < @to ORDER BY c.reviewDue',
          parameters: [
            { name: '@limit', value: limit },
            { name: '@from', value: from },
            { name: '@to', value: to },
          ],
        },
        this.bounded(),
      )
      .fetchAll();
    return resources;
  }

  /** Measures awaiting sign-off, oldest first: bounded by state (a sign-off waits days, not months), page by page. */
  async awaitingSignOff(limit: number, page: string | null): Promise<Page<SignOffWaiting>> {
    return queryPage<SignOffWaiting>(
      this.cases,
      this.bounded,
      'SELECT TOP @limit c.id, c.customerKey, c.kind, c.status, c.interim, c.signOff, c.incidentRefs[0] AS firstIncident FROM c WHERE c.type = "measure" AND c.status = "pending-sign-off" ORDER BY c.proposedAt',
      { limit },
      page,
    );
  }

  /** Active measures reviewed in [from, to), soonest first, page by page: only what reminders and the lapse job need. */
  async activeByReviewDate(from: string, to: string, limit: number, page: string | null): Promise<Page<ActiveReview>> {
    return queryPage<ActiveReview>(
      this.cases,
      this.bounded,
      'SELECT TOP @limit c.id, c.customerKey, c.kind, c.status, c.reviewDue, c.proposedBy FROM c WHERE c.type = "measure" AND c.status = "active" AND c.reviewDue >= @from AND c.reviewDue < @to ORDER BY c.reviewDue',
      { limit, from, to },
      page,
    );
  }

  /**
   * Measures in force or interim, every customer, page by page (the register): bounded by state, only the fields
   * exported. Unsorted (the register sorts what it read), so no composite index is needed.
   */
  async inForce(limit: number, page: string | null): Promise<Page<RegisterRecord>> {
    return queryPage<RegisterRecord>(
      this.cases,
      this.bounded,
      'SELECT TOP @limit c.id, c.customerKey, c.kind, c.status, c.interim, c.instructions, c.reviewDue, c.notifyCustomer, c.proposedAt, c.incidentRefs[0] AS firstIncident, c.signOff.decision.at AS decidedAt FROM c WHERE c.type = "measure" AND (c.status = "active" OR (c.status = "pending-sign-off" AND c.interim = true))',
      { limit },
      page,
    );
  }
}

/**
 * Measures stored before independence was recorded (docs/rules.md#R-signoff-independent) lack who reported and who
 * decided: both are derived from what they kept (those told of the decision, the sign-off decision).
 */
function upgraded(m: Measure): Measure {
  const stored: Partial<Pick<Measure, 'reporters' | 'deciders'>> = m;
  return {
    ...m,
    reporters: stored.reporters ?? m.notifyOnDecision.map((p) => p.id).filter((id) => id !== m.proposedBy.id),
    deciders: stored.deciders ?? (m.signOff?.decision ? [m.signOff.decision.by.id] : []),
  };
}
