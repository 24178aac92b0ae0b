import type { Appeal } from './appeal';
import { outerLimit, type LetterRecord } from './letter-record';
import type { Measure } from './measure';
import { signOffKey } from './signoff';
import { ukDate, ukLocalToUtc } from './time';
import {
  WORKING_HOURS,
  addDays,
  addWorkingDays,
  addWorkingDaysAt,
  isWorkingDay,
  isWorkingTime,
  nextWorkingTime,
  subtractWorkingDays,
} from './working-days';

/**
 * Reminders of what waits on a person (docs/rules.md#R-reminder-working-time): a sign-off (§5.2), an appeal (§7) and a
 * six-monthly review (§8). Each thing has a few reminders, each due at a moment in working time and sent once (its
 * outbox ids derive from it). Pure: the hourly job (src/app/reminders/job.ts) asks what is due at its run.
 */

/** Who a reminder goes to: those asked to decide, the case managers (and the admins), or the measure's case owner. */
export type Audience = 'deciders' | 'case-managers' | 'case-managers-and-admins' | 'case-owner' | 'head-of-service';

export type ReminderStage =
  | 'signoff-reminder'
  | 'signoff-escalation'
  | 'appeal-2-days'
  | 'appeal-due'
  | 'appeal-overdue'
  | 'review-14-days'
  | 'review-1-day'
  | 'letter-one-month';

export interface Reminder {
  /** What it is about, one round of it: a round of sign-off, an appeal, a measure's review on one date. */
  round: string;
  stage: ReminderStage;
  /** When it is due: always in working time. */
  at: Date;
  to: Audience;
}

/** §5.2: undecided by the same time on the next working day, the deciders are reminded; after 3, the case managers told. */
export const SIGN_OFF_REMINDER_WORKING_DAYS = 1;
export const SIGN_OFF_ESCALATION_WORKING_DAYS = 3;
/** §7: the deciders are reminded this many working days before an appeal is due, and on the day. */
export const APPEAL_REMINDER_WORKING_DAYS = 2;
/** §8: the case owner is reminded this many days before the review date. */
export const REVIEW_REMINDER_DAYS = [14, 1] as const;
/**
 * How far ahead the job looks for reviews: 14 days, plus the longest run of days off in England (four, at Christmas),
 * which a reminder is brought forward over, and a margin.
 */
const REVIEW_LOOKAHEAD_MS = 21 * 86_400_000;

/** 09:00 on a UK day, or when working time next starts if that day is not a working day. */
const startOf = (day: string): Date => nextWorkingTime(ukLocalToUtc(day, WORKING_HOURS.from));

/**
 * A round of sign-off (docs/rules.md#R-reminder-signoff): the deciders at the same time on the next working day, the
 * case managers after 3 working days, each at the next working time when that is outside it. A renewal at review is a
 * round of its own. With nobody independent to ask, the case managers were told at the request: only the escalation.
 */
export function signOffReminders(m: Pick<Measure, 'id' | 'signOff'>): Reminder[] {
  const s = m.signOff;
  if (!s) return [];
  const round = signOffKey(m);
  const after = (n: number) => nextWorkingTime(addWorkingDaysAt(new Date(s.requestedAt), n));
  const escalation: Reminder = { round, stage: 'signoff-escalation', at: after(SIGN_OFF_ESCALATION_WORKING_DAYS), to: 'case-managers' };
  if (!s.approverId) return [escalation];
  return [{ round, stage: 'signoff-reminder', at: after(SIGN_OFF_REMINDER_WORKING_DAYS), to: 'deciders' }, escalation];
}

/**
 * An appeal (docs/rules.md#R-reminder-appeal): the deciders at 09:00 two working days before its due date and on it;
 * overdue, from 09:00 the working day after, the case managers and admins. With nobody independent to ask, only that.
 */
export function appealReminders(a: Pick<Appeal, 'id' | 'dueOn' | 'approverId'>): Reminder[] {
  const overdue: Reminder = { round: a.id, stage: 'appeal-overdue', at: startOf(addWorkingDays(a.dueOn, 1)), to: 'case-managers-and-admins' };
  if (!a.approverId) return [overdue];
  return [
    { round: a.id, stage: 'appeal-2-days', at: startOf(subtractWorkingDays(a.dueOn, APPEAL_REMINDER_WORKING_DAYS)), to: 'deciders' },
    { round: a.id, stage: 'appeal-due', at: startOf(a.dueOn), to: 'deciders' },
    overdue,
  ];
}

