import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LETTER_NAMES, recordSent, savedInLibrary, SENT_HOW, type LetterRecord } from '../../domain/letter-record';
import { POLICY } from '../../domain/policy';
import { RECORD_ID_PATTERN, auditEvent } from '../../domain/records';
import { parseReference } from '../../domain/reference';
import type { CustomerSummary } from '../../domain/summary';
import { formatUk, ukDate } from '../../domain/time';
import { renderLetter } from '../../letters/render';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext } from '../context';
import { aboutCustomer, customer, decideOn } from '../decide';
import { FileDeliveryError, whereItWent } from '../files';
import { audited, openCase } from '../cases/show';
import { lettersCard } from './views';
import type { Incident, Person } from '../../domain/records';

const letterRef = z.looseObject({
  reference: z.string().max(20),
  letterId: z.string().regex(RECORD_ID_PATTERN, 'letterId is not a record id'),
});
/** The step's own inputs, named by the letter's place on the card (`slot`). */
const sentStep = letterRef.extend({ slot: z.number({ error: 'slot must be a number' }).int().min(0).max(99) });

const ONLY_CASE_MANAGERS = 'Only the Customer Experience team handles letters to customers.';
const NOT_FOUND = actionError(404, 'NotFound', 'This letter is not recorded for this case: open the case again.');
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const caseRef = z.looseObject({ reference: z.string().max(20) });

/** The case named by card data, opened only for a case manager (they write to the customer, §3). */
async function openForLetters(ctx: AppContext, actor: Actor, data: unknown): Promise<Incident | ActionResult> {
  const parsed = caseRef.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  const reference = parseReference(parsed.data.reference);
  if (!reference) return actionError(400, 'BadRequest', 'reference is not an incident reference');
  const opened = await openCase(ctx, actor, reference);
  if (!opened.ok) return opened.error;
  return opened.value.propose ? opened.value.incident : actionError(403, 'NotCaseManager', ONLY_CASE_MANAGERS);
}

/** The same, and the letter it names: read from the store, never from the card. */
async function openFor(
  ctx: AppContext,
  actor: Actor,
  data: unknown,
): Promise<{ incident: Incident; letterId: string; data: Record<string, unknown> } | ActionResult> {
  const parsed = letterRef.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  const incident = await openForLetters(ctx, actor, data);
  if ('card' in incident || 'error' in incident) return incident;
  return { incident, letterId: parsed.data.letterId, data: parsed.data };
}

/** The letters card as the customer's summary has them now, saying what was just done. */
async function lettersNow(ctx: AppContext, incident: Incident, notice: string): Promise<ActionResult> {
  return { card: lettersCard(incident, await ctx.customers.summary(incident.customerKey), ctx.now(), notice) };
}

/** `letter.list`: the customer's letters, from the case card (one point read of the summary), audited as a case view. */
export async function listLetters(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const incident = await openForLetters(ctx, actor, data);
  if ('card' in incident || 'error' in incident) return incident;
  await audited(ctx, actor, incident, 'case.letters-viewed');
  return lettersNow(ctx, incident, '');
}

/** A file name of letters, digits, `.`, `-` and `_` only (a customer reference may hold `/`). */
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '-');

/**
 * `letter.get`: the letter rendered from its stored draft and handed to the person (ctx.files: the document library,
 * else their personal chat), audited; the letters card comes back saying where it went (docs/rules.md#R-letter-fetch).
 */
