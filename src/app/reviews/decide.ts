import { z } from 'zod';
import { involvedInRenewal } from '../../domain/independence';
import type { Measure } from '../../domain/measure';
import { auditEvent } from '../../domain/records';
import { MAX_REFERRAL, lastReviewed, notReviewable, renewalNeedsSignOff, review, reviewsOf, type ReviewInput } from '../../domain/review';
import { MAX_DECISION_TEXT } from '../../domain/signoff';
import { alreadyOpen, type CustomerSummary } from '../../domain/summary';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext } from '../context';
import { aboutCustomer, customer, decideOn } from '../decide';
import { incidentsRelied } from '../decisions/views';
import { letterWith } from '../letters/drafts';
import { noticeTo } from '../notices';
import type { Effect, Versioned } from '../ports';
import { measureRef } from '../signoff/decide';
import { askIndependent, askedToDecide } from '../signoff/requests';
import { ONLY_CASE_MANAGERS, mayReview } from './list';
import { nothingChangedCard, reviewCard, reviewedCard, reviewedNotice } from './views';

const text = (name: string, max: number) => z.string().max(max, `${name} must be ${max} characters or fewer`).default('');
const day = (name: string) => z.string().max(10, `${name} must be a date (YYYY-MM-DD)`).default('');
/** A review step's data and its own inputs (each step's ids are its own: ids are unique in a card). */
const decision = measureRef.extend({
  round: z.number({ error: 'round must be a number' }).int().min(0).max(999),
  outcome: z.enum(['lift', 'continue', 'escalate'], { error: 'outcome must be lift, continue or escalate' }),
  liftReasons: text('liftReasons', MAX_DECISION_TEXT),
  continueReasons: text('continueReasons', MAX_DECISION_TEXT),
  escalateReasons: text('escalateReasons', MAX_DECISION_TEXT),
  continueNextReview: day('continueNextReview'),
  escalateNextReview: day('escalateNextReview'),
  referredTo: text('referredTo', MAX_REFERRAL),
});

const NOT_FOUND = actionError(404, 'NotFound', 'This measure is not recorded.');
const NOT_REVIEWER = actionError(403, 'NotCaseManager', ONLY_CASE_MANAGERS);

/** The review card for the reviewer: the newest incidents relied on, and a refresh for them only. */
async function reviewCardFor(ctx: AppContext, actor: Actor, m: Measure, problem = ''): Promise<ActionResult> {
  const [incidents, userId] = await Promise.all([incidentsRelied(ctx, m), ctx.conversations.userIdOf(actor.id)]);
  return { card: reviewCard(m, incidents, userId ? [userId] : [], ctx.now(), problem) };
}

/** `review.open`: a case manager's review card for a measure due (or lapsed); what became of it if it needs none. */
export async function openReview(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = measureRef.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  if (!(await mayReview(ctx, actor))) return NOT_REVIEWER;
  const m = (await ctx.measures.read(parsed.data.measureId, parsed.data.customerKey))?.value;
  if (!m) return NOT_FOUND;
  const why = notReviewable(m);
  if (why) return { card: nothingChangedCard(m, [lastReviewed(m), why].filter(Boolean).join('. ')) };
  return reviewCardFor(ctx, actor, m);
}

/**
 * `review.decide` (docs/rules.md#R-review-outcomes): one decision about the customer, so of two clicks at once exactly
 * one outcome is recorded; the other is told who reviewed it.
 */
export async function decideReview(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = decision.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  if (!(await mayReview(ctx, actor))) return NOT_REVIEWER;
  const d = parsed.data;
  const input: ReviewInput = {
    outcome: d.outcome,
    reasons: { lift: d.liftReasons, continue: d.continueReasons, escalate: d.escalateReasons }[d.outcome],
    nextReview: d.outcome === 'escalate' ? d.escalateNextReview : d.continueNextReview,
    referredTo: d.outcome === 'escalate' ? d.referredTo : '',
  };
  const by = await personOf(ctx, actor);
  const outcome = await decideOn<CustomerSummary, ActionResult>(
    ctx.customers,
    customer(d.customerKey),
    async (summary) => {
      const current = await ctx.measures.read(d.measureId, d.customerKey);
      if (!current) return { answer: NOT_FOUND };
      const m = current.value;
      const now = ctx.now();
      // A continuation asked afresh: not of its reviewer or the reporters (docs/rules.md#R-review-renewal-signoff).
      const deciders = renewalNeedsSignOff(m)
        ? await askIndependent(ctx, m.serviceArea, involvedInRenewal(m, by.id))
        : { approverId: null, deputyId: null };
      const clash = m.status === 'lapsed' ? alreadyOpen(summary, m.kind, now) : null;
      const result = review(m, by, input, { round: d.round, now, policyVersion: ctx.policyVersion, deciders, clash });
      if (result.ok) return aboutCustomer(summary, await reviewed(ctx, current, result.value, now), { card: reviewedCard(result.value) });
      if (result.error.code === 'Invalid') return { answer: await reviewCardFor(ctx, actor, m, result.error.message) };
      return { answer: { card: nothingChangedCard(m, result.error.message) } };
    },
    { committed: (effects) => ctx.notify(effects.filter((e) => e.type === 'outbox')) },
  );
  if ('answer' in outcome) return outcome.answer;
  return outcome.undecided === 'not-found' ? NOT_FOUND : actionError(409, 'Conflict', "This customer's records keep changing: review it again.");
}

/**
 * What a review writes: the measure, its audit event (`<measure id>:review:<n>`), any sign-off cards, and the notices
 * to the measure's proposer if still a case manager, else every case manager; not the reviewer, who knows.
 */
async function reviewed(ctx: AppContext, before: Versioned<Measure>, m: Measure, now: Date): Promise<Effect[]> {
  const r = reviewsOf(m).at(-1)!;
  const audit = auditEvent(r.id, m.customerKey, now, r.by, `review.${r.outcome}`, m.id, {
    kind: m.kind,
    status: m.status,
    nextReview: r.nextReview,
    referredTo: r.referredTo,
  });
  const managers = await ctx.directory.caseManagers();
  const proposer = managers.filter((p) => p.id === m.proposedBy.id);
  const told = (proposer.length ? proposer : managers).filter((p) => p.id !== r.by.id);
  const notice = reviewedNotice(m);
  return [
    { type: 'change', before, after: m },
    audit,
    ...(m.status === 'pending-sign-off' ? await askedToDecide(ctx, m, r.id, now) : []),
    ...told.map((p) => noticeTo(`${r.id}:told:${p.id}`, m.customerKey, p.id, notice, now)),
    // Final unless a continuation awaits sign-off: then its letter follows that decision.
    ...(m.status === 'pending-sign-off' ? [] : await letterWith(ctx, { about: 'review', measure: m }, r.by, now)),
  ];
}
