import type { Container, OperationInput } from '@azure/cosmos';
import { beforeWrite } from '../app/turn';
import { PENDING, allStored, createAll, storeAll, withoutEtag, type Bounded, type Stored, type StoredVersion } from './documents';
import { isPreconditionFailed } from './errors';

type Doc = { id: string } & object;

export interface Together {
  /** The record the decision is about: created new, or replaced only if still at the version it was read at. */
  primary: Doc;
  replacing?: StoredVersion;
  /** What follows from it (audit event, outbox entries, markers), with deterministic ids so a repeat is harmless. */
  effects: Doc[];
}

/** written; `changed`: the replace lost to another writer (ETag); `exists`: the created record was there already. */
export type Written = 'written' | 'changed' | 'exists';

/**
 * Where a store cannot write a record and its effects atomically, the record carries its effects until they are all
 * stored. Whatever fails in between (a crash, a 503, a timeout), the record is never decided without them: they are
 * completed by whoever meets the record next (a repeated click) or by the sweep (`completePending`) within one poll.
 */
type WithPending = Stored<Doc & { customerKey?: string }>;

/**
 * Writes a decision and what follows from it in one customer partition. In Azure: one transactional batch, all or
 * nothing, the replace guarded by its ETag. Elsewhere (the embedded server's batch is not atomic): the record with
 * its pending effects first (guarded), then the effects, then the record's pending list is cleared.
 */
export async function writeTogether(container: Container, partitionKey: string, t: Together, atomic: boolean, bounded: Bounded): Promise<Written> {
  beforeWrite();
  return atomic ? atomically(container, partitionKey, t, bounded) : inSteps(container, partitionKey, t, bounded);
}

async function atomically(container: Container, partitionKey: string, t: Together, bounded: Bounded): Promise<Written> {
  const primary: OperationInput = t.replacing
    ? { operationType: 'Replace', partitionKey, id: t.primary.id, resourceBody: withoutEtag(t.primary), ifMatch: t.replacing.etag }
    : { operationType: 'Create', partitionKey, resourceBody: withoutEtag(t.primary) };
  const creates: OperationInput[] = t.effects.map((doc) => ({ operationType: 'Create', partitionKey, resourceBody: withoutEtag(doc) }));
  const response = await container.items.batch([primary, ...creates], partitionKey, bounded());
  const statuses = response.result?.map((r) => r.statusCode) ?? [];
  if (statuses.length > 0 && statuses.every((s) => s >= 200 && s < 300)) return 'written';
  if (statuses[0] === 412) return 'changed';
  if (statuses[0] === 409) return 'exists';
  throw new Error(`Batch write failed: statuses ${statuses.join(',') || response.code}`);
}

async function inSteps(container: Container, partitionKey: string, t: Together, bounded: Bounded): Promise<Written> {
  // Effects a previous decision on this record left pending are carried on, never dropped by the replace.
  const earlier = t.replacing?.pending ?? [];
  const effects = [...new Map([...earlier, ...t.effects].map((d) => [d.id, d])).values()];
  const body = { ...withoutEtag(t.primary), [PENDING]: effects };
  let etag: string | undefined;
  if (!t.replacing) {
    // One request: the record first, carrying its effects, then the effects (applied in order, not atomically).
    const statuses = await createAll(container, partitionKey, [body, ...effects], bounded);
    if (statuses[0] === 409) {
      await settle(container, partitionKey, t.primary.id, bounded);
      return 'exists';
    }
    if (statuses[0] !== 201 || !allStored(statuses)) throw new Error(`Writing a record and its effects failed: statuses ${statuses.join(',')}`);
  } else {
    try {
      etag = (
        await container
          .item(t.primary.id, partitionKey)
          .replace(body, { ...bounded(), accessCondition: { type: 'IfMatch', condition: t.replacing.etag } })
      ).etag;
    } catch (error) {
      if (isPreconditionFailed(error)) return 'changed';
      throw error;
    }
    await storeAll(container, partitionKey, effects, bounded, "Storing a decision's effects");
  }
  // Everything is stored: the record's pending list is cleared off the person's path (the sweep clears it otherwise).
  clear(container, partitionKey, t.primary.id, etag, bounded).catch(() => undefined);
  return 'written';
}

/** Stores a record's pending effects and clears its list. */
async function complete(container: Container, partitionKey: string, record: WithPending, bounded: Bounded): Promise<void> {
  const effects = record[PENDING] ?? [];
  if (effects.length > 0) await storeAll(container, partitionKey, effects, bounded, "Storing a decision's effects");
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

/** Completes one record's pending effects, if it has any. */
async function settle(container: Container, partitionKey: string, id: string, bounded: Bounded): Promise<void> {
  const { resource } = await container.item(id, partitionKey).read<WithPending>(bounded());
  if (resource?.[PENDING]) await complete(container, partitionKey, resource, bounded);
}

/**
 * The sweep: completes the effects of records whose writer stopped half way (non-atomic stores only; in Azure a batch
 * is all or nothing). Returns how many records it completed. Partitioned by `customerKey`, like the cases container.
 */
export async function completePending(container: Container, bounded: Bounded, limit = 50): Promise<number> {
  const { resources } = await container.items
    .query<WithPending>(
      { query: `SELECT TOP @limit * FROM c WHERE IS_DEFINED(c.${PENDING})`, parameters: [{ name: '@limit', value: limit }] },
      bounded(),
    )
    .fetchAll();
  for (const record of resources) await complete(container, record.customerKey ?? '', record, bounded);
  return resources.length;
}
