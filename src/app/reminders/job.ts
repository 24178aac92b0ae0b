import { appealsDueBy, reviewsAhead } from '../../domain/reminders';
import { ukDate } from '../../domain/time';
import { isWorkingTime } from '../../domain/working-days';
import type { AppContext } from '../context';
import type { JobReport } from '../jobs';
import { eachPage } from '../pages';
import { remindOfAppeal } from './appeals';
import { remindOfLetter } from './letters';
import type { ReminderRun } from './queue';
import { remindOfReview } from './reviews';
import { remindOfSignOff } from './signoff';

/** The most records of each list one run reads (a query's TOP): far above what waits in a landlord's week. */
export const REMINDER_LIMIT = 1000;

/**
 * The hourly reminders job (docs/rules.md#R-reminder-working-time): at a slot in working time, every reminder then
 * due is queued once: sign-offs awaiting a decision (bounded by state), open appeals due within two working days or
 * overdue, active measures reviewed within three weeks (bounded by date), and letters not recorded as sent a month
 * after their decision, each list read page by page. Outside
 * working time it reads nothing: what falls due then goes at the next run in working time. Reports counts only.
 */
export async function runReminders(ctx: AppContext, slot: Date): Promise<JobReport> {
  const tally = { considered: 0, due: 0, queued: 0, failed: 0 };
  if (!isWorkingTime(slot)) return { workingTime: 0, ...tally };
  const run: ReminderRun = { ctx, at: slot };
  const each =
    <T>(kind: string, remind: (run: ReminderRun, item: T) => Promise<number | null>) =>
    async (items: T[]): Promise<void> => {
      for (const item of items) {
        tally.considered++;
        try {
          const queued = await remind(run, item);
          if (queued === null) continue;
          tally.due++;
          tally.queued += queued;
        } catch (error) {
          // One record's failure stops no other; it is due again at the next run, which queues what is still missing.
          tally.failed++;
          ctx.log.warn({ job: 'reminders', kind, error: error instanceof Error ? error.name : typeof error }, 'a reminder could not be queued');
        }
      }
    };
  const { from, to } = reviewsAhead(slot);
  const until = appealsDueBy(slot);
  await eachPage(ctx, 'sign-offs awaiting', REMINDER_LIMIT, (n, page) => ctx.measures.awaitingSignOff(n, page), each('sign-off', remindOfSignOff));
  await eachPage(ctx, 'appeals due', REMINDER_LIMIT, (n, page) => ctx.appeals.openDueBy(until, n, page), each('appeal', remindOfAppeal));
  await eachPage(
    ctx,
    'reviews ahead',
    REMINDER_LIMIT,
    (n, page) => ctx.measures.activeByReviewDate(from, to, n, page),
    each('review', remindOfReview),
  );
  // Letters overdue (bounded by state and date): those a month old are raised with their Head of Service.
  await eachPage(
    ctx,
    'letters overdue',
    REMINDER_LIMIT,
    (n, page) => ctx.letters.unsentDueBefore(ukDate(slot), n, page),
    each('letter', remindOfLetter),
  );
  return { workingTime: 1, ...tally };
}
