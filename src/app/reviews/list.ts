import { hasLapsed, reviewWindow } from '../../domain/review';
import { ukDate } from '../../domain/time';
import type { Actor, AppContext, Reply } from '../context';
import { recordLapses } from '../measures/lapse';
import { rolesOf } from '../roles';
import { overdueUpTo } from '../letters/overdue';
import { OVERDUE_COUNTED, overdueLetters } from '../letters/views';
import { reviewsCard } from './views';

/** How many the card lists, and how many the query reads at most (to say how many more). */
const LISTED = 20;
const COUNTED = 100;

export const ONLY_CASE_MANAGERS =
  'Reviews are for the Customer Experience team (case managers, §3, §8): ask them about a measure’s review. Before a visit, use check <customer ref>.';

/** Whether this person reviews measures (§8): a case manager, from the directory (docs/rules.md#R-review-who). */
export async function mayReview(ctx: AppContext, actor: Actor): Promise<boolean> {
  return (await rolesOf(ctx.directory, actor.id)).has('case-manager');
}

/**
 * `reviews` (docs/rules.md#R-review-list): measures due for review in the next 30 days and those that lapsed unreviewed
 * in the last 30, soonest first: one bounded query across customers. A lapse first seen here is recorded.
 */
export async function reviewsDue(ctx: AppContext, actor: Actor): Promise<Reply> {
  if (!(await mayReview(ctx, actor))) return { text: ONLY_CASE_MANAGERS };
  const now = ctx.now();
  const { from, to } = reviewWindow(now);
  const [due, overdue] = await Promise.all([ctx.measures.dueForReview(from, to, COUNTED), overdueUpTo(ctx, ukDate(now), OVERDUE_COUNTED)]);
  const listed = due.slice(0, LISTED);
  const lapsedFor = new Set(listed.filter((m) => m.status === 'active' && hasLapsed(m, now)).map((m) => m.customerKey));
  await Promise.all([...lapsedFor].map((customerKey) => recordLapses(ctx, customerKey)));
  const lapsed = listed.filter((m) => hasLapsed(m, now)).length;
  return {
    summary: `${listed.length - lapsed} due for review, ${lapsed} lapsed`,
    card: reviewsCard(listed, due.length - listed.length, due.length === COUNTED, now, overdueLetters(overdue)),
  };
}
