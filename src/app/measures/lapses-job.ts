import type { CustomerSummary } from '../../domain/summary';
import type { AppContext } from '../context';
import type { JobReport } from '../jobs';
import { eachPage } from '../pages';
import { recordLapses } from './lapse';

/** The most measures one run reads: lapses are recorded hourly, so few wait at any run. */
export const LAPSE_LIMIT = 1000;

/**
 * The hourly lapse job (docs/rules.md#R-marker-lapses): every active measure whose review date has passed (bounded by
 * state and date, page by page) has its lapse recorded, as one decision about its customer with every other lapse of
 * theirs, once (a lapse recorded already, by this job or by `case` or `reviews`, is not recorded again). Reports
 * counts only: measures found, customers decided on, lapses now recorded, and those left for the next run.
 */
export async function runLapses(ctx: AppContext, slot: Date): Promise<JobReport> {
  const tally = { considered: 0, customers: 0, lapsed: 0, unsettled: 0, failed: 0 };
  // One decision per customer, whichever of their measures comes first: it records all their lapses.
  const decided = new Map<string, Promise<CustomerSummary | null>>();
  const recorded = (customerKey: string): Promise<CustomerSummary | null> => {
    let decision = decided.get(customerKey);
    if (!decision) {
      tally.customers++;
      decided.set(customerKey, (decision = recordLapses(ctx, customerKey)));
    }
    return decision;
  };
  await eachPage(
    ctx,
    'measures past review',
    LAPSE_LIMIT,
    // From the first review date ever: an active measure past its date has lapsed, however long ago.
    (n, page) => ctx.measures.activeByReviewDate('', slot.toISOString(), n, page),
    async (measures) => {
      for (const m of measures) {
        tally.considered++;
        try {
          // Null: the customer's records kept changing; the next run (or the next `case`) records it.
          if ((await recorded(m.customerKey))?.lapses.some((l) => l.id === m.id)) tally.lapsed++;
          else tally.unsettled++;
        } catch (error) {
          tally.failed++;
          ctx.log.warn({ job: 'lapses', error: error instanceof Error ? error.name : typeof error }, 'a lapse could not be recorded');
        }
      }
    },
  );
  return tally;
}
