import type { AppContext } from './context';
import type { Page } from './ports';

/**
 * Reads a long list page by page (each page its own request) and hands each page on before reading the next. Only the
 * first `limit` are read: a list that meets it may hold more, so operators are warned (counts only) and the rest waits
 * for the next run. Returns how many were read.
 */
export async function eachPage<T>(
  ctx: Pick<AppContext, 'log'>,
  list: string,
  limit: number,
  read: (limit: number, page: string | null) => Promise<Page<T>>,
  each: (items: T[]) => Promise<void>,
): Promise<number> {
  let count = 0;
  let page: string | null = null;
  do {
    const got: Page<T> = await read(limit, page);
    await each(got.items);
    count += got.items.length;
    page = got.next;
  } while (page !== null);
  if (count >= limit) ctx.log.warn({ list, limit, read: count }, 'a job read as many records as it may in one run: any more wait for its next run');
  return count;
}
