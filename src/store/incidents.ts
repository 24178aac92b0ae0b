import type { Container } from '@azure/cosmos';
import { beforeWrite } from '../app/turn';
import { writeTogether } from './batch';
import type { Bounded } from './documents';
import { referenceFor } from '../domain/reference';
import type { AuditEvent, Incident } from '../domain/records';
import type { Measure } from '../domain/measure';
import type { OutboxEntry } from '../domain/outbox';
import { isConflict, isNotFound } from './errors';
import type { CosmosStore } from './cosmos';

/** The references container: reference → customer partition, and the guarantee that a reference is never reused. */
interface ReferenceDoc {
  id: string;
  kind: 'incident';
  customerKey: string;
  submissionKey: string;
  createdAt: string;
}

/** Everything written when an incident is recorded, built by the caller from the reference. */
export interface IncidentWrite {
  incident: Incident;
  audit: AuditEvent;
  /** What follows from it in the same partition: an interim marker, sign-off requests in the outbox. */
  others: (Measure | OutboxEntry)[];
}

const MAX_REFERENCE_ATTEMPTS = 8;

export class IncidentStore {
  private readonly cases: Container;
  private readonly references: Container;
  private readonly bounded: Bounded;

  constructor(
    db: CosmosStore,
    private readonly atomicBatch: boolean,
  ) {
    this.cases = db.containers.cases;
    this.references = db.containers.references;
    this.bounded = db.bounded;
  }

  /**
   * Records an incident exactly once per submission. The reference derives from the submission key, so a retried or
   * double-clicked delivery claims the same reference, finds it is its own, and re-applies the same creates (each
   * conflicts harmlessly, and effects a failed first try left pending are completed). Usual cost in Azure: two Cosmos
   * requests (claim + one batch).
   */
  async record(
    submissionKey: string,
    customerKey: string,
    build: (reference: string) => Promise<IncidentWrite>,
  ): Promise<{ write: IncidentWrite; created: boolean }> {
    const reference = await this.claimReference(submissionKey, customerKey);
    const write = await build(reference.id);
    if (reference.customerKey !== customerKey) {
      // Same form submitted again with another customer: the first submission stands.
      return { write: { ...write, incident: await this.readIncident(reference.id, reference.customerKey) }, created: false };
    }
    const written = await writeTogether(
      this.cases,
      customerKey,
      { primary: write.incident, mode: 'create', effects: [write.audit, ...write.others] },
      this.atomicBatch,
      this.bounded,
    );
    if (written === 'written') return { write, created: true };
    return { write: { ...write, incident: await this.readIncident(reference.id, customerKey) }, created: false };
  }

  private async claimReference(submissionKey: string, customerKey: string): Promise<ReferenceDoc> {
    for (let attempt = 0; attempt < MAX_REFERENCE_ATTEMPTS; attempt++) {
      const doc: ReferenceDoc = {
        id: referenceFor(submissionKey, attempt),
        kind: 'incident',
        customerKey,
        submissionKey,
        createdAt: new Date().toISOString(),
      };
      try {
        beforeWrite();
        await this.references.items.create(doc, this.bounded());
        return doc;
      } catch (error) {
        if (!isConflict(error)) throw error;
        const { resource } = await this.references.item(doc.id, doc.id).read<ReferenceDoc>(this.bounded());
        if (resource?.submissionKey === submissionKey) return resource;
        // Another submission owns this reference: derive the next candidate.
      }
    }
    throw new Error('Could not allocate a unique incident reference');
  }

  private async readIncident(reference: string, customerKey: string): Promise<Incident> {
    const { resource } = await this.cases.item(reference, customerKey).read<Incident>(this.bounded());
    if (!resource) throw new Error(`Incident ${reference} is claimed but not stored yet; try again`);
    return resource;
  }

  /** Finds an incident by its reference, wherever its customer partition is. */
  async findByReference(reference: string): Promise<Incident | null> {
    try {
      const { resource: ref } = await this.references.item(reference, reference).read<ReferenceDoc>(this.bounded());
      if (!ref) return null;
      const { resource } = await this.cases.item(reference, ref.customerKey).read<Incident>(this.bounded());
      return resource ?? null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** The newest incidents one person reported (`my reports`). */
  async reportedBy(personId: string, limit: number): Promise<Incident[]> {
    const { resources } = await this.cases.items
      .query<Incident>(
        {
          query: 'SELECT TOP @limit * FROM c WHERE c.type = "incident" AND c.reporter.id = @id ORDER BY c.reportedAt DESC',
          parameters: [
            { name: '@limit', value: limit },
            { name: '@id', value: personId },
          ],
        },
        this.bounded(),
      )
      .fetchAll();
    return resources;
  }

  /** A customer's measures (markers and proposals) and incident count: one partition query. */
  async customerFile(customerKey: string): Promise<{ measures: Measure[]; incidentCount: number; customerName: string | null }> {
    const { resources } = await this.cases.items
      .query<Measure | Incident>(
        {
          // The key is repeated in the filter: the embedded server ignores the partitionKey option, and a wrong
          // customer's marker shown in `check` is a real harm.
          query: 'SELECT * FROM c WHERE c.customerKey = @key AND (c.type = "measure" OR c.type = "incident")',
          parameters: [{ name: '@key', value: customerKey }],
        },
        { partitionKey: customerKey, ...this.bounded() },
      )
      .fetchAll();
    const incidents = resources.filter((r): r is Incident => r.type === 'incident');
    const newest = incidents.sort((a, b) => b.reportedAt.localeCompare(a.reportedAt))[0];
    return {
      measures: resources.filter((r): r is Measure => r.type === 'measure'),
      incidentCount: incidents.length,
      customerName: newest?.customerName ?? null,
    };
  }
}
