import { MEASURE_KIND_IDS, type MeasureKind } from '../../domain/measure';
import { lapse } from '../../domain/review';
import { lapsedMarker, type CustomerSummary } from '../../domain/summary';
import type { AppContext } from '../context';
import { aboutCustomer, customer, decideOn } from '../decide';
import type { Effect } from '../ports';

/**
 * An open measure of this kind whose review date passed with no review has lapsed (§8): recorded as lapsed, with its
 * audit event, once (docs/rules.md#R-marker-lapses). A measure that takes its place is written in the same decision,
 * so a customer never has two of a kind open.
 */
export async function endLapsed(ctx: AppContext, summary: CustomerSummary, kind: MeasureKind, now: Date): Promise<Effect[]> {
  const lapsed = lapsedMarker(summary, kind, now);
  const current = lapsed ? await ctx.measures.read(lapsed.id, summary.customerKey) : null;
  if (!current) return [];
  const { measure, audit } = lapse(current.value, now);
  return [{ type: 'change', before: current, after: measure }, audit];
}

/**
 * `case` and `reviews` record every lapse they are first to see, as one decision about the customer; `check` stays a
 * read. The summary as it is then, or null when the customer's records kept changing (the next view records it).
 */
export async function recordLapses(ctx: AppContext, customerKey: string): Promise<CustomerSummary | null> {
  const outcome = await decideOn<CustomerSummary, CustomerSummary>(ctx.customers, customer(customerKey), async (summary) => {
    const now = ctx.now();
    const lapsed = (await Promise.all(MEASURE_KIND_IDS.map((kind) => endLapsed(ctx, summary, kind, now)))).flat();
    if (lapsed.length === 0) return { answer: summary };
    const decision = aboutCustomer(summary, lapsed, summary);
    return 'commit' in decision ? { ...decision, answer: decision.commit } : decision;
  });
  return 'answer' in outcome ? outcome.answer : null;
}
