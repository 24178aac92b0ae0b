import type { Container, JSONObject, OperationInput } from '@azure/cosmos';
import { beforeWrite } from '../app/turn';
import type { Version, Versioned } from '../app/ports';
import { isNotFound } from './errors';

/** Options for one Cosmos operation (an abort signal that bounds it, retries included): CosmosStore.bounded. */
export type Bounded = () => { abortSignal: AbortSignal };

/** The field on which a record carries effects not yet stored (src/store/batch.ts). */
export const PENDING = 'pendingEffects';

/** A stored document: the record, Cosmos's own fields, and the store's bookkeeping. */
export type Stored<T> = T & { _etag?: string; [PENDING]?: ({ id: string } & object)[] };

/** What the store needs back to commit a version: its ETag, and the effects it still carried (never dropped). */
export interface StoredVersion extends Version {
  readonly pending: ({ id: string } & object)[];
}

/** The record alone: Cosmos's fields (`_etag`, `_rid`, `_ts`, …) and the store's bookkeeping stay in the store. */
export function recordOf<T>(doc: Stored<T>): T {
  return Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_') && key !== PENDING)) as T;
}

export function versioned<T>(doc: Stored<T>): Versioned<T> {
  const version: StoredVersion = { etag: doc._etag ?? '', pending: doc[PENDING] ?? [] };
  return { value: recordOf(doc), version };
}

/** A point read as stored (Cosmos's fields included); null for a missing document. */
export async function pointRead<T>(container: Container, id: string, partitionKey: string, bounded: Bounded): Promise<Stored<T> | null> {
  try {
    return (await container.item(id, partitionKey).read<Stored<T>>(bounded())).resource ?? null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** A point read, versioned; null for a missing document or one of another type (ids in card data are never trusted). */
export async function readVersioned<T extends { type: string }>(
  container: Container,
  id: string,
  partitionKey: string,
  type: T['type'],
  bounded: Bounded,
): Promise<Versioned<T> | null> {
  const resource = await pointRead<T>(container, id, partitionKey, bounded);
  return resource?.type === type ? versioned(resource) : null;
}

/** A point read of the record alone. */
export async function readDocument<T extends { type: string }>(
  container: Container,
  id: string,
  partitionKey: string,
  type: T['type'],
  bounded: Bounded,
): Promise<T | null> {
  return (await readVersioned<T>(container, id, partitionKey, type, bounded))?.value ?? null;
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

/** Creates documents that must all be stored (created now, or there already); throws `what failed` otherwise. */
export async function storeAll(container: Container, partitionKey: string, docs: object[], bounded: Bounded, what: string): Promise<void> {
  const statuses = await createAll(container, partitionKey, docs, bounded);
  if (!allStored(statuses)) throw new Error(`${what} failed: statuses ${statuses.join(',')}`);
}

export function withoutEtag(doc: object): JSONObject {
  const { _etag: _omit, ...rest } = doc as { _etag?: string };
  return rest;
}

/** The parameters of a page of one customer's history: the newest `limit` before `before` (from the newest when null). */
export function pageParameters(customerKey: string, before: string | null, limit: number): { name: string; value: string | number }[] {
  return [
    { name: '@limit', value: limit },
    { name: '@key', value: customerKey },
    { name: '@before', value: before ?? '9999' },
  ];
}
