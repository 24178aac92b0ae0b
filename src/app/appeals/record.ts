import { z } from 'zod';
import { APPEAL_FIELDS, appealId, appealableMarkers, checkAppeal, openAppeal } from '../../domain/appeal';
import { CUSTOMER_REF_PATTERN } from '../../domain/customer';
import { formIdSchema, formInputs, valuesOf } from '../../domain/form-values';
import { involvedIn } from '../../domain/independence';
import { auditEvent, RECORD_ID_PATTERN } from '../../domain/records';
import type { CustomerSummary } from '../../domain/summary';
import { ukDate } from '../../domain/time';
import { weekdayDate } from '../../domain/working-days';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext } from '../context';
import { aboutCustomer, customer, decideOn } from '../decide';
import { askIndependent } from '../signoff/requests';
import { NOT_CASE_MANAGER, askedToDecideAppeal, isCaseManager, statusCardFor } from './requests';
import { appealForm } from './views';

const formData = z.looseObject({
  customerKey: z.string().regex(CUSTOMER_REF_PATTERN, 'customerKey is not a customer reference'),
  formId: formIdSchema,
  ...formInputs(APPEAL_FIELDS, 5000),
});

const NOTHING_TO_APPEAL = actionError(
  409,
  'NothingToAppeal',
  'No measure is in force for this customer without an appeal already open: there is nothing to appeal.',
);

/** `appeal.form`: the form for a case manager to record an appeal against one of the customer's measures in force (§7). */
export async function showAppealForm(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = formData.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  if (!(await isCaseManager(ctx, actor))) return NOT_CASE_MANAGER;
  const { customerKey, formId } = parsed.data;
  const now = ctx.now();
  const measures = appealableMarkers(await ctx.customers.summary(customerKey), now);
  if (measures.length === 0) return NOTHING_TO_APPEAL;
  const defaults = { measureId: measures[0]!.id, appellant: 'customer', channel: 'letter', receivedOn: ukDate(now) };
  return { card: appealForm(customerKey, formId ?? ctx.newId(), measures, defaults, {}, now) };
}

/**
 * `appeal.record`: one decision about the customer (src/app/decide.ts): the appeal, its audit event and the cards to
 * its two independent deciders (docs/rules.md#R-appeal-record). A refusal comes back in the form, values kept; the
 * same form sent again records once.
 */
export async function recordAppeal(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = formData.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  if (!(await isCaseManager(ctx, actor))) return NOT_CASE_MANAGER;
  const { customerKey, formId } = parsed.data;
  if (!formId) return actionError(400, 'BadRequest', 'This form has no id: open the case again.');
  const values = valuesOf(APPEAL_FIELDS, parsed.data);
  const by = await personOf(ctx, actor);
  const outcome = await decideOn<CustomerSummary, ActionResult>(
    ctx.customers,
    customer(customerKey),
    async (summary) => {
      const now = ctx.now();
      const measureId = values.measureId ?? '';
      const named = RECORD_ID_PATTERN.test(measureId);
      // The id derives from the form: the same form sent again finds what it recorded the first time.
      const id = appealId(measureId, actor.id, formId);
      const earlier = named ? (await ctx.appeals.read(id, customerKey))?.value : null;
      const measure = named ? ((await ctx.measures.read(measureId, customerKey))?.value ?? null) : null;
      if (earlier && measure)
        return {
          answer: { card: await statusCardFor(ctx, actor, earlier, measure, 'This form had already been sent: the appeal is recorded once.') },
        };
      const checked = checkAppeal(values, { measure, open: summary.appeals, now });
      if (!checked.ok || !measure)
        return { answer: { card: appealForm(customerKey, formId, appealableMarkers(summary, now), values, checked.ok ? {} : checked.error, now) } };
      // Independent of the measure's whole history: its proposer, reporters and every earlier decider (§7).
      const deciders = await askIndependent(ctx, measure.serviceArea, involvedIn(measure));
      const appeal = openAppeal(checked.value, { id, customerKey, by, now, policyVersion: ctx.policyVersion }, deciders);
      const audit = auditEvent(`${id}:recorded`, customerKey, now, by, 'appeal.recorded', id, { measureId, dueOn: appeal.dueOn });
      const note = `Appeal recorded: a decision is due by ${weekdayDate(appeal.dueOn)}.`;
      return aboutCustomer(summary, [appeal, audit, ...(await askedToDecideAppeal(ctx, appeal, measure, now))], {
        card: await statusCardFor(ctx, actor, appeal, measure, note),
      });
    },
    { committed: (effects) => ctx.notify(effects.filter((e) => e.type === 'outbox')) },
  );
  if ('answer' in outcome) return outcome.answer;
  return actionError(409, 'Conflict', "This customer's records keep changing: send the appeal again.");
}
