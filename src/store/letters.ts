import type { Container } from '@azure/cosmos';
import type { LetterRecord } from '../domain/letter-record';
import type { LetterRepository, Page, UnsentLetter, Versioned } from '../app/ports';
import { readVersioned, type Bounded } from './documents';
import type { CosmosStore } from './cosmos';
import { queryPage } from './pages';

/**
 * Letter drafts (docs/rules.md#R-letter-stored) in the customer's partition. Like measures, they are written only with
 * their customer's summary (src/store/customers.ts): stored with the decision that made them, changed when recorded as sent.
 */
export class LetterStore implements LetterRepository {
  private readonly cases: Container;
  private readonly bounded: Bounded;

  constructor(db: CosmosStore) {
    this.cases = db.containers.cases;
    this.bounded = db.bounded;
  }

  /** Ids that do not match a letter in that partition give null (never trust card data). */
  read(id: string, customerKey: string): Promise<Versioned<LetterRecord> | null> {
    return readVersioned<LetterRecord>(this.cases, id, customerKey, 'letter', this.bounded);
  }

  /** Drafts whose last day is before `day`, oldest first: bounded by state and date, never the letter's values. */
  unsentDueBefore(day: string, limit: number, page: string | null): Promise<Page<UnsentLetter>> {
    return queryPage<UnsentLetter>(
      this.cases,
      this.bounded,
      'SELECT TOP @limit c.id, c.customerKey, c.kind, c.serviceArea, c.incidentRef, c.createdAt, c.sendBy, c.status FROM c WHERE c.type = "letter" AND c.status = "draft" AND c.sendBy < @day ORDER BY c.sendBy',
      { limit, day },
      page,
    );
  }
}
