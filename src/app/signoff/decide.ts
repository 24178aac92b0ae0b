import { z } from 'zod';
import { CUSTOMER_REF_PATTERN } from '../../domain/customer';
import { RECORD_ID_PATTERN, auditEvent, type Person } from '../../domain/records';
import type { Measure } from '../../domain/measure';
import { MAX_DECISION_TEXT, decide, mayDecide, signOffKey } from '../../domain/signoff';
import { formatUk } from '../../domain/time';
import { fail, ok, type Result } from '../../domain/result';
import type { AdaptiveCard } from '../../cards/render';
import type { CustomerSummary } from '../../domain/summary';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext } from '../context';
import { aboutCustomer, customer, decideOn } from '../decide';
import { noticeTo } from '../notices';
import type { Effect, Versioned } from '../ports';
import { incidentsRelied } from '../decisions/views';
import { letterWith } from '../letters/drafts';
import { peopleFor, signOffUpdates } from './requests';
import { decisionNotice, signOffDecideCard, signOffOutcomeCard, signOffStatusCard } from './views';

/** Ids from card data are checked before they reach Cosmos (which refuses /, \\, # and ? in ids with an error). */
export const measureRef = z.object({
  measureId: z.string().regex(RECORD_ID_PATTERN, 'measureId is not a record id'),
  customerKey: z.string().regex(CUSTOMER_REF_PATTERN, 'customerKey is not a customer reference'),
});
const decision = measureRef.extend({
  outcome: z.enum(['approve', 'reject'], { error: 'outcome must be approve or reject' }),
  reason: z.string().max(MAX_DECISION_TEXT, `reason must be ${MAX_DECISION_TEXT} characters or fewer`).default(''),
  vulnerabilitiesConsidered: z
    .string()
    .max(MAX_DECISION_TEXT, `vulnerabilitiesConsidered must be ${MAX_DECISION_TEXT} characters or fewer`)
    .default(''),
});

/** Loads the measure named by card data; the data names a record, it is never the record. */
async function load(ctx: AppContext, data: unknown): Promise<Result<Measure, ActionResult>> {
  const parsed = measureRef.safeParse(data);
  if (!parsed.success) return fail(badRequest(parsed.error));
  const m = (await ctx.measures.read(parsed.data.measureId, parsed.data.customerKey))?.value;
  return m?.signOff ? ok(m) : fail(NOT_FOUND);
}
const NOT_FOUND = actionError(404, 'NotFound', 'This sign-off request no longer exists.');

/** `signoff.refresh`: approver and deputy see Approve / Reject; everyone else sees the status; once decided, the outcome. */
export async function refreshSignOff(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const loaded = await load(ctx, data);
  if (!loaded.ok) return loaded.error;
  const m = loaded.value;
  if (m.signOff!.decision) return { card: signOffOutcomeCard(m) };
  const people = await peopleFor(ctx, m);
  return { card: mayDecide(m, actor.id) ? signOffDecideCard(m, people, await incidentsRelied(ctx, m)) : signOffStatusCard(m, people) };
}

/** `signoff.decide`: a decision about the customer (src/app/decide.ts); of two clicks at once exactly one wins. */
export async function decideSignOff(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = decision.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  const by = await personOf(ctx, actor);
  const { measureId, customerKey } = parsed.data;
  const outcome = await decideOn<CustomerSummary, ActionResult>(
    ctx.customers,
    customer(customerKey),
    async (summary, attempt) => {
      const current = await ctx.measures.read(measureId, customerKey);
      const m = current?.value;
      if (!current || !m?.signOff) return { answer: NOT_FOUND };
      const now = ctx.now();
      const result = decide(m, by, parsed.data, now);
      if (result.ok) {
        // Approved or rejected, the decision is final: its letter (if any) is stored with it.
        const letter = await letterWith(ctx, { about: 'measure', measure: result.value }, by, now);
        return aboutCustomer(summary, [...decided(current, result.value, by, now), ...letter], { card: signOffOutcomeCard(result.value) });
      }
      if (result.error.code === 'AlreadyDecided') {
        // On a later attempt, the change that made the first one fail was this other decision.
        const d = m.signOff.decision!;
        const note =
          attempt === 1
            ? 'This was already decided: nothing was changed.'
            : `${d.by.name} decided this first, at ${formatUk(d.at)}: your click changed nothing.`;
        return { answer: { card: signOffOutcomeCard(m, note) } };
      }
      if (result.error.code === 'NotApprover' || result.error.code === 'NoSignOff')
        return { answer: actionError(403, result.error.code, result.error.message) };
      return { answer: { card: signOffDecideCard(m, await peopleFor(ctx, m), await incidentsRelied(ctx, m), result.error.message) } };
    },
    { committed: (effects) => ctx.notify(effects.filter((e) => e.type === 'outbox')) },
  );
  if ('answer' in outcome) return outcome.answer;
  return actionError(409, 'Conflict', 'This record keeps changing while you decide: open it again.');
}

/** What a sign-off decision writes: the decided measure, its audit event, the card updates and the notices. */
function decided(current: Versioned<Measure>, m: Measure, by: Person, now: Date): Effect[] {
  const d = m.signOff!.decision!;
  const audit = auditEvent(`${signOffKey(m)}:decided`, m.customerKey, now, by, `signoff.${d.outcome}`, m.id, {
    kind: m.kind,
    reasons: m.signOff!.reasons,
    status: m.status,
  });
  // The reporters and the proposer are told; not the decider, who knows.
  const told = [...new Map(m.notifyOnDecision.filter((p) => p.id !== d.by.id).map((p) => [p.id, p])).values()];
  const notice = decisionNotice(m);
  return [
    { type: 'change', before: current, after: m },
    audit,
    ...signOffUpdates(m, 'decided', now),
    ...told.map((p) => noticeTo(`${signOffKey(m)}:decided:${p.id}`, m.customerKey, p.id, notice, now)),
  ];
}

/**
 * The sign-off card for a measure as it is now, for the outbox to deliver (src/domain/outbox.ts `show` and `update`):
 * the status while it waits, the outcome once decided. Null when the measure is gone or needs no sign-off.
 */
export async function signOffCardNow(ctx: AppContext, measureId: string, customerKey: string): Promise<AdaptiveCard | null> {
  const m = (await ctx.measures.read(measureId, customerKey))?.value;
  if (!m?.signOff) return null;
  return m.signOff.decision ? signOffOutcomeCard(m) : signOffStatusCard(m, await peopleFor(ctx, m));
}
