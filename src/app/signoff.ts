import { z } from 'zod';
import { CUSTOMER_REF_PATTERN } from '../domain/customer';
import { RECORD_ID_PATTERN } from '../domain/records';
import { MEASURE_KINDS, type Measure } from '../domain/measure';
import { outboxEntry, type OutboxEntry } from '../domain/outbox';
import { MAX_DECISION_TEXT, decide, mayDecide } from '../domain/signoff';
import { auditEvent, type Person } from '../domain/records';
import { formatUk } from '../domain/time';
import { serviceAreaById } from '../directory/directory';
import { renderCard } from '../cards/render';
import { actionError, personOf, type ActionResult, type Actor, type AppContext, type Reply } from './context';
import { decideOn, type Decision } from './decide';
import { decisionNotice, signOffDecideCard, signOffOutcomeCard, signOffStatusCard, type SignOffPeople } from './signoff-views';

async function peopleFor(ctx: AppContext, m: Measure): Promise<SignOffPeople> {
  const s = m.signOff!;
  const [approver, deputy, area, approverUser, deputyUser] = await Promise.all([
    ctx.directory.person(s.approverId),
    s.deputyId ? ctx.directory.person(s.deputyId) : null,
    serviceAreaById(ctx.directory, s.serviceArea),
    ctx.conversations.userIdOf(s.approverId),
    s.deputyId ? ctx.conversations.userIdOf(s.deputyId) : null,
  ]);
  return {
    approverName: approver?.name ?? 'the Head of Service',
    deputyName: s.deputyId ? (deputy?.name ?? 'the deputy') : null,
    serviceAreaName: area?.name ?? s.serviceArea,
    userIds: [approverUser, deputyUser].filter((u): u is string => !!u),
  };
}

/** The sign-off cards for the Head of Service and deputy (§5.2), queued with the measure that needs them. */
export async function signOffRequests(ctx: AppContext, m: Measure, now: Date): Promise<OutboxEntry[]> {
  const s = m.signOff;
  if (!s) return [];
  const card = signOffStatusCard(m, await peopleFor(ctx, m));
  const summary = `Sign-off needed: customer ${m.customerKey}`;
  return [s.approverId, s.deputyId]
    .filter((id): id is string => !!id)
    .map((personId) =>
      outboxEntry(`${m.id}:signoff:${personId}`, m.customerKey, { kind: 'person', personId }, { kind: 'send', card, summary }, now, {
        trackOn: { measureId: m.id },
      }),
    );
}

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

const badRequest = (e: z.ZodError) => actionError(400, 'BadRequest', e.issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; '));

/** Loads the measure named by card data; the data names a record, it is never the record. */
async function load(ctx: AppContext, data: unknown): Promise<Measure | ActionResult> {
  const parsed = measureRef.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  const m = (await ctx.measures.read(parsed.data.measureId, parsed.data.customerKey))?.value;
  if (!m?.signOff) return NOT_FOUND;
  return m;
}
const isMeasure = (x: Measure | ActionResult): x is Measure => 'type' in x;
const NOT_FOUND = actionError(404, 'NotFound', 'This sign-off request no longer exists.');

/** `signoff.refresh`: approver and deputy see Approve / Reject; everyone else sees the status; once decided, the outcome. */
export async function refreshSignOff(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const m = await load(ctx, data);
  if (!isMeasure(m)) return m;
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
      if (result.ok) return decided(result.measure, by, now);
      if (result.code === 'AlreadyDecided') {
        // On a later attempt, the change that made the first one fail was this other decision.
        const d = m.signOff.decision!;
        const note =
          attempt === 1
            ? 'This was already decided: nothing was changed.'
            : `${d.by.name} decided this first, at ${formatUk(d.at)}: your click changed nothing.`;
        return { answer: { card: signOffOutcomeCard(m, note) } };
      }
      if (result.code === 'NotApprover' || result.code === 'NoSignOff') return { answer: actionError(403, result.code, result.message) };
      return { answer: { card: signOffDecideCard(m, await peopleFor(ctx, m), result.message) } };
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

/** `pending`: what awaits my sign-off. */
export async function pendingForMe(ctx: AppContext, actor: Actor): Promise<Reply> {
  const measures = await ctx.measures.awaitingSignOffBy(actor.id);
  const now = ctx.now().getTime();
  return {
    summary: `${measures.length} awaiting your sign-off`,
    card: renderCard('pending', {
      items: measures.map((m) => {
        const days = Math.floor((now - new Date(m.proposedAt).getTime()) / 86_400_000);
        return {
          measureId: m.id,
          customerKey: m.customerKey,
          measureLabel: signOffStatusLabel(m),
          age: `Waiting ${days === 0 ? 'since today' : `${days} day${days === 1 ? '' : 's'}`} · proposed by ${m.proposedBy.name}`,
        };
      }),
    }),
  };
}

function signOffStatusLabel(m: Measure): string {
  return `${MEASURE_KINDS[m.kind].label}${m.interim ? ' (interim)' : ''}${m.signOff?.reasons.includes('no-notification') ? ', customer not to be told' : ''}`;
}

/** What case managers get when a message could not be delivered: nothing is silently lost (docs/rules.md#R-outbox-dead-conversation). */
export function undeliveredNotice(entry: OutboxEntry, recipientName: string, why: string): { card: Record<string, unknown>; summary: string } {
  const summary = entry.action.kind === 'send' ? entry.action.summary : `an updated card (customer ${entry.customerKey})`;
  return {
    summary: `Undelivered: ${summary}`,
    card: renderCard('notice', {
      title: `A Teams message to ${recipientName} could not be delivered`,
      text: `“${summary}” could not be delivered to ${recipientName}: ${why}. Please make sure they get it another way.`,
      color: 'Attention',
    }),
  };
}
