import type { Container } from '@azure/cosmos';
import type { Appeal } from '../domain/appeal';
import type { AppealRepository, AppealWaiting, Page, Versioned } from '../app/ports';
import { readVersioned, recordOf, type Bounded, type Stored } from './documents';
import type { CosmosStore } from './cosmos';
import { queryPage } from './pages';

/** Appeals (§7) in the customer's partition. Like measures, they are written only with their customer's summary (src/store/customers.ts). */
export class AppealStore implements AppealRepository {
  private readonly cases: Container;
  private readonly bounded: Bounded;

  constructor(db: CosmosStore) {
    this.cases = db.containers.cases;
    this.bounded = db.bounded;
  }

  /** Loads an appeal by id; ids that do not match an appeal in that partition give null (never trust card data). */
  read(id: string, customerKey: string): Promise<Versioned<Appeal> | null> {
    return readVersioned<Appeal>(this.cases, id, customerKey, 'appeal', this.bounded);
  }

  /** Open appeals this person may decide (as approver or deputy), soonest due first: overdue ones lead. */
  async awaitingDecisionBy(personId: string, limit = 20): Promise<Appeal[]> {
    const { resources } = await this.cases.items
      .query<Stored<Appeal>>(
        {
          query:
            'SELECT TOP @limit * FROM c WHERE c.type = "appeal" AND c.status = "open" AND (c.approverId = @id OR c.deputyId = @id) ORDER BY c.dueOn',
          parameters: [
            { name: '@limit', value: limit },
            { name: '@id', value: personId },
          ],
        },
        this.bounded(),
      )
      .fetchAll();
    return resources.map((r) => recordOf(r));
  }

  /** Open appeals due by `until`, soonest first: bounded by state and date, page by page (the reminders). */
  async openDueBy(until: string, limit: number, page: string | null): Promise<Page<AppealWaiting>> {
    return queryPage<AppealWaiting>(
      this.cases,
      this.bounded,
      'SELECT TOP @limit c.id, c.customerKey, c.measureId, c.measureKind, c.status, c.receivedOn, c.dueOn, c.approverId, c.deputyId FROM c WHERE c.type = "appeal" AND c.status = "open" AND c.dueOn <= @until ORDER BY c.dueOn',
      { limit, until },
      page,
    );
  }
}
