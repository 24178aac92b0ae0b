import { isInForce, reviewDateProblem, reviewDueOn, signOffReasons, type Measure, type SignOff } from './measure';
import { auditEvent, type AuditEvent, type Person } from './records';
import { fail, ok, type Result } from './result';
import { lapsedMarker, markersInForce, type CustomerSummary } from './summary';
import { formatUk, ukDate } from './time';
import { weekdayDate } from './working-days';

/**
 * The six-monthly review of a measure (§8: "all markers and actions ... will be reviewed every 6 months"). At its
 * review a measure is lifted, continued to a next review at most six months ahead, or escalated (referred under the
 * Community Safety Policy or for legal action, and continued). One nobody reviews by its review date has lapsed.
 */

/** How far ahead `reviews` looks, and how long an unreviewed lapse is still shown there (and, for visits in pairs, by `check`). */
const WINDOW_MS = 30 * 86_400_000;

const MIN_REVIEW_REASONS = 10;
export const MAX_REFERRAL = 200;

type ReviewOutcome = 'lifted' | 'continued' | 'escalated';

/** One review of a measure, kept on it (docs/rules.md#R-review-outcomes). */
export interface Review {
  /** `<measure id>:review:<n>` for its n-th review: two clicks on the same review record one outcome. */
  id: string;
  outcome: ReviewOutcome;
  by: Person;
  at: string;
  /** The review date it answered. */
  due: string;
  reasons: string;
  /** Continued or escalated: the next review. */
  nextReview: string | null;
  /** Escalated: who it was referred to. */
  referredTo: string | null;
  /** The policy version in force at the review (docs/policy-version.md), which may be newer than the measure's. */
  policyVersion: string;
}

/** What the reviewer chose on the card. */
export interface ReviewInput {
  outcome: 'lift' | 'continue' | 'escalate';
  reasons: string;
  /** Continue and escalate: the next review date, a UK day (YYYY-MM-DD). */
  nextReview: string;
  /** Escalate: who it is referred to. */
  referredTo: string;
}

export interface ReviewFacts {
  /** How many reviews the measure had when the card was made: a click on an older card changes nothing. */
  round: number;
  now: Date;
  policyVersion: string;
  /** Who is asked to sign a continuation off when it needs it, chosen independent of the reviewer and the reporters. */
  deciders: Pick<SignOff, 'approverId' | 'deputyId'>;
  /** Why a lapsed measure cannot be continued (another of its kind is open, docs/rules.md#R-one-marker-per-kind), or null. */
  clash: string | null;
}

export type ReviewRefusal = { code: 'AlreadyReviewed' | 'NotReviewable' | 'Invalid'; message: string };

const DONE: Record<ReviewOutcome, string> = { lifted: 'lifted it', continued: 'continued it', escalated: 'referred it on and continued it' };

export function reviewsOf(m: Pick<Measure, 'reviews'>): readonly Review[] {
  return m.reviews ?? [];
}

/**
 * Why this measure cannot be reviewed now, or null. It is reviewed while active, due or not, and after it lapsed:
 * `lapsed` is the status of a lapse nobody reviewed.
 */
export function notReviewable(m: Pick<Measure, 'status'>): string | null {
  if (m.status === 'active' || m.status === 'lapsed') return null;
  return m.status === 'pending-sign-off'
    ? 'It awaits Head of Service sign-off: it is reviewed once decided.'
    : `It was ${m.status}: there is nothing left to review.`;
}

/** Continuing it needs a Head of Service's sign-off again (§5.2): visits in pairs, or the customer not told. */
export function renewalNeedsSignOff(m: Pick<Measure, 'kind' | 'notifyCustomer'>): boolean {
  return signOffReasons(m.kind, m.notifyCustomer).length > 0;
}

/** A review date as cards say it, the UK calendar day with its weekday: "Wednesday 26 May 2027". */
export function reviewDay(at: string): string {
  return weekdayDate(ukDate(new Date(at)));
}

/** Who reviewed it last and how, for the person whose click came second. */
export function lastReviewed(m: Pick<Measure, 'reviews'>): string | null {
  const last = reviewsOf(m).at(-1);
  return last ? `${last.by.name} ${DONE[last.outcome]} at ${formatUk(last.at)}` : null;
}

/**
 * The outcome of a review (docs/rules.md#R-review-outcomes), as the measure after it. Reasons are required whatever
 * the outcome; a continuation's next review is at most six months away (§8). A continuation that needs sign-off stays in
 * force as interim until a Head of Service decides it (docs/rules.md#R-review-renewal-signoff).
 */
