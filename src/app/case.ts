import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CATEGORIES, CHANNELS, IMMEDIATE_ACTIONS, SAFETY_FLAGS, labelOf } from '../domain/policy';
import { parseReference } from '../domain/reference';
import { ADJUSTMENTS, CONTACT_CHANNELS, MEASURE_KINDS, latestReviewDate, type Measure } from '../domain/measure';
import { PROPOSAL_FIELDS, build, checkProposal, type ProposalErrors, type ProposalField, type ProposalValues } from '../domain/proposal';
import { needsSection51Response } from '../domain/incident';
import { auditEvent, type Incident } from '../domain/records';
import { fieldsToCorrect, formIdSchema, formInputs, valuesOf } from '../domain/form-values';
import { formatUk, ukDate } from '../domain/time';
import { rolesOf, serviceAreaById } from '../directory/directory';
import { renderCard } from '../cards/render';
import { actionError, personOf, type ActionResult, type Actor, type AppContext, type Reply } from './context';
import { signOffRequests } from './signoff';

const STATUS: Record<Measure['status'], string> = {
  'pending-sign-off': 'awaiting Head of Service sign-off',
  active: 'in force',
  rejected: 'rejected',
  lifted: 'lifted',
  lapsed: 'lapsed',
};

/** Case managers see every case; a Head of Service (or deputy) sees their service area's (§3; docs/rules.md#R-roles-case-view). */
async function mayView(ctx: AppContext, actor: Actor, incident: Incident): Promise<{ view: boolean; propose: boolean }> {
  const roles = await rolesOf(ctx.directory, actor.id);
  const area = await serviceAreaById(ctx.directory, incident.serviceArea);
  const headOfArea = !!area && (area.headOfService === actor.id || area.deputy === actor.id);
  return { view: roles.has('case-manager') || headOfArea, propose: roles.has('case-manager') };
}

/** `case <ref>`: the full case for those with a need to know; every view is audited (docs/rules.md#R-roles-case-view-audited). */
export async function showCase(ctx: AppContext, actor: Actor, args: string): Promise<Reply> {
  const reference = parseReference(args);
  if (!reference) return { text: 'Type case and the incident reference, for example: case UB-7K3-M9Q' };
  const incident = await ctx.incidents.findByReference(reference);
  if (!incident) return { text: `No incident ${reference} is recorded. Check the reference.` };
  const may = await mayView(ctx, actor, incident);
  if (!may.view)
    return {
      text: 'Only the Customer Experience team and the Head of Service for this area can see case details (need-to-know). You can use check <customer ref> before a visit.',
    };
  const now = ctx.now();
  const viewId = createHash('sha256').update(`${actor.id}|${now.toISOString()}|${ctx.newId()}`).digest('hex').slice(0, 16);
  await ctx.audit.append(
    auditEvent(`${reference}:viewed:${viewId}`, incident.customerKey, now, await personOf(ctx, actor), 'case.viewed', reference),
  );
  const file = await ctx.incidents.customerFile(incident.customerKey);
  const category = CATEGORIES[incident.category];
  const area = await serviceAreaById(ctx.directory, incident.serviceArea);
  return {
    summary: `Case ${reference}`,
    card: renderCard('case', {
      reference,
      customer: `${incident.customerName} (${incident.customerRef})`,
      occurredAt: formatUk(incident.occurredAt),
      channel: labelOf(CHANNELS, incident.channel),
      serviceArea: area?.name ?? incident.serviceArea,
      category: `${category.label} (§${category.section})`,
      behaviours: incident.behaviours.map((b) => labelOf(category.behaviours, b)).join('; '),
      safety: incident.safetyFlags.map((f) => labelOf(SAFETY_FLAGS, f)).join('; ') || 'None ticked',
      actions:
        [...incident.actions.map((a) => labelOf(IMMEDIATE_ACTIONS, a)), incident.crimeReference ? `crime ref ${incident.crimeReference}` : '']
          .filter(Boolean)
          .join('; ') || 'None',
      vulnerability:
        incident.vulnerability.known === 'yes'
          ? `Yes: ${incident.vulnerability.note ?? ''}`
          : incident.vulnerability.known === 'no'
            ? 'None known'
            : 'Not known',
      reporter: `${incident.reporter.name}, ${formatUk(incident.reportedAt)}`,
      description: incident.description,
      measures: file.measures.map((m) => ({
        label: MEASURE_KINDS[m.kind].label,
        status: `${STATUS[m.status]}${m.interim ? ' (interim)' : ''}, review ${formatUk(m.reviewDue, false)}`,
      })),
      canPropose: may.propose,
    }),
  };
}

const asNumber = (v: string | undefined) => (v !== undefined && /^\d{1,3}$/.test(v.trim()) ? Number(v.trim()) : null);
const blank = () => Object.fromEntries(PROPOSAL_FIELDS.map((f) => [f, ''])) as Record<ProposalField, string>;