export async function getLetter(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const opened = await openFor(ctx, actor, data);
  if ('card' in opened || 'error' in opened) return opened;
  const { incident, letterId } = opened;
  const letter = (await ctx.letters.read(letterId, incident.customerKey))?.value;
  if (!letter) return NOT_FOUND;
  const now = ctx.now();
  const person = await personOf(ctx, actor);
  const drafted = ukDate(new Date(letter.createdAt));
  let where: string;
  try {
    const delivery = await ctx.files.deliver(
      person,
      {
        name: `${letter.kind}-${safe(letter.customerKey)}-${drafted}.docx`,
        contentType: DOCX,
        bytes: renderLetter(letter.draft, POLICY.version),
        description: `${LETTER_NAMES[letter.kind]} for customer ${letter.customerKey}, drafted ${formatUk(drafted, false)}`,
        folder: `letters/${safe(letter.customerKey)}`,
      },
      now,
    );
    where = `${LETTER_NAMES[letter.kind]}: ${whereItWent(delivery)}`;
    if (delivery.where === 'library') await keepLibraryLink(ctx, letterId, incident.customerKey, delivery.url, person);
  } catch (error) {
    if (error instanceof FileDeliveryError) return actionError(409, 'FileNotDelivered', error.message);
    throw error;
  }
  const viewId = createHash('sha256').update(`${actor.id}|${now.toISOString()}|${ctx.newId()}`).digest('hex').slice(0, 16);
  await ctx.audit.append(
    auditEvent(`${letter.id}:fetched:${viewId}`, letter.customerKey, now, person, 'letter.fetched', letter.id, { kind: letter.kind }),
  );
  return lettersNow(ctx, incident, where);
}

/**
 * Keeps the link to the copy just saved in the library on the letter (and so on the letters card, from the case), with
 * the summary, as any change to a letter. Records that kept changing keep the copy unlinked: it is in the library, and
 * the answer gives its address.
 */
async function keepLibraryLink(ctx: AppContext, letterId: string, customerKey: string, url: string, by: Person): Promise<void> {
  await decideOn<CustomerSummary, null>(ctx.customers, customer(customerKey), async (summary) => {
    const current = await ctx.letters.read(letterId, customerKey);
    const linked = current && savedInLibrary(current.value, url, by, ctx.now());
    if (!current || !linked) return { answer: null };
    return aboutCustomer(summary, [{ type: 'change', before: current, after: linked }], null);
  });
}

/**
 * `letter.sent`: records the day and how the letter went, once (docs/rules.md#R-letter-sent): a decision about the
 * customer, committed with the letter's ETag and audited; a second record is refused, saying who recorded the first.
 */
export async function recordLetterSent(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const step = sentStep.safeParse(data);
  if (!step.success) return badRequest(step.error);
  const opened = await openFor(ctx, actor, data);
  if ('card' in opened || 'error' in opened) return opened;
  const { incident, letterId } = opened;
  const typed = (id: string) => {
    const v = opened.data[id];
    return typeof v === 'string' ? v.trim().slice(0, 20) : '';
  };
  const input = { on: typed(`sentOn-${step.data.slot}`), how: typed(`sentHow-${step.data.slot}`) };
  const by = await personOf(ctx, actor);
  const outcome = await decideOn<CustomerSummary, ActionResult | string>(ctx.customers, customer(incident.customerKey), async (summary) => {
    const current = await ctx.letters.read(letterId, incident.customerKey);
    if (!current) return { answer: NOT_FOUND };
    const now = ctx.now();
    const result = recordSent(current.value, input, by, now);
    if (!result.ok) return { answer: actionError(result.error.code === 'AlreadySent' ? 409 : 400, result.error.code, result.error.message) };
    const sent: LetterRecord = result.value;
    const audit = auditEvent(`${sent.id}:sent`, sent.customerKey, now, by, 'letter.sent', sent.id, { on: input.on, how: input.how });
    return aboutCustomer(
      summary,
      [{ type: 'change', before: current, after: sent }, audit],
      `${LETTER_NAMES[sent.kind]} recorded as sent ${SENT_HOW[sent.sent!.how]} on ${formatUk(input.on, false)}.`,
    );
  });
  if (!('answer' in outcome)) return actionError(409, 'Conflict', "This customer's records keep changing: record it again.");
  return typeof outcome.answer === 'string' ? lettersNow(ctx, incident, outcome.answer) : outcome.answer;
}
