import { z } from 'zod';
import { CUSTOMER_REF_PATTERN } from '../../domain/customer';
import { RECORD_ID_PATTERN, auditEvent, type Person } from '../../domain/records';
import type { Measure } from '../../domain/measure';
import { outboxEntry, type OutboxEntry } from '../../domain/outbox';
import { MAX_DECISION_TEXT, decide, mayDecide } from '../../domain/signoff';
import { formatUk } from '../../domain/time';
import { fail, ok, type Result } from '../../domain/result';
import { renderCard } from '../../cards/render';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext } from '../context';
import { decideOn, type Decision } from '../decide';
import { peopleFor } from './requests';
import { decisionNotice, signOffDecideCard, signOffOutcomeCard, signOffStatusCard } from './views';

/** Ids from card data are checked before they reach Cosmos (which refuses /, \\, # and ? in ids with an error). */
const measureRef = z.object({
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
  return { card: mayDecide(m, actor.id) ? signOffDecideCard(m, people) : signOffStatusCard(m, people) };
}

/** `signoff.decide`: through the decision shell (src/app/decide.ts); of two clicks at once exactly one wins. */
export async function decideSignOff(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = decision.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  const by = await personOf(ctx, actor);
  const outcome = await decideOn<Measure, ActionResult>(
    ctx.measures,
    { id: parsed.data.measureId, partition: parsed.data.customerKey },
    async (m, attempt) => {
      if (!m.signOff) return { answer: NOT_FOUND };
      const now = ctx.now();
      const result = decide(m, by, parsed.data, now);
      if (result.ok) return decided(result.value, by, now);
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
      return { answer: { card: signOffDecideCard(m, await peopleFor(ctx, m), result.error.message) } };
    },
    { committed: (effects) => ctx.notify(effects.filter((e) => e.type === 'outbox')) },
  );
  if ('answer' in outcome) return outcome.answer;
  return outcome.undecided === 'not-found' ? NOT_FOUND : actionError(409, 'Conflict', 'This record keeps changing while you decide: open it again.');
}

/** A sign-off decision to commit: the decided measure, its audit event, the card updates and the notices. */
function decided(m: Measure, by: Person, now: Date): Decision<Measure, ActionResult> {
  const audit = auditEvent(`${m.id}:decided`, m.customerKey, now, by, `signoff.${m.signOff!.decision!.outcome}`, m.id, {
    kind: m.kind,
    reasons: m.signOff!.reasons,
    status: m.status,
  });
  return { commit: m, effects: [audit, ...decisionMessages(m, now)], answer: { card: signOffOutcomeCard(m) } };
}

/**
 * Replaces one sent sign-off card with the decided one. Queued with the decision for the cards already sent, and by
 * the dispatcher for a card whose id is recorded only after the decision.
 */
export function outcomeUpdate(m: Measure, message: { conversationKey: string; activityId: string }, now: Date): OutboxEntry {
  return outboxEntry(
    `${m.id}:outcome:${message.activityId}`,
    m.customerKey,
    { kind: 'conversation', conversationKey: message.conversationKey },
    { kind: 'update', activityId: message.activityId, card: signOffOutcomeCard(m) },
    now,
    { fallback: false },
  );
}

/** After a decision: every sign-off card sent is updated, and the reporter and proposer are told. */
function decisionMessages(m: Measure, now: Date): OutboxEntry[] {
  const updates = m.signOffMessages.map((msg) => outcomeUpdate(m, msg, now));
  const notice = decisionNotice(m);
  const decider = m.signOff!.decision!.by.id;
  const told = [...new Map(m.notifyOnDecision.filter((p) => p.id !== decider).map((p) => [p.id, p])).values()];
  const notices = told.map((p) =>
    outboxEntry(
      `${m.id}:decided:${p.id}`,
      m.customerKey,
      { kind: 'person', personId: p.id },
      { kind: 'send', card: renderCard('notice', { ...notice, color: 'Default' }), summary: notice.title },
      now,
    ),
  );
  return [...updates, ...notices];
}