export function review(m: Measure, by: Person, input: ReviewInput, facts: ReviewFacts): Result<Measure, ReviewRefusal> {
  const done = reviewsOf(m);
  if (facts.round !== done.length)
    return fail({ code: 'AlreadyReviewed', message: `${lastReviewed(m) ?? 'This card is out of date'}: your click changed nothing.` });
  const why = notReviewable(m);
  if (why) return fail({ code: 'NotReviewable', message: why });
  const reasons = input.reasons.trim();
  if (reasons.length < MIN_REVIEW_REASONS) return invalid('Give the reasons for the outcome of this review, at least a sentence (§8).');
  const at = facts.now.toISOString();
  const record = (outcome: ReviewOutcome, nextReview: string | null, referredTo: string | null): Review => ({
    id: `${m.id}:review:${done.length + 1}`,
    outcome,
    by,
    at,
    due: m.reviewDue,
    reasons,
    nextReview,
    referredTo,
    policyVersion: facts.policyVersion,
  });
  if (input.outcome === 'lift') return ok({ ...m, status: 'lifted', interim: false, reviews: [...done, record('lifted', null, null)] });

  const referredTo = input.referredTo.trim();
  if (input.outcome === 'escalate' && referredTo.length < 3)
    return invalid('Say who it is referred to: the Community Safety team, the police or legal services (§8).');
  const dateProblem = reviewDateProblem(input.nextReview, facts.now);
  if (dateProblem) return invalid(`Next review: ${dateProblem}`);
  if (m.status === 'lapsed' && facts.clash) return invalid(facts.clash);
  const nextReview = reviewDueOn(input.nextReview).toISOString();
  const reviewed = record(input.outcome === 'escalate' ? 'escalated' : 'continued', nextReview, referredTo || null);
  if (!renewalNeedsSignOff(m)) return ok({ ...m, status: 'active', interim: false, reviewDue: nextReview, reviews: [...done, reviewed] });
  // Asked afresh, and in force meanwhile, as a §5.1 marker is while it waits.
  const signOff: SignOff = {
    reasons: signOffReasons(m.kind, m.notifyCustomer),
    serviceArea: m.serviceArea,
    ...facts.deciders,
    requestedAt: at,
    decision: null,
    renewal: { id: reviewed.id, by, reviewDue: nextReview },
  };
  return ok({
    ...m,
    status: 'pending-sign-off',
    interim: true,
    reviewDue: nextReview,
    signOff,
    notifyOnDecision: m.notifyOnDecision.some((p) => p.id === by.id) ? m.notifyOnDecision : [...m.notifyOnDecision, by],
    reviews: [...done, reviewed],
  });
}

const invalid = (message: string) => fail<ReviewRefusal>({ code: 'Invalid', message });

/** Who records a lapse in the audit trail: nobody did it; the review date passed (§8). */
export const REVIEW_DATE_PASSED: Person = { id: 'review-date', name: 'Review date passed with no review (§8)' };

/**
 * An active measure past its review date with no review has lapsed (docs/rules.md#R-marker-lapses): recorded once,
 * with an audit event whose id names it (`<measure id>:lapsed`, or `…:lapsed:<n>` for a lapse after n reviews).
 */
export function lapse(m: Measure, now: Date): { measure: Measure; audit: AuditEvent } {
  const n = reviewsOf(m).length;
  const audit = auditEvent(n ? `${m.id}:lapsed:${n}` : `${m.id}:lapsed`, m.customerKey, now, REVIEW_DATE_PASSED, 'measure.lapsed', m.id, {
    kind: m.kind,
    reviewDue: m.reviewDue,
  });
  return { measure: { ...m, status: 'lapsed', interim: false }, audit };
}

/** What `reviews` lists: review dates from 30 days ago (unreviewed lapses) to 30 days ahead. */
export function reviewWindow(now: Date): { from: string; to: string } {
  return { from: new Date(now.getTime() - WINDOW_MS).toISOString(), to: new Date(now.getTime() + WINDOW_MS).toISOString() };
}

/**
 * Staff safety after visits in pairs lapsed unreviewed (docs/rules.md#R-review-lapsed-pairs-check): for 30 days `check`
 * says to ask before visiting alone, unless visits in pairs are in force again. The lapse may be recorded (the
 * summary's `lapses`) or not yet (an active marker past its date). Returns when it lapsed, or null.
 */
export function pairsLapsedOn(summary: CustomerSummary, now: Date): string | null {
  if (markersInForce(summary, now).some((m) => m.kind === 'pairs-visit')) return null;
  const on = lapsedMarker(summary, 'pairs-visit', now)?.reviewDue ?? summary.lapses.find((l) => l.kind === 'pairs-visit')?.on;
  return on && now.getTime() - new Date(on).getTime() < WINDOW_MS ? on : null;
}

/** A measure (or its projection) past its review date with no review: lapsed, whether recorded yet or not. */
export function hasLapsed(m: Pick<Measure, 'status' | 'interim' | 'reviewDue'>, now: Date): boolean {
  return m.status === 'lapsed' || (m.status === 'active' && !isInForce(m, now));
}
