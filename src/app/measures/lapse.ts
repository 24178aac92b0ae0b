import type { MeasureKind } from '../../domain/measure';
import { lapsedMarker, type CustomerSummary } from '../../domain/summary';
import type { AppContext } from '../context';
import type { MeasureChange } from '../ports';

/**
 * An open measure of this kind whose review date passed with no review has lapsed (§8). It is recorded as lapsed in the
 * same write as the measure that takes its place, so a customer never has two of a kind open.
 */
export async function endLapsed(ctx: AppContext, summary: CustomerSummary, kind: MeasureKind, now: Date): Promise<MeasureChange[]> {
  const lapsed = lapsedMarker(summary, kind, now);
  const current = lapsed ? await ctx.measures.read(lapsed.id, summary.customerKey) : null;
  return current ? [{ type: 'change', before: current, after: { ...current.value, status: 'lapsed' } }] : [];
}