function proposalForm(incident: Incident, formId: string, values: ProposalValues, refused: ProposalErrors, now: Date) {
  // The "per week / month" choices have no error line of their own: their problem shows under the number beside them.
  const { maxContactsPer, maxIssuesPer, ...errors } = refused;
  if (maxContactsPer) errors.maxContactsCount ??= maxContactsPer;
  if (maxIssuesPer) errors.maxIssuesCount ??= maxIssuesPer;
  const problems = Object.values(errors).filter(Boolean).length;
  return renderCard('measure-form', {
    customerKey: incident.customerKey,
    incidentRef: incident.reference,
    formId,
    today: ukDate(now),
    latestReview: ukDate(latestReviewDate(now)),
    problemSummary: problems ? `Not proposed: please correct ${fieldsToCorrect(problems)} marked below.` : '',
    vulnerabilityNote:
      incident.vulnerability.known === 'yes'
        ? `The reporter knows of a vulnerability: “${incident.vulnerability.note ?? ''}”. Consider contact through a third party or advocate (§6)`
        : '',
    kinds: Object.entries(MEASURE_KINDS).map(([id, k]) => ({ id, label: `${k.label} (§${k.section})${k.signOff ? ': needs sign-off' : ''}` })),
    adjustmentOptions: ADJUSTMENTS,
    channelOptions: CONTACT_CHANNELS,
    // Input.Number takes a number: a typed "3" sent back as text would be dropped by the renderer.
    values: { ...blank(), ...values, maxContactsCount: asNumber(values.maxContactsCount), maxIssuesCount: asNumber(values.maxIssuesCount) },
    errors: { ...blank(), ...errors },
  });
}

const formData = z.looseObject({
  incidentRef: z.string().max(20),
  formId: formIdSchema,
  ...formInputs(PROPOSAL_FIELDS, 5000),
});

async function loadForProposal(ctx: AppContext, actor: Actor, data: unknown) {
  const parsed = formData.safeParse(data);
  if (!parsed.success) return actionError(400, 'BadRequest', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const reference = parseReference(parsed.data.incidentRef);
  const incident = reference ? await ctx.incidents.findByReference(reference) : null;
  if (!incident) return actionError(404, 'NotFound', 'That incident is not recorded.');
  if (!(await mayView(ctx, actor, incident)).propose)
    return actionError(403, 'NotCaseManager', 'Only the Customer Experience team can propose measures.');
  return { incident, formId: parsed.data.formId, values: valuesOf(PROPOSAL_FIELDS, parsed.data) };
}

/** `measure.form`: the proposal form for an incident, with sensible defaults (§5.1 incidents suggest visits in pairs). */
export async function showProposalForm(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const loaded = await loadForProposal(ctx, actor, data);
  if ('error' in loaded || 'card' in loaded) return loaded;
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
  const loaded = await loadForProposal(ctx, actor, data);
  if ('error' in loaded || 'card' in loaded) return loaded;
  const { incident, values } = loaded;
  if (!loaded.formId) return actionError(400, 'BadRequest', 'This form has no id: open the case again.');
  const now = ctx.now();
  const file = await ctx.incidents.customerFile(incident.customerKey);
  // Only a warning the customer was actually given counts (§5.2: it gives them the chance to amend their behaviour).
  const priorWarning = file.measures.some((m) => m.kind === 'warning' && m.notifyCustomer && ['active', 'lapsed', 'lifted'].includes(m.status));
  const checked = checkProposal(values, { incidents: [incident], priorWarning, now });
  if (!checked.ok) return { card: proposalForm(incident, loaded.formId, values, checked.errors, now) };
  const area = await serviceAreaById(ctx.directory, incident.serviceArea);
  if (!area) return actionError(409, 'UnknownServiceArea', `Service area ${incident.serviceArea} is no longer configured: ask an admin.`);
  const proposer = await personOf(ctx, actor);
  // The id derives from the form, so a double click or a retried delivery proposes once.
  const id = `${incident.reference}:${checked.measure.kind}:${createHash('sha256').update(`${actor.id}|${loaded.formId}`).digest('hex').slice(0, 10)}`;
  const measure = build(checked.measure, id, area, proposer, [incident.reporter, proposer]);
  const requests = await signOffRequests(ctx, measure, now);
  const audit = auditEvent(`${id}:proposed`, measure.customerKey, now, proposer, 'measure.proposed', id, {
    kind: measure.kind,
    status: measure.status,
  });
  await ctx.measures.create(measure, [audit, ...requests]);
  ctx.notify(requests);
  const label = MEASURE_KINDS[measure.kind].label;
  return {
    card: renderCard('notice', {
      title: measure.signOff ? `${label}: proposed, awaiting Head of Service sign-off` : `${label}: in force`,
      text: `${measure.instructions} Review due ${formatUk(measure.reviewDue, false)} (§8).${measure.signOff ? ' The Head of Service has been sent a card to decide.' : ''}${measure.notifyCustomer ? ' The customer must be told in writing, with how to appeal (§7).' : ''}`,
      color: measure.signOff ? 'Warning' : 'Good',
    }),
  };
}
