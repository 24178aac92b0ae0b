import type { Container } from '@azure/cosmos';
import { beforeWrite } from '../app/turn';
import { readDocument, recordOf, type Bounded, type Stored, pageParameters, pointRead } from './documents';
import { referenceFor } from '../domain/reference';
import type { Incident } from '../domain/records';
import { headerOf, type IncidentHeader } from '../domain/summary';
import type { IncidentRepository } from '../app/ports';
import { isConflict } from './errors';
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

  constructor(db: CosmosStore) {
    this.cases = db.containers.cases;
    this.references = db.containers.references;
    this.bounded = db.bounded;
  }

  async claimReference(submissionKey: string, customerKey: string): Promise<{ reference: string; customerKey: string; fresh: boolean }> {
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
        return { reference: doc.id, customerKey, fresh: true };
      } catch (error) {
        if (!isConflict(error)) throw error;
        const { resource } = await this.references.item(doc.id, doc.id).read<ReferenceDoc>(this.bounded());
        if (resource?.submissionKey === submissionKey) return { reference: resource.id, customerKey: resource.customerKey, fresh: false };
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
    const ref = await pointRead<ReferenceDoc>(this.references, reference, reference, this.bounded);
    return ref ? this.read(reference, ref.customerKey) : null;
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

  /** One customer's incidents before `before`, newest first: a bounded query in their partition, headers only. */
  async history(customerKey: string, before: string | null, limit: number): Promise<IncidentHeader[]> {
    const { resources } = await this.cases.items
      .query<Incident>(
        {
          // The key is repeated in the filter: the embedded server ignores the partitionKey option.
          query:
            'SELECT TOP @limit c.reference, c.reportedAt, c.occurredAt, c.category, c.serviceArea, c.safetyFlags FROM c WHERE c.customerKey = @key AND c.type = "incident" AND c.reportedAt < @before ORDER BY c.reportedAt DESC',
          parameters: pageParameters(customerKey, before, limit),
        },
        { partitionKey: customerKey, ...this.bounded() },
      )
      .fetchAll();
    return resources.map(headerOf);
  }
}
