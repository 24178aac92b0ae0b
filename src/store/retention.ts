import { createHash } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { beforeWrite } from '../app/turn';
import type { MoveOutcome, Page, RetainedCase, RetentionRecords } from '../app/ports';
import { anonymised, type CaseRecord } from '../domain/retention';
import { auditEvent } from '../domain/records';
import { PENDING, createAll, pointRead, recordOf, type Bounded, type StoredVersion } from './documents';
import { isNotFound, isPreconditionFailed } from './errors';
import { queryPage } from './pages';
import { partitionDocs, queryAll } from './case-records';
import { SUMMARY_ID } from './customers';
import type { CosmosStore } from './cosmos';

/** The move's own record in the customer's partition while it lasts: what to copy and delete, and where to. */
interface MoveMarker {
  type: 'retention-move';
  id: typeof MARKER_ID;
  customerKey: string;
  anonKey: string;
  /** Makes the copies' ids unlinkable to the originals once this marker is gone (the originals' ids hold references). */
  salt: string;
  /** The records read when the case was found expired: only these are deleted (a new case begun since is left alone). */
  ids: string[];
  references: string[];
  summaryEtag: string | null;
  closedOn: string;
  months: number;
}

const MARKER_ID = 'retention-move';
/** The one record that remains about the move, in the anonymous partition: written once every copy is stored. */
const APPLIED_ID = 'retention.applied';
/** The most records one move takes: the marker lists their ids, and a Cosmos document holds at most 2 MB. */
export const MAX_MOVE = 20_000;
/** A batch holds at most 100 operations; deletes go this many at once. */
const CHUNK = 100;
const RETENTION_ACTOR = { id: 'retention', name: 'Retention job' };

const chunks = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * Retention's move (docs/architecture.md#retention). Cosmos cannot change a document's partition key, and the `cases`
 * partition key is the customer's reference, so anonymising is copying into a new random partition and deleting the
 * originals. The steps, each safe to repeat: (1) a marker in the customer's partition lists what moves; (2) the
 * anonymised copies are created, ids salted; (3) the summary is deleted only if no decision was made since it was read
 * (otherwise the copies and the marker are removed and the case waits for the next run); (4) `retention.applied` is
 * written in the new partition: the point of no return; (5) the references and (6) the listed originals are deleted;
 * (7) the marker last. A crash anywhere leaves the marker, which the next run finds (`unfinished`) and carries on from.
 */
export class RetentionStore implements RetentionRecords {
  private readonly cases: Container;
  private readonly references: Container;
  private readonly bounded: Bounded;

  constructor(private readonly db: CosmosStore) {
    this.cases = db.containers.cases;
    this.references = db.containers.references;
    this.bounded = db.bounded;
  }

  async candidates(before: string, limit: number, page: string | null): Promise<Page<string>> {
    // recent[0] is the newest incident: a case cannot have closed before it, so newer ones are never read. A summary
    // written before a list existed has none (nothing open of that kind).
    const empty = (list: string) => `(NOT IS_DEFINED(c.${list}) OR ARRAY_LENGTH(c.${list}) = 0)`;
    const got = await queryPage<{ customerKey: string }>(
      this.cases,
      this.bounded,
      `SELECT TOP @limit c.customerKey FROM c WHERE c.type = "customer" AND c.recent[0].reportedAt < @before AND ${empty('markers')} AND ${empty('appeals')}`,
      { limit, before },
      page,
    );
    return { items: got.items.map((r) => r.customerKey), next: got.next };
  }

  async unfinished(limit: number): Promise<string[]> {
    const got = await queryPage<{ customerKey: string }>(
      this.cases,
      this.bounded,
      'SELECT TOP @limit c.customerKey FROM c WHERE c.type = "retention-move"',
      { limit },
      null,
    );
    return got.items.map((r) => r.customerKey);
  }

  async caseOf(customerKey: string): Promise<RetainedCase> {
    const docs = await partitionDocs(this.db, customerKey);
    const summary = docs.find((d) => d.id === SUMMARY_ID && d.type === 'customer');
    return {
      customerKey,
      records: docs.filter((d) => d.type !== 'retention-move').map((d) => recordOf(d)),
      writing: (summary?.[PENDING]?.length ?? 0) > 0,
      version: summary ? ({ etag: summary._etag ?? '', pending: [] } as StoredVersion) : null,
    };
  }