/**
 * A measure's next review (docs/rules.md#R-reminder-review): the case owner at 09:00, 14 days and 1 day before its
 * review date. A reminder ahead of a date is brought forward, never put back: one that falls on a day off goes on the
 * working day before it. Each review date is a round of its own.
 */
export function reviewReminders(m: Pick<Measure, 'id' | 'reviewDue'>): Reminder[] {
  const day = ukDate(new Date(m.reviewDue));
  const ahead = (n: number) => {
    const target = addDays(day, -n);
    return ukLocalToUtc(isWorkingDay(target) ? target : subtractWorkingDays(target, 1), WORKING_HOURS.from);
  };
  const round = `${m.id}:review-due:${day}`;
  return [
    { round, stage: 'review-14-days', at: ahead(REVIEW_REMINDER_DAYS[0]), to: 'case-owner' },
    { round, stage: 'review-1-day', at: ahead(REVIEW_REMINDER_DAYS[1]), to: 'case-owner' },
  ];
}

/**
 * A letter not recorded as sent (docs/rules.md#R-letter-overdue): a month after its decision, the outer limit, the Head
 * of Service of the measure's area is told, at 09:00 that day or the next working time.
 */
export function letterReminders(l: Pick<LetterRecord, 'id' | 'createdAt'>): Reminder[] {
  return [{ round: l.id, stage: 'letter-one-month', at: startOf(outerLimit(l)), to: 'head-of-service' }];
}

/** The letter reminder due at `at`, while the letter is not recorded as sent. */
export function letterReminderDue(l: Pick<LetterRecord, 'id' | 'createdAt' | 'status'>, at: Date): Reminder | null {
  return l.status === 'draft' ? dueAt(letterReminders(l), at) : null;
}

/**
 * What to send at `at`: nothing outside working time; otherwise the latest of these reminders due by then. One
 * overtaken before it was sent (a run missed, or a record that came late, such as an appeal recorded the day it is
 * due) is not sent: the later one says all it would have (docs/rules.md#R-reminder-overtaken).
 */
export function dueAt(reminders: readonly Reminder[], at: Date): Reminder | null {
  if (!isWorkingTime(at)) return null;
  return (
    reminders
      .filter((r) => r.at.getTime() <= at.getTime())
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .at(-1) ?? null
  );
}

/** The sign-off reminder due at `at`, while the measure still waits for the decision. */
export function signOffReminderDue(m: Pick<Measure, 'id' | 'status' | 'signOff'>, at: Date): Reminder | null {
  return m.status === 'pending-sign-off' && m.signOff && !m.signOff.decision ? dueAt(signOffReminders(m), at) : null;
}

/** The appeal reminder due at `at`, while the appeal is open. */
export function appealReminderDue(a: Pick<Appeal, 'id' | 'status' | 'dueOn' | 'approverId'>, at: Date): Reminder | null {
  return a.status === 'open' ? dueAt(appealReminders(a), at) : null;
}

/** The review reminder due at `at`, while the measure is active and before its review date (past it, it has lapsed). */
export function reviewReminderDue(m: Pick<Measure, 'id' | 'status' | 'reviewDue'>, at: Date): Reminder | null {
  return m.status === 'active' && at.getTime() < Date.parse(m.reviewDue) ? dueAt(reviewReminders(m), at) : null;
}

/** The appeals a reminder can be due for at `at`: open and due by two working days after its UK day. */
export function appealsDueBy(at: Date): string {
  return addWorkingDays(ukDate(at), APPEAL_REMINDER_WORKING_DAYS);
}

/** The review dates a reminder can be due for at `at`: from then (earlier ones have lapsed) to three weeks ahead. */
export function reviewsAhead(at: Date): { from: string; to: string } {
  return { from: at.toISOString(), to: new Date(at.getTime() + REVIEW_LOOKAHEAD_MS).toISOString() };
}

/** What names a reminder: its round and stage. */
export function reminderKey(r: Pick<Reminder, 'round' | 'stage'>): string {
  return `${r.round}:reminder:${r.stage}`;
}

/** The outbox id of a reminder to one person: the same on every run, so it is queued once. */
export function reminderId(r: Pick<Reminder, 'round' | 'stage'>, personId: string): string {
  return `${reminderKey(r)}:${personId}`;
}
