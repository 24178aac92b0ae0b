import { z } from 'zod';
import { APPEAL_TEXT_MAX, decideAppeal, refusalFor, type AppealDecided, type AppealDecisionInput, type AppealRefusal } from '../../domain/appeal';
import { formIdSchema, formInputs, valuesOf } from '../../domain/form-values';
import { termsOf, variationId } from '../../domain/variation';
import { PROPOSAL_FIELDS, checkProposal } from '../../domain/proposal';
import { auditEvent, type Person } from '../../domain/records';
import { fail, ok, type Result } from '../../domain/result';
import type { CustomerSummary } from '../../domain/summary';
import { formatUk } from '../../domain/time';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext } from '../context';
import { aboutCustomer, customer, decideOn } from '../decide';
import { incidentsRelied } from '../decisions/views';
import { letterWith } from '../letters/drafts';
import { noticeTo } from '../notices';
import type { Effect } from '../ports';
import { NOT_FOUND, appealRef, appealUpdates, loadPair, mayOpen, readPair, statusCardFor, viewOf, type AppealPair, type AppealRef } from './requests';
import { appealDecideCard, appealStatusCard, outcomeNotice, variationForm } from './views';

const reasons = z.string().max(APPEAL_TEXT_MAX, `reasons must be ${APPEAL_TEXT_MAX} characters or fewer`).default('');
const decision = appealRef.extend({
  outcome: z.enum(['uphold', 'overturn'], { error: 'outcome must be uphold or overturn' }),
  upholdReasons: reasons,
  overturnReasons: reasons,
});
const varyStep = appealRef.extend({ formId: formIdSchema });
const variation = z.looseObject({ ...appealRef.shape, formId: formIdSchema, ...formInputs(PROPOSAL_FIELDS, 5000) });

const NO_INCIDENT = actionError(409, 'NoIncident', 'The incidents this measure rests on cannot be read: open the case.');

/** The decider's card, with what was wrong with their last click. */
async function decideCard(ctx: AppContext, { appeal, measure }: AppealPair, problem = ''): Promise<ActionResult> {
  const [view, incidents] = await Promise.all([viewOf(ctx, appeal.value, measure.value), incidentsRelied(ctx, measure.value)]);
  return { card: appealDecideCard(view, incidents, ctx.now(), problem) };
}

/**
 * A refusal before anything typed is looked at. Closed: the outcome, saying who decided first when another click won
 * meanwhile (`attempt` > 1); not one of the deciders: 403, nothing changes.
 */
async function refused(ctx: AppContext, actor: Actor, pair: AppealPair, r: AppealRefusal, attempt: number): Promise<ActionResult> {
  const a = pair.appeal.value;
  if (r.code === 'AlreadyDecided' || r.code === 'Withdrawn') {
    const note =
      attempt > 1 && a.decision
        ? `${a.decision.by.name} decided this first, at ${formatUk(a.decision.at)}: your click changed nothing.`
        : `This appeal was already ${a.status}: nothing was changed.`;
    return { card: await statusCardFor(ctx, actor, a, pair.measure.value, note) };
  }
  if (r.code === 'ReasonsRequired') return decideCard(ctx, pair, r.message);
  return actionError(r.code === 'NotDecider' ? 403 : 409, r.code, r.message);
}

/** `appeal.refresh`: the deciders see their decision card while they can decide; others with a need to know, its status. */
export async function refreshAppeal(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const loaded = await loadPair(ctx, data);
  if (!loaded.ok) return loaded.error;
  const { appeal, measure } = loaded.value;
  if (!refusalFor(appeal.value, measure.value, actor.id)) return decideCard(ctx, loaded.value);
  if (!(await mayOpen(ctx, actor, appeal.value, measure.value)))
    return actionError(403, 'NeedToKnow', 'Only the Customer Experience team and the Heads of Service concerned can see this appeal.');
  return { card: await statusCardFor(ctx, actor, appeal.value, measure.value) };
}

/**
 * An appeal outcome through the shell (src/app/decide.ts), as one decision about the customer: of two clicks at once
 * exactly one wins (docs/rules.md#R-appeal-once). `input` turns what was sent into the decision, or answers instead.
 */
