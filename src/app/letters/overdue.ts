import type { AppContext } from '../context';
import type { UnsentLetter } from '../ports';

/** Letters not recorded as sent whose last day is before `today`, oldest first: the first `limit`, page by page. */
export async function overdueUpTo(ctx: Pick<AppContext, 'letters'>, today: string, limit: number): Promise<UnsentLetter[]> {
  const read: UnsentLetter[] = [];
  let page: string | null = null;
  do {
    const got: { items: UnsentLetter[]; next: string | null } = await ctx.letters.unsentDueBefore(today, limit - read.length, page);
    read.push(...got.items);
    page = got.next;
  } while (page !== null && read.length < limit);
  return read.slice(0, limit);
}
