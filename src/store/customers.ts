import type { Container } from '@azure/cosmos';
import { emptySummary, type CustomerSummary } from '../domain/summary';
import type { CustomerRepository, Effect, Versioned } from '../app/ports';
import { completePending, settle, writeTogether, type Replacement } from './batch';
import { readVersioned, type Bounded, type StoredVersion } from './documents';
import type { CosmosStore } from './cosmos';

/** The summary's id in its customer's partition: no incident reference, measure or audit id can be this word. */
export const SUMMARY_ID = 'customer';

type StoredSummary = CustomerSummary & { id: string };

/**
 * Customer summaries (src/domain/summary.ts), one per customer partition, and the commit every decision about a
 * customer goes through: the summary replaced if unchanged, the measures changed if unchanged, and the records
 * created, in one batch (docs/architecture.md#customer-summary).
 */
export class CustomerStore implements CustomerRepository {
  private readonly cases: Container;
  private readonly bounded: Bounded;

  constructor(
    db: CosmosStore,
    private readonly atomicBatch: boolean,
  ) {
    this.cases = db.containers.cases;
    this.bounded = db.bounded;
  }

  /** The summary as it is: one point read (`check`). */
  async summary(customerKey: string): Promise<CustomerSummary> {
    return (await this.read(customerKey))?.value ?? emptySummary(customerKey);
  }

  /**
   * The summary to decide on. Where batches are not atomic, what an earlier decision left pending is completed first,
   * so the decision sees every record that one wrote.
   */
  async read(customerKey: string): Promise<Versioned<CustomerSummary>> {
    const read = () => readVersioned<StoredSummary>(this.cases, SUMMARY_ID, customerKey, 'customer', this.bounded);
    let found = await read();
    if (found && !this.atomicBatch && (found.version as StoredVersion).pending.length > 0) {
      if (await settle(this.cases, customerKey, SUMMARY_ID, this.bounded)) found = await read();
    }
    if (!found) return { value: emptySummary(customerKey), version: { etag: '', pending: [] } as StoredVersion };
    // A summary written before a field existed gets that field's empty value (a missing list must not break `check`).
    const { id: _id, ...stored } = found.value;
    return { value: { ...emptySummary(customerKey), ...stored }, version: found.version };
  }

  /** False when the summary, or a measure being changed, is not as it was read (the decision is made again). */
  async commit(current: Versioned<CustomerSummary>, next: CustomerSummary, effects: Effect[]): Promise<boolean> {
    const version = current.version as StoredVersion;
    const changes: Replacement[] = [];
    const creates: { id: string }[] = [];
    for (const e of effects) {
      if (e.type === 'change') changes.push({ doc: e.after, ifMatch: e.before.version.etag });
      else creates.push(e);
    }
    const written = await writeTogether(
      this.cases,
      next.customerKey,
      { primary: { ...next, id: SUMMARY_ID }, ...(version.etag ? { replacing: version } : {}), changes, effects: creates },
      this.atomicBatch,
      this.bounded,
    );
    return written === 'written';
  }

  /** Completes decisions a failure left half written (non-atomic stores; src/store/batch.ts). `full`: look in every partition. */
  completePending(full: boolean): Promise<number> {
    return completePending(this.cases, this.bounded, full);
  }
}
