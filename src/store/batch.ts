import type { Container, OperationInput } from '@azure/cosmos';
import { allStored, createAll, withoutEtag } from './documents';
import { isPreconditionFailed } from './errors';

export interface Together {
  /** A read-modify-write guarded by the ETag it was read with. */
  replace?: { doc: { id: string; _etag?: string } & object };
  creates: ({ id: string } & object)[];
}

/**
 * Writes a decision and what follows from it (audit event, outbox entries) in one customer partition.
 * In Azure it is one transactional batch: all or nothing, the replace guarded by its ETag.
 * The embedded server's batch is not atomic, so there the guarded replace runs first and the creates (with
 * deterministic ids, so a retry cannot duplicate them) only after it won.
 * Returns false when the ETag no longer matches: someone else changed the record first.
 */
export async function writeTogether(container: Container, partitionKey: string, t: Together, atomic: boolean): Promise<boolean> {
  if (atomic) {
    const creates: OperationInput[] = t.creates.map((doc) => ({ operationType: 'Create', partitionKey, resourceBody: withoutEtag(doc) }));
    const replace: OperationInput[] = t.replace
      ? [{ operationType: 'Replace', partitionKey, id: t.replace.doc.id, resourceBody: withoutEtag(t.replace.doc), ifMatch: t.replace.doc._etag }]
      : [];
    const response = await container.items.batch([...replace, ...creates], partitionKey);
    const statuses = response.result?.map((r) => r.statusCode) ?? [];
    if (statuses.every((s) => s >= 200 && s < 300)) return true;
    if (statuses[0] === 412) return false;
    throw new Error(`Batch write failed: statuses ${statuses.join(',') || response.code}`);
  }
  if (t.replace) {
    try {
      await container
        .item(t.replace.doc.id, partitionKey)
        .replace(withoutEtag(t.replace.doc), { accessCondition: { type: 'IfMatch', condition: t.replace.doc._etag ?? '' } });
    } catch (error) {
      if (isPreconditionFailed(error)) return false;
      throw error;
    }
  }
  if (t.creates.length === 0) return true;
  const statuses = await createAll(container, partitionKey, t.creates);
  if (allStored(statuses)) return true;
  throw new Error(`Batch write failed: statuses ${statuses.join(',')}`);
}
