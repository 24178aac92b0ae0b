import type { Container } from '@azure/cosmos';
import type { AuditEvent } from '../domain/records';
import type { Containers } from './cosmos';

/** The append-only audit trail (SPEC §6), in each customer's partition. Events are only ever created. */
export class AuditStore {
  private readonly cases: Container;

  constructor(containers: Containers) {
    this.cases = containers.cases;
  }

  async append(event: AuditEvent): Promise<void> {
    await this.cases.items.create(event);
  }
}
