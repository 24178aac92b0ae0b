import { reviewReminderDue } from '../../domain/reminders';
import type { ActiveReview } from '../ports';
import { idsOf, noticesOf, queueOnce, type ReminderRun } from './queue';
import { reviewNotice } from './views';

/**
 * An active measure's next review (docs/rules.md#R-reminder-review): the reminder due at this run, queued once to the
 * case owner, who is its proposer while still a case manager, otherwise every case manager. Returns how many were
 * queued, or null when none is due.
 */
export async function remindOfReview(run: ReminderRun, m: ActiveReview): Promise<number | null> {
  const reminder = reviewReminderDue(m, run.at);
  if (!reminder) return null;
  const owner = await run.ctx.directory.isCaseManager(m.proposedBy.id);
  const people = owner ? [m.proposedBy.id] : await idsOf(run.ctx.directory.caseManagers());
  return queueOnce(run, m.customerKey, reminder, people, (missing) =>
    noticesOf(run, m.customerKey, reminder, missing, reviewNotice(reminder, m, !owner)),
  );
}
