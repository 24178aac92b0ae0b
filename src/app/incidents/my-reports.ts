import { CATEGORIES } from '../../domain/policy';
import { formatUk } from '../../domain/time';
import { renderCard } from '../../cards/render';
import type { Actor, AppContext, Reply } from '../context';

const SHOWN = 10;

/** `my reports`: the newest incidents this person reported, their own references to quote. */
export async function myReports(ctx: AppContext, actor: Actor): Promise<Reply> {
  const reports = await ctx.incidents.reportedBy(actor.id, SHOWN);
  return {
    summary: `${reports.length} recent reports`,
    card: renderCard('my-reports', {
      emptyText: 'You have not reported any incidents yet.',
      reports: reports.map((r) => ({
        reference: r.reference,
        customer: `${r.customerName} (${r.customerRef})`,
        category: CATEGORIES[r.category].label,
        occurredAt: formatUk(r.occurredAt),
      })),
    }),
  };
}
