import type { FeedOptions, FeedResponse } from '@azure/cosmos';
import type { Page } from '../app/ports';
import type { Bounded } from './documents';

/** Items per page of a list across customers: each page is its own bounded request. */
export const PAGE_SIZE = 100;

/** Options for one page of a query: where it starts (a continuation token; null: the first page), its size, its bound. */
export function pageOptions(page: string | null, bounded: Bounded): FeedOptions {
  return { maxItemCount: PAGE_SIZE, ...(page ? { continuationToken: page } : {}), ...bounded() };
}

/** A page as the application sees it: its items, and the token of the next (null: the last). */
export function pageOf<T>(response: FeedResponse<T>): Page<T> {
  return { items: response.resources, next: response.continuationToken ?? null };
}
