import type { JobName } from '../app/jobs';
import type { JobLease, JobLeases, Versioned } from '../app/ports';
import type { CosmosStore } from './cosmos';
import { pointRead, type Stored } from './documents';
import { isConflict, isNotFound, isPreconditionFailed } from './errors';

/** A job's lease as stored in `leases` (partition key /id), beside the start-up migrations' records (src/store/once.ts). */
type LeaseDocument = JobLease & { id: string; type: 'job-lease' };

const idOf = (job: JobName) => `job:${job}`;

function versionedLease(doc: Stored<LeaseDocument> | undefined): Versioned<JobLease> {
  if (!doc) throw new Error('Cosmos answered a lease write without the document');
  const { holder, expiresAt, lastSlot, lastRun } = doc;
  return { value: { holder, expiresAt, lastSlot, lastRun }, version: { etag: doc._etag ?? '' } };
}

/** The scheduler's leases in Cosmos: every write is conditional (create if absent, replace if the ETag still matches). */
export class JobLeaseStore implements JobLeases {
  constructor(private readonly db: CosmosStore) {}

  async read(job: JobName): Promise<Versioned<JobLease> | null> {
    const doc = await pointRead<LeaseDocument>(this.db.containers.leases, idOf(job), idOf(job), this.db.bounded);
    return doc?.type === 'job-lease' ? versionedLease(doc) : null;
  }

  async create(job: JobName, lease: JobLease): Promise<Versioned<JobLease> | null> {
    const doc: LeaseDocument = { id: idOf(job), type: 'job-lease', ...lease };
    try {
      const { resource } = await this.db.containers.leases.items.create<LeaseDocument>(doc, this.db.bounded());
      return versionedLease(resource);
    } catch (error) {
      if (isConflict(error)) return null;
      throw error;
    }
  }

  async replace(job: JobName, current: Versioned<JobLease>, next: JobLease): Promise<Versioned<JobLease> | null> {
    const doc: LeaseDocument = { id: idOf(job), type: 'job-lease', ...next };
    try {
      const { resource } = await this.db.containers.leases
        .item(doc.id, doc.id)
        .replace<LeaseDocument>(doc, { accessCondition: { type: 'IfMatch', condition: current.version.etag }, ...this.db.bounded() });
      return versionedLease(resource);
    } catch (error) {
      if (isPreconditionFailed(error) || isNotFound(error)) return null;
      throw error;
    }
  }
}
