import { z } from 'zod';
import { INCIDENT_FIELDS, isCategory, needsSection51Response, validateIncident, type IncidentFormValues } from '../../domain/incident';
import { interimPairsVisit, withFurtherIncident, type Measure } from '../../domain/measure';
import type { CategoryId } from '../../domain/policy';
import { submissionKey } from '../../domain/reference';
import { auditEvent, type Incident } from '../../domain/records';
import { fail, ok, type Result } from '../../domain/result';
import { formIdSchema, formInputs, valuesOf } from '../../domain/form-values';
import { openMarker, type CustomerSummary } from '../../domain/summary';
import { formatUk, ukDate, ukTime } from '../../domain/time';
import { askedToDecide, reassessed } from '../signoff/requests';
import { independentDeciders } from '../../domain/independence';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext } from '../context';
import { aboutCustomer, customer, decideOn, type Decision } from '../decide';
import { noticeTo } from '../notices';
import { endLapsed } from '../measures/lapse';
import type { Effect, ServiceArea, Versioned } from '../ports';
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
  const incident: Incident = {
    ...report,
    type: 'incident',
    id: reference,
    reference,
    customerKey: report.customerRef,
    submissionKey: key,
    reporter,
    reportedAt: now.toISOString(),
    policyVersion: ctx.policyVersion,
  };
  // Step 2: the incident and what follows from it, once, as a decision about the customer. The same form sent again
  // (even for another customer) finds the first submission, which stands.
  const recorded =
    claim.customerKey === incident.customerKey
      ? await decideOn(ctx.customers, customer(incident.customerKey), (summary) => record(ctx, summary, incident, area, claim.fresh), {
          committed: (effects) => ctx.notify(effects.filter((e) => e.type === 'outbox')),
          // Reports for one customer arriving together each decide again on what the others wrote: a report is never lost.
          attempts: 12,
        })
      : { answer: await ctx.incidents.read(reference, claim.customerKey) };
  if (!('answer' in recorded)) throw new Error(`Recording incident ${reference}: the customer's records kept changing`);
  const stored = recorded.answer;
  if (!stored) throw new Error(`Incident ${reference} is claimed but not stored yet`);
  const created = stored === incident;
  const storedArea = serviceAreas.find((a) => a.id === stored.serviceArea);
  return { card: confirmationCard(stored, storedArea?.name ?? stored.serviceArea, created) };
}

/**
 * The incident, its audit event and what §5.1 asks (docs/rules.md#R-one-marker-per-kind): visits in pairs from now,
 * asked of the Head of Service once per customer. A further §5.1 incident joins the open visits-in-pairs measure; one
 * whose review date passed unreviewed has lapsed and a new one starts. The answer is the incident as recorded
 * (this one when created now, the stored one for a retry whose first try was written).
 */
async function record(
  ctx: AppContext,
  summary: CustomerSummary,
  incident: Incident,
  area: ServiceArea,
  fresh: boolean,
): Promise<Decision<CustomerSummary, Incident>> {
  if (!fresh) {
    const earlier = await ctx.incidents.read(incident.reference, incident.customerKey);
    if (earlier) return { answer: earlier };
  }
  const now = new Date(incident.reportedAt);
  const audit = auditEvent(`${incident.reference}:reported`, incident.customerKey, now, incident.reporter, 'incident.reported', incident.reference, {
    category: incident.category,
    safetyFlags: incident.safetyFlags,
  });
  if (!needsSection51Response(incident)) return aboutCustomer(summary, [incident, audit], incident);
  const lapsed = await endLapsed(ctx, summary, 'pairs-visit', now);
  const open = lapsed.length ? undefined : openMarker(summary, 'pairs-visit');
  const marker = open ? await ctx.measures.read(open.id, incident.customerKey) : null;
  if (marker) return aboutCustomer(summary, [incident, audit, ...(await joined(ctx, marker, incident, now))], incident);
  // No open measure, or one that lapsed unreviewed (§8): visits in pairs start again from now, asked of someone who
  // did not report it (docs/rules.md#R-signoff-independent).
  const interim = interimPairsVisit(incident, independentDeciders(area, new Set([incident.reporter.id])))!;
  return aboutCustomer(summary, [incident, audit, ...lapsed, interim, ...(await askedToDecide(ctx, interim, 'reported', now))], incident);
}

/** A further §5.1 incident added to the open visits-in-pairs measure: the cards already sent list it; nobody is asked twice. */
async function joined(ctx: AppContext, marker: Versioned<Measure>, incident: Incident, now: Date): Promise<Effect[]> {
  const before = marker.value;
  const after = withFurtherIncident(before, incident);
  const audit = auditEvent(
    `${before.id}:incident:${incident.reference}`,
    before.customerKey,
    now,
    incident.reporter,
    'measure.incident-added',
    before.id,
    {
      incident: incident.reference,
      status: before.status,
    },
  );
  if (before.status === 'pending-sign-off') return [audit, ...(await reassessed(ctx, marker, after, incident.reference, now))];
  const change: Effect = { type: 'change', before: marker, after };
  // In force: the review date stands, and the case managers are told the behaviour persisted (§8).
  const notice = {
    title: `Behaviour persisted: customer ${before.customerKey}`,
    text: `${incident.reference} (${formatUk(incident.occurredAt)}) is a further incident needing visits in pairs (§5.1). Visits in pairs are already in force, review due ${formatUk(before.reviewDue, false)}: consider further action (§8).`,
    color: 'Attention' as const,
  };
  const managers = await ctx.directory.caseManagers();
  return [change, audit, ...managers.map((m) => noticeTo(`${incident.reference}:persisted:${m.id}`, before.customerKey, m.id, notice, now))];
}
