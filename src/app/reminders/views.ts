import type { NoticeCard } from '../../cards/types';
import { MEASURE_KINDS, type MeasureKind } from '../../domain/measure';
import type { Reminder } from '../../domain/reminders';
import { ukDate } from '../../domain/time';
import { weekdayDate, weekdayDateTime } from '../../domain/working-days';
import type { ActiveReview, AppealWaiting, SignOffWaiting } from '../ports';
import { waitingFor, type SignOffPeople } from '../signoff/views';

/**
 * The reminders' notices (docs/rules.md#R-reminder-words): what waits, since when (UK dates), who is asked and what to
 * do, in plain words. The customer's reference is named (those told decide on the case); never a narrative.
 */
export type Notice = Pick<NoticeCard, 'title' | 'text' | 'color'>;

const label = (kind: MeasureKind) => MEASURE_KINDS[kind].label;

/** The measure awaiting sign-off, or its continuation at review (§8), which is a round of its own. */
export function signOffSubject(m: SignOffWaiting): string {
  const renewal = m.signOff?.renewal;
  const what = `${label(m.kind)} for customer ${m.customerKey}`;
  return renewal ? `${what}, continued at review by ${renewal.by.name},` : what;
}

const inForce = (m: SignOffWaiting) => (m.interim ? 'It is in force meanwhile, as an interim measure.' : 'It is not in force until signed off.');

const since = (m: SignOffWaiting) => `has waited for a Head of Service's sign-off (§5.2) since ${weekdayDateTime(m.signOff!.requestedAt)}`;

/** To the two asked, from the same time on the next working day. */
export function signOffReminderNotice(m: SignOffWaiting, people: SignOffPeople): Notice {
  return {
    title: `Sign-off waiting: customer ${m.customerKey}`,
    text: `${signOffSubject(m)} ${since(m)}. ${waitingFor(people)} ${inForce(m)} Type “pending” to open it, then approve or reject it.`,
    color: 'Warning',
  };
}

/** To the case managers, after 3 working days. */
export function signOffEscalationNotice(m: SignOffWaiting, people: SignOffPeople): Notice {
  return {
    title: `Sign-off still waiting after 3 working days: customer ${m.customerKey}`,
    text: `${signOffSubject(m)} ${since(m)}. ${waitingFor(people)} Please chase them. ${inForce(m)} Type “case ${m.firstIncident}” to see the case.`,
    color: 'Attention',
  };
}

/** An appeal's reminders: to its deciders two working days before it is due and on the day; overdue, to the team and admins. */
export function appealNotice(reminder: Reminder, a: AppealWaiting, people: SignOffPeople, caseRef: string): Notice {
  const due = weekdayDate(a.dueOn);
  const appeal = `The appeal against ${label(a.measureKind).toLowerCase()} for customer ${a.customerKey}, received ${weekdayDate(a.receivedOn)},`;
  const decide = 'Type “pending” to open it, then uphold, overturn or vary the measure.';
  if (reminder.stage === 'appeal-2-days')
    return {
      title: `Appeal due ${due}: customer ${a.customerKey}`,
      text: `${appeal} is due for decision by ${due} (§7: within 10 working days). ${waitingFor(people)} ${decide}`,
      color: 'Warning',
    };
  if (reminder.stage === 'appeal-due')
    return {
      title: `Appeal due today: customer ${a.customerKey}`,
      text: `${appeal} is due for decision today, ${due} (§7: within 10 working days). ${waitingFor(people)} ${decide}`,
      color: 'Warning',
    };
  const who = people.approverName
    ? `${waitingFor(people)} Please chase them.`
    : 'Nobody independent of the measure could be asked to decide it: an admin must add an alternate Head of Service to its service area.';
  return {
    title: `Appeal overdue: customer ${a.customerKey}`,
    text: `${appeal} was due for decision by ${due} (§7: within 10 working days) and is still open. ${who} The Customer Experience team can see the case by typing “case ${caseRef}”.`,
    color: 'Attention',
  };
}

/** To the case owner, 14 days and 1 day before the review date; to every case manager when its proposer is not one. */
export function reviewNotice(reminder: Reminder, m: ActiveReview, toTheTeam: boolean): Notice {
  const day = weekdayDate(ukDate(new Date(m.reviewDue)));
  const team = toTheTeam ? ` You are told as a case manager: its proposer, ${m.proposedBy.name}, is not one.` : '';
  return {
    title: `Review due ${day}: customer ${m.customerKey}`,
    text: `${label(m.kind)} for customer ${m.customerKey} is due for its six-monthly review (§8) on ${day}. Unreviewed by then, it lapses and is no longer in force. Type “reviews” to lift, continue or escalate it.${team}`,
    color: reminder.stage === 'review-1-day' ? 'Warning' : 'Default',
  };
}
