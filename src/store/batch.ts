import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import { beforeWrite } from '../app/turn';
import { PENDING, storeAll, withoutEtag, type Bounded, type Stored, type StoredVersion } from './documents';
import { isPreconditionFailed } from './errors';

type Doc = { id: string } & object;

/** A record a decision changes: replaced only if still at the version the decision read (its ETag). */
export interface Replacement {
  doc: Doc;
  ifMatch: string;
}

export interface Together {
  /** The record the decision is made on: created new, or replaced only if still at the version it was read at. */
  primary: Doc;
  replacing?: StoredVersion;
  /** Other records it changes, each guarded by its own version. */
  changes: Replacement[];
  /** What follows from it (audit event, outbox entries, new records), with deterministic ids so a repeat is refused. */
  effects: Doc[];
}

/** written; `changed`: the record (or a record it changes) is not as the decision read it, or was created meanwhile. */
export type Written = 'written' | 'changed';

/** A change carried on the record until it is applied: `id` is the changed record's. */
interface PendingChange {
  id: string;
  pendingReplace: Doc;
  ifMatch: string;
}
type PendingEffect = Doc | PendingChange;
type WithPending = Stored<Doc & { customerKey?: string }>;

const isChange = (e: PendingEffect): e is PendingChange => 'pendingReplace' in e;

/**
 * Where a store cannot write a batch atomically (the embedded server applies a batch in order and stops at the first
 * failure, keeping what it applied), the record carries its effects until they are all applied. Whatever fails in
 * between (a crash, a 503, a timeout), the record is never decided without them: they are completed by whoever reads
 * the record next for a decision, or by the sweep (`completePending`). Records left so in this process are remembered
 * here, so the sweep finds them with point reads; a full scan finds those of a process that died.
 */
const unsettled = new WeakMap<Container, Map<string, { id: string; partitionKey: string }>>();

function remember(container: Container, partitionKey: string, id: string): void {
  const left = unsettled.get(container) ?? new Map<string, { id: string; partitionKey: string }>();
  unsettled.set(container, left.set(`${partitionKey}\n${id}`, { id, partitionKey }));
}

/**
 * Writes a decision and what follows from it in one customer partition, as one batch: the record (created, or
 * replaced if unchanged), the records it changes (each if unchanged), then what it creates. In Azure the batch is all
 * or nothing. Elsewhere the record also carries its effects (docs/architecture.md#commit): if anything after it fails,
 * they are completed now, or later by the next decision or the sweep; then the record's list is cleared.
 */
export async function writeTogether(container: Container, partitionKey: string, t: Together, atomic: boolean, bounded: Bounded): Promise<Written> {
  beforeWrite();
  // Effects a previous decision on this record left pending are carried on, never dropped by the replace.
  const carried: PendingEffect[] = [...(t.replacing?.pending ?? []), ...t.changes.map(pendingChange), ...t.effects];
  const pending = [...new Map(carried.map((e) => [e.id, e])).values()];
  const body: JSONObject = atomic ? withoutEtag(t.primary) : { ...withoutEtag(t.primary), [PENDING]: pending as unknown as JSONObject[] };
  const operations: OperationInput[] = [
    t.replacing
      ? { operationType: 'Replace', partitionKey, id: t.primary.id, resourceBody: body, ifMatch: t.replacing.etag }
      : { operationType: 'Create', partitionKey, resourceBody: body },
    ...t.changes.map((c): OperationInput => ({
      operationType: 'Replace',
      partitionKey,
      id: c.doc.id,
      resourceBody: withoutEtag(c.doc),
      ifMatch: c.ifMatch,
    })),
    ...t.effects.map((doc): OperationInput => ({ operationType: 'Create', partitionKey, resourceBody: withoutEtag(doc) })),
  ];
  let results;
  try {
    results = (await container.items.batch(operations, partitionKey, bounded())).result ?? [];
  } catch (error) {
    // The record may be written with its effects pending: look again at the next sweep.
    if (!atomic) remember(container, partitionKey, t.primary.id);
    throw error;
  }
  const statuses = results.map((r) => r.statusCode);
  const allWritten = statuses.length > 0 && statuses.every(isSuccess);
  if (statuses[0] === 412 || statuses[0] === 409) return 'changed';
  if (atomic) {
    if (allWritten) return 'written';
    if (statuses.some((s) => s === 412 || s === 409)) return 'changed';
    throw new Error(`Batch write failed: statuses ${statuses.join(',')}`);
  }
  if (!isSuccess(statuses[0] ?? 0)) throw new Error(`Writing a record failed: status ${statuses[0] ?? 'none'}`);
  const record = { ...body, _etag: results[0]!.eTag } as WithPending;
  if (allWritten) {
    // Everything is stored: the record's list is cleared off the person's path (the sweep clears it otherwise).
    clear(container, partitionKey, t.primary.id, record._etag, bounded).catch(() => remember(container, partitionKey, t.primary.id));
    return 'written';
  }
  // Something after the record failed (an effect there already, a change applied already): complete it now (that clears
  // the list too).
  await complete(container, partitionKey, record, bounded).catch((error: unknown) => {
    remember(container, partitionKey, t.primary.id);
    throw error;
  });
  return 'written';
}

