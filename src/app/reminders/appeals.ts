import { appealReminderDue } from '../../domain/reminders';
import { askedIds, decidersNamed } from '../decisions/requests';
import type { AppealWaiting } from '../ports';
import { idsOf, noticesOf, queueOnce, type ReminderRun } from './queue';
import { appealNotice } from './views';

/**
 * An open appeal (docs/rules.md#R-reminder-appeal): the reminder due at this run, queued once to its deciders, or
 * once overdue to the case managers and the admins. Returns how many were queued, or null when none is due.
 */
export async function remindOfAppeal(run: ReminderRun, a: AppealWaiting): Promise<number | null> {
  const reminder = appealReminderDue(a, run.at);
  if (!reminder) return null;
  const people =
    reminder.to === 'deciders' ? askedIds(a) : [...(await idsOf(run.ctx.directory.caseManagers())), ...(await idsOf(run.ctx.directory.admins()))];
  return queueOnce(run, a.customerKey, reminder, people, async (missing) => {
    const measure = await run.ctx.measures.read(a.measureId, a.customerKey);
    if (!measure) throw new Error(`appeal ${a.id}: measure ${a.measureId} is not recorded`);
    const named = await decidersNamed(run.ctx, measure.value.serviceArea, a);
    return noticesOf(run, a.customerKey, reminder, missing, appealNotice(reminder, a, named, measure.value.incidentRefs[0]!));
  });
}
