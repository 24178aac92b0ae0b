import { MEASURE_KINDS } from '../../domain/measure';
import { reminderKey, signOffReminderDue } from '../../domain/reminders';
import { weekdayDateTime } from '../../domain/working-days';
import { askedIds, decidersNamed, nobodyToDecide } from '../decisions/requests';
import type { SignOffWaiting } from '../ports';
import { idsOf, noticesOf, queueOnce, type ReminderRun } from './queue';
import { signOffEscalationNotice, signOffReminderNotice } from './views';

/**
 * A measure awaiting sign-off (docs/rules.md#R-reminder-signoff): the reminder due at this run, queued once to whom it
 * is for. Returns how many were queued, or null when none is due.
 */
export async function remindOfSignOff(run: ReminderRun, m: SignOffWaiting): Promise<number | null> {
  const reminder = signOffReminderDue(m, run.at);
  if (!reminder) return null;
  const s = m.signOff!;
  const named = () => decidersNamed(run.ctx, s.serviceArea, s);
  if (reminder.to === 'deciders')
    return queueOnce(run, m.customerKey, reminder, askedIds(s), async (missing) =>
      noticesOf(run, m.customerKey, reminder, missing, signOffReminderNotice(m, await named())),
    );
  const managers = await idsOf(run.ctx.directory.caseManagers());
  if (s.approverId)
    return queueOnce(run, m.customerKey, reminder, managers, async (missing) =>
      noticesOf(run, m.customerKey, reminder, missing, signOffEscalationNotice(m, await named())),
    );
  // Nobody independent to ask: the case managers were told at the request, and are told again that it still waits.
  return queueOnce(run, m.customerKey, reminder, managers, async (missing) => {
    const measure = await run.ctx.measures.read(m.id, m.customerKey);
    if (!measure) throw new Error(`measure ${m.id} is not recorded`);
    const what = `${MEASURE_KINDS[m.kind].label}, waiting since ${weekdayDateTime(s.requestedAt)},`;
    const title = 'Still waiting: nobody independent can sign off';
    const told = await nobodyToDecide(run.ctx, measure.value, { id: reminderKey(reminder), title, what }, run.ctx.now());
    return told.filter((e) => e.recipient.kind === 'person' && missing.includes(e.recipient.personId));
  });
}
