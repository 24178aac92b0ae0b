import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseReference } from '../../domain/reference';
import { auditEvent, type Incident } from '../../domain/records';
import { fail, ok, type Result } from '../../domain/result';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext, type Reply } from '../context';
import { recordLapses } from '../measures/lapse';
import { mayView } from './access';
import { caseCard, historyCard } from './views';

const NO_ACCESS =
  'Only the Customer Experience team and the Head of Service for this area can see case details (need-to-know). You can use check <customer ref> before a visit.';

/** The incident a case is opened at, if this person may see it (docs/rules.md#R-roles-case-view). */
export async function openCase(
  ctx: AppContext,
  actor: Actor,
  reference: string,
): Promise<Result<{ incident: Incident; propose: boolean }, ActionResult>> {
  const incident = await ctx.incidents.findByReference(reference);
  if (!incident) return fail(actionError(404, 'NotFound', `No incident ${reference} is recorded. Check the reference.`));
  const may = await mayView(ctx, actor, incident);
  if (!may.view) return fail(actionError(403, 'NeedToKnow', NO_ACCESS));
  return ok({ incident, propose: may.propose });
}

/** Every view of case details is audited (docs/rules.md#R-roles-case-view-audited), each view once. */
export async function audited(
  ctx: AppContext,
  actor: Actor,
  incident: Incident,
  action: 'case.viewed' | 'case.history-viewed' | 'case.letters-viewed',
): Promise<void> {
  const now = ctx.now();
  const viewId = createHash('sha256').update(`${actor.id}|${now.toISOString()}|${ctx.newId()}`).digest('hex').slice(0, 16);
  const suffix = action.slice('case.'.length);
  await ctx.audit.append(
    auditEvent(`${incident.reference}:${suffix}:${viewId}`, incident.customerKey, now, await personOf(ctx, actor), action, incident.reference),
  );
}

/** The case card: the incident in full, then the customer's open measures and newest incidents from their summary. */
async function caseAt(ctx: AppContext, actor: Actor, reference: string): Promise<ActionResult> {
  const opened = await openCase(ctx, actor, reference);
  if (!opened.ok) return opened.error;
  const { incident, propose } = opened.value;
  // Bounded whatever the history: the summary holds the open measures and the newest incidents (one point read). A
  // lapse first seen here is recorded with it (docs/rules.md#R-marker-lapses).
  const [summary, areas] = await Promise.all([
    recordLapses(ctx, incident.customerKey).then((s) => s ?? ctx.customers.summary(incident.customerKey)),
    ctx.directory.serviceAreas(),
    audited(ctx, actor, incident, 'case.viewed'),
  ]);
  return { card: caseCard(incident, summary, propose, areas, ctx.now()) };
}

/** `case <ref>`: the full case for those with a need to know. */
export async function showCase(ctx: AppContext, actor: Actor, args: string): Promise<Reply> {
  const reference = parseReference(args);
  if (!reference) return { text: 'Type case and the incident reference, for example: case UB-7K3-M9Q' };
  const result = await caseAt(ctx, actor, reference);
  return 'card' in result ? { summary: `Case ${reference}`, card: result.card } : { text: result.error.message };
}

const caseRef = z.object({ reference: z.string().max(20) });
const historyRef = caseRef.extend({
  list: z.enum(['incidents', 'measures'], { error: 'list must be incidents or measures' }),
  before: z.iso.datetime({ error: 'before must be a time' }).nullish(),
});

function referenceIn(data: unknown): Result<string, ActionResult> {
  const parsed = caseRef.safeParse(data);
  if (!parsed.success) return fail(badRequest(parsed.error));
  const reference = parseReference(parsed.data.reference);
  return reference ? ok(reference) : fail(actionError(400, 'BadRequest', 'reference is not an incident reference'));
}

/** `case.show`: back to the case card from a page of its history. */
export async function showCaseAction(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const reference = referenceIn(data);
  return reference.ok ? caseAt(ctx, actor, reference.value) : reference.error;
}

/** How many a page of history shows. */
const PAGE = 10;

/** `case.history`: a page of the customer's incidents or measures, newest first, older than the page before (one bounded query). */
export async function showCaseHistory(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = historyRef.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  const reference = referenceIn(parsed.data);
  if (!reference.ok) return reference.error;
  const opened = await openCase(ctx, actor, reference.value);
  if (!opened.ok) return opened.error;
  const { incident } = opened.value;
  const { list, before } = parsed.data;
  const page =
    list === 'incidents'
      ? { list, items: await ctx.incidents.history(incident.customerKey, before ?? null, PAGE + 1) }
      : { list, items: await ctx.measures.history(incident.customerKey, before ?? null, PAGE + 1) };
  await audited(ctx, actor, incident, 'case.history-viewed');
  return { card: historyCard(incident, page, PAGE, await ctx.directory.serviceAreas()) };
}
