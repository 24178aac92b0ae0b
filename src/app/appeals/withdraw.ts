import { z } from 'zod';
import { withdraw } from '../../domain/appeal';
import { auditEvent } from '../../domain/records';
import type { CustomerSummary } from '../../domain/summary';
import { actionError, badRequest, personOf, type ActionResult, type Actor, type AppContext } from '../context';
import { aboutCustomer, customer, decideOn } from '../decide';
import { NOT_CASE_MANAGER, NOT_FOUND, appealRef, appealUpdates, isCaseManager, readPair, statusCardFor } from './requests';

const withdrawal = appealRef.extend({ withdrawnOn: z.string().max(10, 'withdrawnOn must be a date').default('') });

/**
 * `appeal.withdraw`: a case manager records that the customer withdrew an open appeal, and when (docs/rules.md#R-appeal-withdrawn).
 * One decision about the customer, so it never crosses an outcome: whichever comes first stands. The cards sent to the
 * deciders are updated.
 */
export async function withdrawAppeal(ctx: AppContext, actor: Actor, data: unknown): Promise<ActionResult> {
  const parsed = withdrawal.safeParse(data);
  if (!parsed.success) return badRequest(parsed.error);
  if (!(await isCaseManager(ctx, actor))) return NOT_CASE_MANAGER;
  const by = await personOf(ctx, actor);
  const outcome = await decideOn<CustomerSummary, ActionResult>(
    ctx.customers,
    customer(parsed.data.customerKey),
    async (summary) => {
      const pair = await readPair(ctx, parsed.data);
      if (!pair) return { answer: NOT_FOUND };
      const now = ctx.now();
      const result = withdraw(pair.appeal.value, by, parsed.data.withdrawnOn, now);
      const measure = pair.measure.value;
      if (!result.ok) {
        const note =
          result.error.code === 'BadDate' ? result.error.message : `This appeal was already ${pair.appeal.value.status}: nothing was changed.`;
        return { answer: { card: await statusCardFor(ctx, actor, pair.appeal.value, measure, note) } };
      }
      const a = result.value;
      const audit = auditEvent(`${a.id}:withdrawn`, a.customerKey, now, by, 'appeal.withdrawn', a.id, {
        measureId: a.measureId,
        on: a.withdrawn!.on,
      });
      return aboutCustomer(summary, [{ type: 'change', before: pair.appeal, after: a }, audit, ...appealUpdates(a, 'withdrawn', now)], {
        card: await statusCardFor(ctx, actor, a, measure),
      });
    },
    { committed: (effects) => ctx.notify(effects.filter((e) => e.type === 'outbox')) },
  );
  if ('answer' in outcome) return outcome.answer;
  return actionError(409, 'Conflict', "This customer's records keep changing: try again.");
}
