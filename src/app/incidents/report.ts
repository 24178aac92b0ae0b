import { z } from 'zod';
import { INCIDENT_FIELDS, isCategory, validateIncident, type IncidentFormValues } from '../../domain/incident';
import { interimPairsVisit } from '../../domain/measure';
import type { CategoryId } from '../../domain/policy';
import { submissionKey } from '../../domain/reference';
import { auditEvent, type Incident } from '../../domain/records';
import { fail, ok, type Result } from '../../domain/result';
import { formIdSchema, formInputs, valuesOf } from '../../domain/form-values';
import { ukDate, ukTime } from '../../domain/time';
import { signOffRequests } from '../signoff/requests';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext } from '../context';
import type { Effect } from '../ports';
import { confirmationCard, incidentFormCard } from './views';

/** Anything larger than this in one input is not a form a person filled in. */
const MAX_INPUT_CHARS = 20_000;

/** Card data: the action's own data (category, formId) plus every input's value, all strings. */
const actionData = z.looseObject({
  category: z.string().optional(),
  formId: formIdSchema,
  ...formInputs(INCIDENT_FIELDS, MAX_INPUT_CHARS),
});

type Parsed = { category: CategoryId; formId: string | undefined; values: IncidentFormValues };

function categoryOf(value: string | undefined): CategoryId | null {
  return value === undefined ? 'aggressive' : isCategory(value) ? value : null;
}

function parse(data: unknown): Result<Parsed, ActionResult> {
  const parsed = actionData.safeParse(data ?? {});
  if (!parsed.success) return fail(badRequest(parsed.error));
  const category = categoryOf(parsed.data.category);
  if (!category) return fail(actionError(400, 'BadRequest', `Unknown category “${String(parsed.data.category).slice(0, 30)}”`));
  return ok({ category, formId: parsed.data.formId, values: valuesOf(INCIDENT_FIELDS, parsed.data) });
}

/** `incident.form`: a new form, or the same form for another category keeping what was typed. */
export async function showIncidentForm(ctx: AppContext, data: unknown): Promise<ActionResult> {
  const parsed = parse(data);
  if (!parsed.ok) return parsed.error;
  const p = parsed.value;
  const now = ctx.now();
  const fresh = p.formId === undefined;
  return {
    card: incidentFormCard({
      category: p.category,
      formId: p.formId ?? ctx.newId(),
      values: fresh ? { occurredDate: ukDate(now), occurredTime: ukTime(now) } : p.values,
      errors: {},
      serviceAreas: await ctx.directory.serviceAreas(),
      today: ukDate(now),
    }),
  };
}

/** `incident.submit`: validate; on error the same form comes back with values kept; on success one incident, once. */
export async function submitIncident(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = parse(data);
  if (!parsed.ok) return parsed.error;
  const p = parsed.value;
  if (!p.formId) return actionError(400, 'BadRequest', 'This form has no id: type “report” to start a new one');
  const now = ctx.now();
  const serviceAreas = await ctx.directory.serviceAreas();
  const result = validateIncident(
    p.values,
    p.category,
    serviceAreas.map((a) => a.id),
    now,
  );
  if (!result.ok) {
    return {
      card: incidentFormCard({ category: p.category, formId: p.formId, values: p.values, errors: result.error, serviceAreas, today: ukDate(now) }),
    };
  }
  const report = result.value;
  const reporter = await personOf(ctx, actor);
  const key = submissionKey(actor.tenantId ?? '', actor.id, p.formId);
  const area = serviceAreas.find((a) => a.id === report.serviceArea)!;
  // Step 1: the reference this submission derives. A retry gets its own claim back, with its first customer.
  const claim = await ctx.incidents.claimReference(key, report.customerRef);
  const reference = claim.reference;
  const at = now.toISOString();
  const incident: Incident = {
    ...report,
    type: 'incident',
    id: reference,
    reference,
    customerKey: report.customerRef,
    submissionKey: key,
    reporter,
    reportedAt: at,
    policyVersion: ctx.policyVersion,
  };
  const audit = auditEvent(`${reference}:reported`, incident.customerKey, now, reporter, 'incident.reported', reference, {
    category: incident.category,
    safetyFlags: incident.safetyFlags,
  });
  // §5.1: visits in pairs from now, and the Head of Service is asked to confirm or lift it.
  const interim = interimPairsVisit(incident, { approverId: area.headOfService, deputyId: area.deputy });
  const effects: Effect[] = [audit, ...(interim ? [interim, ...(await signOffRequests(ctx, interim, now))] : [])];
  // Step 2: the incident and what follows from it, once. The same form sent again (even for another customer) finds
  // the first submission, which stands.
  const created = claim.customerKey === incident.customerKey && (await ctx.incidents.record(incident, effects)) === 'created';
  const recorded = created ? incident : await ctx.incidents.read(reference, claim.customerKey);
  if (!recorded) throw new Error(`Incident ${reference} is claimed but not stored yet`);
  if (created) ctx.notify(effects.filter((e) => e.type === 'outbox'));
  const stored = serviceAreas.find((a) => a.id === recorded.serviceArea);
  return { card: confirmationCard(recorded, stored?.name ?? recorded.serviceArea, created) };
}
