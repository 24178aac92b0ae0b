import type { Container } from '@azure/cosmos';
import type { AuditEvent } from '../domain/records';
import { beforeWrite } from '../app/turn';
import type { Bounded } from './documents';
import type { AuditTrail } from '../app/ports';
import type { CosmosStore } from './cosmos';

/** The append-only audit trail (docs/rules.md#R-audit-trail), in each customer's partition. Events are only ever created. */
export class AuditStore implements AuditTrail {
  private readonly cases: Container;
  private readonly bounded: Bounded;

  constructor(db: CosmosStore) {
    this.cases = db.containers.cases;
    this.bounded = db.bounded;
  }

  async append(event: AuditEvent): Promise<void> {
    beforeWrite();
    await this.cases.items.create(event, this.bounded());
  }
}
