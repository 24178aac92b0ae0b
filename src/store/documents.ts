import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import { beforeWrite } from '../app/turn';
import { isNotFound } from './errors';

/** Options for one Cosmos operation (an abort signal that bounds it, retries included): CosmosStore.bounded. */
export type Bounded = () => { abortSignal: AbortSignal };

/** A point read that answers null for a missing document or one of another type (ids in card data are never trusted). */
export async function readDocument<T extends { type: string }>(
  container: Container,
  id: string,
  partitionKey: string,
  type: T['type'],
  bounded: Bounded,
): Promise<T | null> {
  try {
    const { resource } = await container.item(id, partitionKey).read<T>(bounded());
    return resource?.type === type ? resource : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Creates documents in one partition in one batch; returns each operation's status (409 = it was already there). */
export async function createAll(container: Container, partitionKey: string, docs: object[], bounded: Bounded): Promise<number[]> {
  beforeWrite();
  const operations: OperationInput[] = docs.map((doc) => ({ operationType: 'Create', partitionKey, resourceBody: withoutEtag(doc) }));
  const response = await container.items.batch(operations, partitionKey, bounded());
  return response.result?.map((r) => r.statusCode) ?? [response.code ?? 0];
}

/**
 * Whether every document of a createAll is stored now: created (201) or there already (409). An atomic batch that
 * met an existing document rolls back and marks the others 424; since batches with deterministic ids are all or
 * nothing, one that is there already means all of them are.
 */
export function allStored(statuses: number[]): boolean {
  return statuses.every((s) => s === 201 || s === 409) || (statuses.includes(409) && statuses.every((s) => s === 409 || s === 424));
}

export function withoutEtag(doc: object): JSONObject {
  const { _etag: _omit, ...rest } = doc as { _etag?: string };
  return rest as unknown as JSONObject;
}
