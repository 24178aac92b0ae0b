import type { Container, JSONValue } from '@azure/cosmos';
import type { Page } from '../app/ports';
import type { Bounded } from './documents';

/** Items per page of a list across customers: each page is its own bounded request. */
export const PAGE_SIZE = 100;

/**
 * One page of a query across customers: `page` is where it starts (a continuation token; null: the first page), and
 * every `@name` in the query is bound from `parameters` (never spliced into the text). The next page's token is null on
 * the last.
 */
export async function queryPage<T>(
  container: Container,
  bounded: Bounded,
  query: string,
  parameters: Record<string, JSONValue>,
  page: string | null,
): Promise<Page<T>> {
  const response = await container.items
    .query<T>(
      { query, parameters: Object.entries(parameters).map(([name, value]) => ({ name: `@${name}`, value })) },
      { maxItemCount: PAGE_SIZE, ...(page ? { continuationToken: page } : {}), ...bounded() },
    )
    .fetchNext();
  return { items: response.resources, next: response.continuationToken ?? null };
}