const isSuccess = (status: number) => status >= 200 && status < 300;

function pendingChange(c: Replacement): PendingChange {
  return { id: c.doc.id, pendingReplace: withoutEtag(c.doc) as Doc, ifMatch: c.ifMatch };
}

/**
 * Applies a record's pending effects and clears its list. A change refused for its version was applied already:
 * records changed by decisions are written only through the record that carries them, which stays pending until then.
 */
async function complete(container: Container, partitionKey: string, record: WithPending, bounded: Bounded): Promise<void> {
  const effects = (record[PENDING] ?? []) as PendingEffect[];
  for (const change of effects.filter(isChange)) {
    try {
      await container
        .item(change.id, partitionKey)
        .replace(change.pendingReplace, { ...bounded(), accessCondition: { type: 'IfMatch', condition: change.ifMatch } });
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
    }
  }
  const creates = effects.filter((e) => !isChange(e));
  if (creates.length > 0) await storeAll(container, partitionKey, creates, bounded, "Storing a decision's effects");
  await clear(container, partitionKey, record.id, record._etag, bounded);
}

/** Removes the pending list, only from the version it was completed for (when known): a newer decision keeps its own. */
async function clear(container: Container, partitionKey: string, id: string, etag: string | undefined, bounded: Bounded): Promise<void> {
  try {
    await container
      .item(id, partitionKey)
      .patch([{ op: 'remove', path: `/${PENDING}` }], { ...bounded(), ...(etag ? { accessCondition: { type: 'IfMatch', condition: etag } } : {}) });
  } catch (error) {
    if (!isPreconditionFailed(error)) throw error;
  }
}

/** Completes one record's pending effects, if it has any; true when it had some. */
export async function settle(container: Container, partitionKey: string, id: string, bounded: Bounded): Promise<boolean> {
  const { resource } = await container.item(id, partitionKey).read<WithPending>(bounded());
  if (!resource?.[PENDING]) return false;
  await complete(container, partitionKey, resource, bounded);
  return true;
}

/**
 * The sweep (non-atomic stores only; in Azure a batch is all or nothing): completes the effects of records whose
 * writer stopped half way. Each poll: those this process left (point reads, nothing when there are none). `full`: also
 * a query for any record still carrying effects (those of a process that died). Returns how many it completed.
 * Partitioned by `customerKey`, like the cases container.
 */
export async function completePending(container: Container, bounded: Bounded, full: boolean, limit = 50): Promise<number> {
  let completed = 0;
  const left = unsettled.get(container);
  for (const [key, { id, partitionKey }] of left ?? []) {
    if (await settle(container, partitionKey, id, bounded)) completed++;
    left!.delete(key);
  }
  if (!full) return completed;
  const { resources } = await container.items
    .query<WithPending>(
      { query: `SELECT TOP @limit * FROM c WHERE IS_DEFINED(c.${PENDING})`, parameters: [{ name: '@limit', value: limit }] },
      bounded(),
    )
    .fetchAll();
  for (const record of resources) await complete(container, record.customerKey ?? '', record, bounded);
  return completed + resources.length;
}
