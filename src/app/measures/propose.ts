import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseReference } from '../../domain/reference';
import { latestReviewDate, type Measure } from '../../domain/measure';
import { PROPOSAL_FIELDS, build, checkProposal, type ProposalValues } from '../../domain/proposal';
import { needsSection51Response } from '../../domain/incident';
import { auditEvent, type Incident } from '../../domain/records';
import { alreadyOpen, type CustomerSummary } from '../../domain/summary';
import { fail, ok, type Result } from '../../domain/result';
import { formIdSchema, formInputs, valuesOf } from '../../domain/form-values';
import { ukDate } from '../../domain/time';
import { serviceAreaById } from '../roles';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext } from '../context';
import { mayView } from '../cases/access';
import { askIndependent, askedToDecide, peopleFor } from '../signoff/requests';
import { waitingFor } from '../signoff/views';
import { aboutCustomer, customer, decideOn } from '../decide';
import { letterWith } from '../letters/drafts';
import { endLapsed } from './lapse';
import { proposalForm, proposedCard } from './views';

const formData = z.looseObject({
  incidentRef: z.string().max(20),
  formId: formIdSchema,
  ...formInputs(PROPOSAL_FIELDS, 5000),
});

interface ForProposal {
  incident: Incident;
  formId: string | undefined;
  values: ProposalValues;
}

async function loadForProposal(ctx: AppContext, actor: Actor, data: unknown): Promise<Result<ForProposal, ActionResult>> {
  const parsed = formData.safeParse(data);
  if (!parsed.success) return fail(badRequest(parsed.error));
  const reference = parseReference(parsed.data.incidentRef);
  const incident = reference ? await ctx.incidents.findByReference(reference) : null;
  if (!incident) return fail(actionError(404, 'NotFound', 'That incident is not recorded.'));
  if (!(await mayView(ctx, actor, incident)).propose)
    return fail(actionError(403, 'NotCaseManager', 'Only the Customer Experience team can propose measures.'));
  return ok({ incident, formId: parsed.data.formId, values: valuesOf(PROPOSAL_FIELDS, parsed.data) });
}

/** `measure.form`: the proposal form for an incident, with sensible defaults (§5.1 incidents suggest visits in pairs). */
export async function showProposalForm(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const result = await loadForProposal(ctx, actor, data);
  if (!result.ok) return result.error;
  const loaded = result.value;
  const now = ctx.now();
  const { incident } = loaded;
  const defaults: ProposalValues = {
    kind: needsSection51Response(incident) ? 'pairs-visit' : 'warning',
    reviewDate: ukDate(latestReviewDate(now)),
    notifyCustomer: 'yes',
    declineWithoutNewEvidence: 'false',
  };
  return { card: proposalForm(incident, loaded.formId ?? ctx.newId(), defaults, {}, now) };
}

/** `measure.propose`: checked against the policy; a refusal comes back in the form; sign-off requests are queued with it. */
export async function proposeMeasure(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const result = await loadForProposal(ctx, actor, data);
  if (!result.ok) return result.error;
  const loaded = result.value;
  const { incident, values } = loaded;
  if (!loaded.formId) return actionError(400, 'BadRequest', 'This form has no id: open the case again.');
  const now = ctx.now();
  const area = await serviceAreaById(ctx.directory, incident.serviceArea);
  if (!area) return actionError(409, 'UnknownServiceArea', `Service area ${incident.serviceArea} is no longer configured: ask an admin.`);
  const proposer = await personOf(ctx, actor);
  const formId = loaded.formId;
  const outcome = await decideOn<CustomerSummary, ActionResult>(
    ctx.customers,
    customer(incident.customerKey),
    async (summary) => {
      // Only a warning the customer was actually given counts (§5.2: it gives them the chance to amend their behaviour).
      const checked = checkProposal(values, { incidents: [incident], priorWarning: summary.warned, now, policyVersion: ctx.policyVersion });
      if (!checked.ok) return { answer: { card: proposalForm(incident, formId, values, checked.error, now) } };
      // The id derives from the form, so a double click or a retried delivery proposes once.
      const id = `${incident.reference}:${checked.value.kind}:${createHash('sha256').update(`${actor.id}|${formId}`).digest('hex').slice(0, 10)}`;
      const earlier = (await ctx.measures.read(id, incident.customerKey))?.value;
      // The same form sent again: what was recorded the first time stands (and may have been decided since).
      if (earlier) return { answer: { card: proposedCard(earlier, true, await whoDecides(ctx, earlier)) } };
      const clash = alreadyOpen(summary, checked.value.kind, now);
      if (clash) return { answer: { card: proposalForm(incident, formId, values, { kind: clash }, now) } };
      // Nobody decides what they proposed or reported an incident for (docs/rules.md#R-signoff-independent).
      const deciders = await askIndependent(ctx, area.id, new Set([proposer.id, incident.reporter.id]));
      const measure = build(checked.value, id, area.id, proposer, [incident.reporter], deciders);
      const audit = auditEvent(`${id}:proposed`, measure.customerKey, now, proposer, 'measure.proposed', id, {
        kind: measure.kind,
        status: measure.status,
      });
      const lapsed = await endLapsed(ctx, summary, measure.kind, now);
      // In force at once (no sign-off): its letter is stored with it; one awaiting sign-off gets it when decided.
      const letter = measure.status === 'active' ? await letterWith(ctx, { about: 'measure', measure }, proposer, now) : [];
      return aboutCustomer(summary, [...lapsed, measure, audit, ...letter, ...(await askedToDecide(ctx, measure, 'proposed', now))], {
        card: proposedCard(measure, false, await whoDecides(ctx, measure)),
      });
    },
    { committed: (effects) => ctx.notify(effects.filter((e) => e.type === 'outbox')) },
  );
  if ('answer' in outcome) return outcome.answer;
  return actionError(409, 'Conflict', "This customer's records keep changing: send the proposal again.");
}

/** Who is asked to sign a measure off, by name and role (empty when it needs no sign-off). */
async function whoDecides(ctx: AppContext, m: Measure): Promise<string> {
  return m.signOff ? waitingFor(await peopleFor(ctx, m)) : '';
}
