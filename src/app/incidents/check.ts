import { isCustomerRef, normaliseCustomerRef } from '../../domain/customer';
import { MEASURE_KINDS } from '../../domain/measure';
import { markersInForce, type MarkerSummary } from '../../domain/summary';
import { pairsLapsedOn, reviewDay } from '../../domain/review';
import { formatUk } from '../../domain/time';
import { renderCard } from '../../cards/render';
import type { CustomerCheckCard } from '../../cards/types';
import type { AppContext, Reply } from '../context';

function measureView(m: MarkerSummary): CustomerCheckCard['inForce'][number] {
  const interim = m.interim && m.status === 'pending-sign-off';
  return {
    title: `${MEASURE_KINDS[m.kind].label}${interim ? ' (interim, pending sign-off)' : ''}`,
    instructions: m.instructions,
    status: interim
      ? `In force now for staff safety (§5.1) until the Head of Service confirms or lifts it. Review due ${formatUk(m.reviewDue, false)}.`
      : `In force. Review due ${formatUk(m.reviewDue, false)}.`,
    style: m.kind === 'pairs-visit' ? 'attention' : 'warning',
  };
}

/**
 * `check <customer ref>`: what staff need before contact, and nothing more (need-to-know, docs/rules.md#R-roles-check-need-to-know):
 * marker type and instructions, never incident narratives.
 */
export async function checkCustomer(ctx: AppContext, args: string): Promise<Reply> {
  if (!args) return { text: 'Type check and the customer or tenancy reference, for example: check T004512' };
  if (!isCustomerRef(args))
    return { text: `“${args.slice(0, 30)}” is not a customer reference: use 2–20 letters, digits, - or / as in the housing system.` };
  const customerRef = normaliseCustomerRef(args);
  const now = ctx.now();
  // One point read, whatever the customer's history: the hot path before every visit.
  const file = await ctx.customers.summary(customerRef);
  const inForce = markersInForce(file, now);
  const pending = file.markers.filter((m) => m.status === 'pending-sign-off' && !m.interim);
  const pairs = inForce.some((m) => m.kind === 'pairs-visit');
  // Staff safety first (docs/rules.md#R-review-lapsed-pairs-check): a lapse nobody reviewed is not known to be safe.
  const pairsLapsed = pairsLapsedOn(file, now);
  const headline = pairs
    ? 'Visit in pairs only.'
    : pairsLapsed
      ? `Visits in pairs lapsed unreviewed on ${reviewDay(pairsLapsed)}: ask the Customer Experience team before visiting alone.`
      : inForce.length
        ? 'Warning markers in force: read them before contact.'
        : 'No warning markers in force.';
  return {
    summary: `${customerRef}: ${headline}`,
    card: renderCard('customer-check', {
      customerRef,
      headline,
      headlineColor: pairs || pairsLapsed ? 'Attention' : inForce.length ? 'Warning' : 'Good',
      inForce: inForce.map(measureView),
      pending: pending.map((m) => ({ title: MEASURE_KINDS[m.kind].label, status: `Proposed ${formatUk(m.proposedAt, false)}` })),
      footnote:
        file.incidentCount === 0
          ? 'No incidents are recorded for this reference. Check the reference is right, and use your usual lone-working precautions.'
          : `${file.incidentCount} incident${file.incidentCount === 1 ? '' : 's'} on record. Details are for the Customer Experience team (need-to-know).`,
    }),
  };
}
