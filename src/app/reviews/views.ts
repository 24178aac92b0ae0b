import { MEASURE_KINDS, latestReviewDate, type Measure } from '../../domain/measure';
import { MAX_REFERRAL, hasLapsed, renewalNeedsSignOff, reviewDay, reviewsOf } from '../../domain/review';
import type { Incident } from '../../domain/records';
import { MAX_DECISION_TEXT } from '../../domain/signoff';
import { formatUk, ukDate } from '../../domain/time';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import type { NoticeCard, ReviewsCard } from '../../cards/types';
import type { ReviewDue } from '../ports';
import { dateInput, decisionCard, measureFacts, textInput } from '../decisions/views';

/** When it is due, or that it lapsed unreviewed (§8). */
function dueText(m: ReviewDue, now: Date): string {
  return hasLapsed(m, now) ? `Lapsed on ${reviewDay(m.reviewDue)}, not reviewed: no longer in force` : `Review due ${reviewDay(m.reviewDue)}`;
}

/** `reviews`: what is listed, and how many more there are (`atLeast` when the count stopped at the query's bound). */
export function reviewsCard(
  listed: readonly ReviewDue[],
  more: number,
  atLeast: boolean,
  now: Date,
  letters: Pick<ReviewsCard, 'letters' | 'lettersOverdue'>,
): AdaptiveCard {
  return renderCard('reviews', {
    ...letters,
    items: listed.map((m) => ({
      measureId: m.id,
      customerKey: m.customerKey,
      measureLabel: MEASURE_KINDS[m.kind].label,
      due: dueText(m, now),
      color: hasLapsed(m, now) ? ('Attention' as const) : ('Default' as const),
    })),
    more: more > 0 ? `${atLeast ? 'At least ' : ''}${more} more not listed: review these first, then type reviews again.` : '',
  });
}

/**
 * The review card (docs/rules.md#R-review-outcomes): the decider's card, with the measure's facts and one step per
 * outcome. Each step has inputs of its own (ids are unique in a card), and names the review it answers (`round`).
 */
export function reviewCard(m: Measure, incidents: readonly Incident[], userIds: readonly string[], now: Date, problem = ''): AdaptiveCard {
  const ref = { measureId: m.id, customerKey: m.customerKey };
  const data = (outcome: 'lift' | 'continue' | 'escalate') => ({ ...ref, round: reviewsOf(m).length, outcome });
  const lapsed = hasLapsed(m, now);
  const latest = ukDate(latestReviewDate(now));
  const next = (id: string) =>
    dateInput(id, 'Next review (at most six months ahead, §8)', 'Choose a date within six months', latest, ukDate(now), latest);
  const reasons = (id: string) => textInput(id, 'Reasons (§8)', 'Give the reasons for this outcome', MAX_DECISION_TEXT);
  const staysInForce = `${lapsed ? 'It is in force again' : 'It stays in force'} until the next review.${
    renewalNeedsSignOff(m) ? ' It needs Head of Service sign-off again (§5.2): until they decide, it is in force as interim.' : ''
  }`;
  return decisionCard({
    refreshVerb: 'review.open',
    refreshData: ref,
    userIds,
    subject: `Review (§8): ${MEASURE_KINDS[m.kind].label}${m.interim ? ' (interim)' : ''}`,
    problem,
    facts: [
      { label: 'Customer', value: m.customerKey },
      { label: 'Review', value: lapsed ? `Lapsed on ${reviewDay(m.reviewDue)}, not reviewed` : `Due ${reviewDay(m.reviewDue)}` },
      { label: 'Proposed', value: `${m.proposedBy.name}, ${formatUk(m.proposedAt)}` },
    ],
    ...measureFacts(m, incidents),
    steps: [
      {
        title: 'Lift…',
        explain: lapsed
          ? 'It stays out of force, and its lapse is closed as reviewed.'
          : 'It ends now: staff stop following it and check stops showing it.',
        inputs: [reasons('liftReasons')],
        confirm: 'Lift',
        style: 'destructive',
        verb: 'review.decide',
        data: data('lift'),
      },
      {
        title: 'Continue…',
        explain: staysInForce,
        inputs: [next('continueNextReview'), reasons('continueReasons')],
        confirm: 'Continue',
        style: 'positive',
        verb: 'review.decide',
        data: data('continue'),
      },
      {
        title: 'Escalate…',
        explain: `The behaviour persisted (§8): refer it under the Community Safety Policy or for legal action. ${staysInForce}`,
        inputs: [
          textInput('referredTo', 'Referred to (Community Safety team, police, legal services)', 'Say who it is referred to', MAX_REFERRAL),
          next('escalateNextReview'),
          reasons('escalateReasons'),
        ],
        confirm: 'Escalate',
        style: 'default',
        verb: 'review.decide',
        data: data('escalate'),
      },
    ],
  });
}

/** What a review decided, for the reviewer's card and the people told (docs/rules.md#R-review-notify). */
export function reviewedNotice(m: Measure): Pick<NoticeCard, 'title' | 'text' | 'color'> {
  const r = reviewsOf(m).at(-1);
  if (!r) throw new Error(`reviewedNotice: ${m.id} has no review`);
  const what = `${MEASURE_KINDS[m.kind].label} for customer ${m.customerKey}`;
  const next = r.nextReview ? ` Next review ${reviewDay(r.nextReview)}.` : '';
  const waiting =
    m.status === 'pending-sign-off' ? ' It needs Head of Service sign-off again (§5.2) and is in force, as interim, until they decide.' : '';
  const title = {
    lifted: `${what}: lifted at review`,
    continued: `${what}: continued at review`,
    escalated: `${what}: referred to ${r.referredTo ?? ''} and continued`,
  }[r.outcome];
  return {
    title,
    text: `${r.by.name} reviewed it on ${formatUk(r.at)} (§8).${next}${waiting} Reasons: ${r.reasons}`,
    color: r.outcome === 'escalated' ? 'Attention' : 'Default',
  };
}

/** The reviewer's card once recorded: what they decided. */
export function reviewedCard(m: Measure): AdaptiveCard {
  return renderCard('notice', reviewedNotice(m));
}

/** A review that changed nothing: already reviewed, awaiting sign-off, or ended. */
export function nothingChangedCard(m: Measure, why: string): AdaptiveCard {
  return renderCard('notice', { title: `${MEASURE_KINDS[m.kind].label} for customer ${m.customerKey}`, text: why, color: 'Warning' });
}