  async move(c: RetainedCase, plan: { anonKey: string; salt: string; closedOn: string; months: number }, now: Date): Promise<MoveOutcome> {
    if (c.records.length > MAX_MOVE) return { done: false, why: 'too-large' };
    const query = 'SELECT c.id FROM c WHERE c.customerKey = @key';
    const references = (await queryAll<{ id: string }>(this.references, this.bounded, query, { key: c.customerKey })).map((r) => r.id);
    const marker: MoveMarker = {
      type: 'retention-move',
      id: MARKER_ID,
      customerKey: c.customerKey,
      ...plan,
      ids: c.records.map((r) => r.id),
      references,
      summaryEtag: c.version?.etag || null,
    };
    // Already there: a move begun before (a crash); it carries on with its own plan.
    await createAll(this.cases, c.customerKey, [marker], this.bounded);
    return (await this.finish(c.customerKey, now)) ?? { done: false, why: 'changed' };
  }

  async finish(customerKey: string, now: Date): Promise<MoveOutcome | null> {
    const marker = await pointRead<MoveMarker>(this.cases, MARKER_ID, customerKey, this.bounded);
    if (marker?.type !== 'retention-move') return null;
    const idOf = (id: string) => createHash('sha256').update(`${marker.salt}:${id}`).digest('hex').slice(0, 32);
    const listed = new Set(marker.ids);
    let copied = 0;
    if (!(await pointRead(this.cases, APPLIED_ID, marker.anonKey, this.bounded))) {
      // Before the point of no return nothing listed was deleted but the summary (which is not copied).
      const originals = (await this.caseOf(customerKey)).records.filter((r) => listed.has(r.id));
      const copies = originals.map((r) => anonymised(r, marker.anonKey, idOf)).filter((r): r is CaseRecord => r !== null);
      for (const part of chunks(copies)) await this.created(marker.anonKey, part);
      if (!(await this.summaryGone(customerKey, marker.summaryEtag))) {
        // A decision about the customer since the case was read: undo, and let the next run judge the case afresh.
        for (const part of chunks(marker.ids.map(idOf))) await Promise.all(part.map((id) => this.deleted(this.cases, id, marker.anonKey)));
        await this.deleted(this.cases, MARKER_ID, customerKey);
        return { done: false, why: 'changed' };
      }
      const applied = auditEvent(APPLIED_ID, marker.anonKey, now, RETENTION_ACTOR, 'retention.applied', marker.anonKey, {
        closedOn: marker.closedOn,
        months: marker.months,
        kept: copies.length,
        deleted: marker.ids.length + marker.references.length,
      });
      await this.created(marker.anonKey, [applied]);
      copied = copies.length;
    }
    for (const part of chunks(marker.references)) await Promise.all(part.map((id) => this.deleted(this.references, id, id)));
    for (const part of chunks(marker.ids)) await Promise.all(part.map((id) => this.deleted(this.cases, id, customerKey)));
    await this.deleted(this.cases, MARKER_ID, customerKey);
    return { done: true, copied, deleted: marker.ids.length + marker.references.length };
  }

  /**
   * Every document stored (created now, or there already). A batch is tried first; where it was not wholly applied
   * (a batch that is not atomic stops at its first conflict, e.g. a copy a crashed run made), each is created alone.
   */
  private async created(partitionKey: string, docs: object[]): Promise<void> {
    if ((await createAll(this.cases, partitionKey, docs, this.bounded)).every((s) => s === 201)) return;
    for (const doc of docs) {
      const [status] = await createAll(this.cases, partitionKey, [doc], this.bounded);
      if (status !== 201 && status !== 409) throw new Error(`retention copy failed: status ${status}`);
    }
  }

  /** The summary read when the case was judged expired is deleted (or was); false when a decision has been made since. */
  private async summaryGone(customerKey: string, etag: string | null): Promise<boolean> {
    if (etag) return this.deleted(this.cases, SUMMARY_ID, customerKey, etag);
    return !(await pointRead(this.cases, SUMMARY_ID, customerKey, this.bounded));
  }

  /** Deleted now, or gone already; false only when `ifMatch` is given and the document changed. */
  private async deleted(container: Container, id: string, partitionKey: string, ifMatch?: string | null): Promise<boolean> {
    beforeWrite();
    try {
      await container
        .item(id, partitionKey)
        .delete({ ...this.bounded(), ...(ifMatch ? { accessCondition: { type: 'IfMatch', condition: ifMatch } } : {}) });
      return true;
    } catch (error) {
      if (isNotFound(error)) return true;
      if (isPreconditionFailed(error)) return false;
      throw error;
    }
  }
}
