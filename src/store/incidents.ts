import type { Container } from '@azure/cosmos';
import { beforeWrite } from '../app/turn';
import { writeTogether } from './batch';
import { readDocument, recordOf, type Bounded, type Stored } from './documents';
import { referenceFor } from '../domain/reference';
import type { Incident } from '../domain/records';
import type { Measure } from '../domain/measure';
import type { CustomerFile, Effect, IncidentRepository } from '../app/ports';
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

const MAX_REFERENCE_ATTEMPTS = 8;

export class IncidentStore implements IncidentRepository {
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
   * Records an incident and its effects, once: the reference derives from the submission, so a retried or
   * double-clicked delivery finds its record there (`exists`) and completes whatever a failed first try left pending.
   * Usual cost in Azure: the claim + one batch.
   */
  async record(incident: Incident, effects: Effect[]): Promise<'created' | 'exists'> {
    const written = await writeTogether(this.cases, incident.customerKey, { primary: incident, effects }, this.atomicBatch, this.bounded);
    return written === 'written' ? 'created' : 'exists';
  }

  async claimReference(submissionKey: string, customerKey: string): Promise<{ reference: string; customerKey: string }> {
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
        return { reference: doc.id, customerKey };
      } catch (error) {
        if (!isConflict(error)) throw error;
        const { resource } = await this.references.item(doc.id, doc.id).read<ReferenceDoc>(this.bounded());
        if (resource?.submissionKey === submissionKey) return { reference: resource.id, customerKey: resource.customerKey };
        // Another submission owns this reference: derive the next candidate.
      }
    }
    throw new Error('Could not allocate a unique incident reference');
  }

  async read(reference: string, customerKey: string): Promise<Incident | null> {
    return readDocument<Incident>(this.cases, reference, customerKey, 'incident', this.bounded);
  }

  /** Finds an incident by its reference, wherever its customer partition is. */
  async findByReference(reference: string): Promise<Incident | null> {
    try {
      const { resource: ref } = await this.references.item(reference, reference).read<ReferenceDoc>(this.bounded());
      if (!ref) return null;
      return await this.read(reference, ref.customerKey);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** The newest incidents one person reported (`my reports`). */
  async reportedBy(personId: string, limit: number): Promise<Incident[]> {
    const { resources } = await this.cases.items
      .query<Stored<Incident>>(
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
    return resources.map(recordOf);
  }

  /** A customer's measures (markers and proposals) and incident count: one partition query. */
  async customerFile(customerKey: string): Promise<CustomerFile> {
    const { resources } = await this.cases.items
      .query<Stored<Measure | Incident>>(
        {
          // The key is repeated in the filter: the embedded server ignores the partitionKey option, and a wrong
          // customer's marker shown in `check` is a real harm.
          query: 'SELECT * FROM c WHERE c.customerKey = @key AND (c.type = "measure" OR c.type = "incident")',
          parameters: [{ name: '@key', value: customerKey }],
        },
        { partitionKey: customerKey, ...this.bounded() },
      )
      .fetchAll();
    const records = resources.map((r) => recordOf<Measure | Incident>(r));
    const incidents = records.filter((r): r is Incident => r.type === 'incident');
    const newest = incidents.sort((a, b) => b.reportedAt.localeCompare(a.reportedAt))[0];
    return {
      measures: records.filter((r): r is Measure => r.type === 'measure'),
      incidentCount: incidents.length,
      customerName: newest?.customerName ?? null,
    };
  }
}
