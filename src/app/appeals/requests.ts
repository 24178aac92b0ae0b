import { z } from 'zod';
import type { Appeal } from '../../domain/appeal';
import { CUSTOMER_REF_PATTERN } from '../../domain/customer';
import { MEASURE_KINDS, type Measure } from '../../domain/measure';
import type { OutboxEntry } from '../../domain/outbox';
import { RECORD_ID_PATTERN } from '../../domain/records';
import { fail, ok, type Result } from '../../domain/result';
import type { AdaptiveCard } from '../../cards/render';
import { actionError, badRequest, type ActionResult, type Actor, type AppContext } from '../context';
import { decidersNamed, nobodyToDecide, requestCards, requestUpdates } from '../decisions/requests';
import type { Versioned } from '../ports';
import { rolesOf, serviceAreaById } from '../roles';
import { appealStatusCard, type AppealView } from './views';

/** Ids from card data are checked before they reach Cosmos: the data names the appeal, it is never the appeal. */
export const appealRef = z.object({
  appealId: z.string().regex(RECORD_ID_PATTERN, 'appealId is not a record id'),
  customerKey: z.string().regex(CUSTOMER_REF_PATTERN, 'customerKey is not a customer reference'),
});
export type AppealRef = z.infer<typeof appealRef>;

export const NOT_FOUND = actionError(404, 'NotFound', 'This appeal is not recorded.');
export const NOT_CASE_MANAGER = actionError(403, 'NotCaseManager', 'Only the Customer Experience team can record or withdraw appeals.');

/** An appeal and the measure appealed against, each with the version read (both change with a decision). */
export interface AppealPair {
  appeal: Versioned<Appeal>;
  measure: Versioned<Measure>;
}

export async function readPair(ctx: AppContext, ref: AppealRef): Promise<AppealPair | null> {
  const appeal = await ctx.appeals.read(ref.appealId, ref.customerKey);
  const measure = appeal && (await ctx.measures.read(appeal.value.measureId, ref.customerKey));
  return appeal && measure ? { appeal, measure } : null;
}

/** Card data parsed and the appeal it names read. */
export async function loadPair(ctx: AppContext, data: unknown): Promise<Result<AppealPair, ActionResult>> {
  const parsed = appealRef.safeParse(data);
  if (!parsed.success) return fail(badRequest(parsed.error));
  const pair = await readPair(ctx, parsed.data);
  return pair ? ok(pair) : fail(NOT_FOUND);
}

export const isCaseManager = async (ctx: AppContext, actor: Actor) => (await rolesOf(ctx.directory, actor.id)).has('case-manager');

/**
 * An appeal with what its cards show beside it: what replaced the measure, if varied (read, unless the decision that
 * made it is at hand), and who decides, by name.
 */
export async function viewOf(ctx: AppContext, appeal: Appeal, measure: Measure, replacement?: Measure | null): Promise<AppealView> {
  const variedTo = appeal.decision?.variedTo;
  const [read, people] = await Promise.all([
    replacement === undefined && variedTo ? ctx.measures.read(variedTo, appeal.customerKey) : null,
    decidersNamed(ctx, measure.serviceArea, appeal),
  ]);
  return { appeal, measure, replacement: replacement ?? read?.value ?? null, people };
}

/**
 * Need-to-know (docs/rules.md#R-appeal-cards): an appeal is shown to the case managers, the two asked to decide it and
 * the Head of Service or deputy of the measure's area.
 */
export async function mayOpen(ctx: AppContext, actor: Actor, appeal: Appeal, measure: Measure): Promise<boolean> {
  if (appeal.approverId === actor.id || appeal.deputyId === actor.id) return true;
  const area = await serviceAreaById(ctx.directory, measure.serviceArea);
  return area?.headOfService === actor.id || area?.deputy === actor.id || (await isCaseManager(ctx, actor));
}

/** The appeal's status card for this person: a case manager can withdraw it while it is open. */
export async function statusCardFor(ctx: AppContext, actor: Actor, appeal: Appeal, measure: Measure, note = ''): Promise<AdaptiveCard> {
  const [view, canWithdraw] = await Promise.all([viewOf(ctx, appeal, measure), isCaseManager(ctx, actor)]);
  return appealStatusCard(view, ctx.now(), { note, canWithdraw });
}

const requestId = (a: Appeal) => (personId: string) => `${a.id}:request:${personId}`;

/**
 * What recording an appeal asks (§7): the cards to the two independent deciders, each rendered when delivered from the
 * appeal as it is then; or, when nobody independent is configured, the case managers told who took part.
 */
export async function askedToDecideAppeal(ctx: AppContext, a: Appeal, m: Measure, now: Date): Promise<OutboxEntry[]> {
  if (a.approverId) return requestCards(a.customerKey, a, requestId(a), { appealId: a.id }, `Appeal to decide: customer ${a.customerKey}`, now);
  const what = `An appeal against ${MEASURE_KINDS[m.kind].label.toLowerCase()}`;
  return nobodyToDecide(ctx, m, { id: `${a.id}:nobody`, title: 'Nobody independent can decide an appeal', what }, now);
}

/** Brings every card sent to the deciders up to date once the appeal is decided or withdrawn. */
export function appealUpdates(a: Appeal, occasion: 'decided' | 'withdrawn', now: Date): OutboxEntry[] {
  return requestUpdates(a.id, a.customerKey, a, requestId(a), occasion, now);
}

/**
 * The appeal card as it is now, for the outbox to deliver (src/domain/outbox.ts `show` and `update`): the status while
 * it waits (the deciders see their decision card through its refresh), the outcome once closed. Null when it is gone.
 */
export async function appealCardNow(ctx: AppContext, appealId: string, customerKey: string): Promise<AdaptiveCard | null> {
  const pair = await readPair(ctx, { appealId, customerKey });
  return pair && appealStatusCard(await viewOf(ctx, pair.appeal.value, pair.measure.value), ctx.now());
}