async function decideThrough(
  ctx: AppContext,
  actor: Actor,
  ref: AppealRef,
  input: (
    pair: AppealPair,
    summary: CustomerSummary,
    now: Date,
  ) => Result<AppealDecisionInput, ActionResult> | Promise<Result<AppealDecisionInput, ActionResult>>,
): Promise<ActionResult> {
  const by = await personOf(ctx, actor);
  const outcome = await decideOn<CustomerSummary, ActionResult>(
    ctx.customers,
    customer(ref.customerKey),
    async (summary, attempt) => {
      const pair = await readPair(ctx, ref);
      if (!pair) return { answer: NOT_FOUND };
      const refusal = refusalFor(pair.appeal.value, pair.measure.value, actor.id);
      if (refusal) return { answer: await refused(ctx, actor, pair, refusal, attempt) };
      const now = ctx.now();
      const given = await input(pair, summary, now);
      if (!given.ok) return { answer: given.error };
      const result = decideAppeal(pair.appeal.value, pair.measure.value, by, given.value, now, ctx.policyVersion);
      if (!result.ok) return { answer: await refused(ctx, actor, pair, result.error, attempt) };
      const view = await viewOf(ctx, result.value.appeal, result.value.measure, result.value.replacement);
      return aboutCustomer(summary, await decided(ctx, pair, result.value, by, now), { card: appealStatusCard(view, now) });
    },
    { committed: (effects) => ctx.notify(effects.filter((e) => e.type === 'outbox')) },
  );
  if ('answer' in outcome) return outcome.answer;
  return actionError(409, 'Conflict', 'This record keeps changing while you decide: open it again.');
}

/**
 * What an appeal outcome writes (docs/rules.md#R-appeal-outcome): the appeal and the measure changed, the measure
 * that replaces it, the audit event, every card sent to the deciders updated, and the measure's proposer and the case
 * managers told, to write to the customer (§7). Not the decider, who knows.
 */
async function decided(ctx: AppContext, pair: AppealPair, d: AppealDecided, by: Person, now: Date): Promise<Effect[]> {
  const a = d.appeal;
  const audit = auditEvent(`${a.id}:decided`, a.customerKey, now, by, `appeal.${a.decision!.outcome}`, a.id, {
    measureId: a.measureId,
    variedTo: a.decision!.variedTo,
  });
  const told = new Set([d.measure.proposedBy, ...(await ctx.directory.caseManagers())].map((p) => p.id));
  told.delete(by.id);
  const notice = outcomeNotice(a, d.replacement);
  return [
    { type: 'change', before: pair.appeal, after: a },
    { type: 'change', before: pair.measure, after: d.measure },
    ...(d.replacement ? [d.replacement] : []),
    audit,
    ...appealUpdates(a, 'decided', now),
    ...[...told].map((id) => noticeTo(`${a.id}:decided:${id}`, a.customerKey, id, notice, now)),
    ...(await letterWith(ctx, { about: 'appeal', ...d }, by, now)),
  ];
}

/** `appeal.decide`: uphold or overturn, with reasons (§7). */
export async function decideOnAppeal(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = decision.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  const { outcome } = parsed.data;
  const given = { outcome, reasons: outcome === 'uphold' ? parsed.data.upholdReasons : parsed.data.overturnReasons };
  return decideThrough(ctx, actor, parsed.data, () => ok(given));
}

/**
 * `appeal.vary-form`: the form for the new terms: the proposal form with the measure's kind fixed, filled with its
 * terms as they stand (docs/rules.md#R-appeal-variation).
 */
export async function showVariationForm(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = varyStep.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  const pair = await readPair(ctx, parsed.data);
  if (!pair) return NOT_FOUND;
  const refusal = refusalFor(pair.appeal.value, pair.measure.value, actor.id);
  if (refusal) return refused(ctx, actor, pair, refusal, 1);
  const m = pair.measure.value;
  const [newest] = await incidentsRelied(ctx, m);
  if (!newest) return NO_INCIDENT;
  const now = ctx.now();
  return { card: variationForm(pair.appeal.value, m, newest, parsed.data.formId ?? ctx.newId(), termsOf(m, now), {}, now) };
}

/**
 * `appeal.vary`: the new terms, checked as a proposal is (§5, §6, §8: a refusal comes back in the form, values kept),
 * then decided, their reasons the decision's: the measure lifted and the new one in force in the same write.
 */
export async function varyOnAppeal(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = variation.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  const { formId } = parsed.data;
  if (!formId) return actionError(400, 'BadRequest', 'This form has no id: open the appeal again.');
  return decideThrough(ctx, actor, parsed.data, async (pair, summary, now) => {
    const [a, m] = [pair.appeal.value, pair.measure.value];
    const incidents = await incidentsRelied(ctx, m);
    if (!incidents[0]) return fail(NO_INCIDENT);
    // The kind is the measure's, whatever the card sent.
    const values = { ...valuesOf(PROPOSAL_FIELDS, parsed.data), kind: m.kind };
    const checked = checkProposal(values, { incidents, priorWarning: summary.warned, now, policyVersion: ctx.policyVersion });
    if (!checked.ok) return fail({ card: variationForm(a, m, incidents[0], formId, values, checked.error, now) });
    return ok({ outcome: 'vary', reasons: checked.value.reasons, variation: { checked: checked.value, id: variationId(a.id, m) } });
  });
}
