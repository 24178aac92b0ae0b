import { LETTER_NAMES } from '../../domain/letter-record';
import { letterReminderDue } from '../../domain/reminders';
import { formatUk } from '../../domain/time';
import { serviceAreaById } from '../roles';
import type { UnsentLetter } from '../ports';
import { idsOf, noticesOf, queueOnce, type ReminderRun } from './queue';

/**
 * A letter still not recorded as sent a month after its decision (docs/rules.md#R-letter-overdue): its measure's Head
 * of Service is told, once; where the area is no longer configured, the admins, who can fix that. Returns how many
 * were queued, or null when none is due.
 */
export async function remindOfLetter(run: ReminderRun, l: UnsentLetter): Promise<number | null> {
  const reminder = letterReminderDue(l, run.at);
  if (!reminder) return null;
  const area = await serviceAreaById(run.ctx.directory, l.serviceArea);
  const people = area ? [area.headOfService] : await idsOf(run.ctx.directory.admins());
  return queueOnce(run, l.customerKey, reminder, people, (missing) =>
    noticesOf(run, l.customerKey, reminder, missing, {
      title: `Letter not sent after a month: customer ${l.customerKey}`,
      text:
        `The ${LETTER_NAMES[l.kind].toLowerCase()} to customer ${l.customerKey}, drafted ${formatUk(l.createdAt, false)}, is still not recorded as ` +
        `sent: it was due to go by ${formatUk(l.sendBy, false)}, and a month is the outer limit. ` +
        `${area ? '' : `Service area ${l.serviceArea} is no longer configured, so you are told instead of its Head of Service. `}` +
        `Ask the Customer Experience team to send it and record it: case ${l.incidentRef}.`,
      color: 'Attention',
    }),
  );
}
