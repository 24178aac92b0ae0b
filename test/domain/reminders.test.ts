import { expect } from 'chai';
import type { Appeal } from '../../src/domain/appeal';
import { interimPairsVisit, type Measure } from '../../src/domain/measure';
import {
  appealReminderDue,
  appealReminders,
  appealsDueBy,
  dueAt,
  reminderId,
  reviewReminderDue,
  reviewReminders,
  reviewsAhead,
  signOffReminderDue,
  signOffReminders,
  type Reminder,
} from '../../src/domain/reminders';
import { ukLocalToUtc } from '../../src/domain/time';
import { addDays, addWorkingDaysAt, isWorkingTime, nextWorkingTime, subtractWorkingDays, weekdayDateTime } from '../../src/domain/working-days';
import { sampleIncident } from '../support/fixtures';

/** A UK wall-clock time as an instant: uk('2026-11-26 16:30'). */
const uk = (when: string) => ukLocalToUtc(when.slice(0, 10), when.slice(11));
/** An instant as UK wall-clock time with its weekday, for readable failures: "Friday 27 November 2026 at 16:30". */
const said = (at: Date) => weekdayDateTime(at);

/** A §5.1 marker awaiting sign-off by Megan (deputy Adele), requested at this UK time (or instant). */
function awaiting(requested: string | Date, deciders = { approverId: 'megan' as string | null, deputyId: 'adele' as string | null }) {
  const at = typeof requested === 'string' ? uk(requested) : requested;
  return interimPairsVisit(sampleIncident({ reportedAt: at.toISOString() }), deciders)!;
}

const stage = (r: Reminder | null) => r && { stage: r.stage, at: said(r.at), to: r.to };
const byStage = (reminders: Reminder[]) => Object.fromEntries(reminders.map((r) => [r.stage, said(r.at)]));

/** An open appeal due on this day, asked of Megan and Adele. */
function appealDue(dueOn: string, approverId: string | null = 'megan'): Pick<Appeal, 'id' | 'status' | 'dueOn' | 'approverId'> {
  return { id: 'UB-7K3-M9Q:pairs-visit:appeal:abc', status: 'open', dueOn, approverId };
}

/** An active measure whose review is due at this UK time. */
function reviewedBy(due: string): Pick<Measure, 'id' | 'status' | 'reviewDue'> {
  return { id: 'UB-7K3-M9Q:pairs-visit', status: 'active', reviewDue: uk(due).toISOString() };
}

describe('working time (Monday–Friday 09:00–17:00 UK time, bank holidays in England out)', () => {
  it('is working time from 09:00 to 17:00 on a working day, in GMT and in BST', () => {
    expect(isWorkingTime(uk('2026-11-26 09:00'))).to.equal(true);
    expect(isWorkingTime(uk('2026-11-26 17:00'))).to.equal(true, 'the hourly run at 17:00 is the last of the day');
    expect(isWorkingTime(uk('2026-11-26 08:59'))).to.equal(false);
    expect(isWorkingTime(uk('2026-11-26 17:01'))).to.equal(false);
    // 08:30 UTC is 09:30 in BST: working time in July, not in November.
    expect(isWorkingTime(new Date('2026-07-16T08:30:00Z'))).to.equal(true);
    expect(isWorkingTime(new Date('2026-11-26T08:30:00Z'))).to.equal(false);
  });

  it('is never working time at a weekend or on a bank holiday', () => {
    expect(isWorkingTime(uk('2026-11-28 12:00'))).to.equal(false, 'Saturday');
    expect(isWorkingTime(uk('2026-11-29 12:00'))).to.equal(false, 'Sunday');
    expect(isWorkingTime(uk('2026-08-31 12:00'))).to.equal(false, 'August bank holiday');
    expect(isWorkingTime(uk('2026-12-28 12:00'))).to.equal(false, 'substitute Boxing Day');
  });

  it('starts next at 09:00 of the next working day, or of today before 09:00', () => {
    expect(said(nextWorkingTime(uk('2026-11-26 12:00')))).to.equal('Thursday 26 November 2026 at 12:00');
    expect(said(nextWorkingTime(uk('2026-11-26 07:15')))).to.equal('Thursday 26 November 2026 at 09:00');
    expect(said(nextWorkingTime(uk('2026-11-27 18:00')))).to.equal('Monday 30 November 2026 at 09:00');
    expect(said(nextWorkingTime(uk('2026-08-28 18:00')))).to.equal('Tuesday 1 September 2026 at 09:00');
    expect(said(nextWorkingTime(uk('2026-12-24 17:30')))).to.equal('Tuesday 29 December 2026 at 09:00');
  });

  it('adds working days keeping the time of day (to the millisecond), across a change of clocks', () => {
    expect(addWorkingDaysAt(new Date('2026-11-26T16:30:12.345Z'), 1).toISOString()).to.equal('2026-11-27T16:30:12.345Z');
    // Friday 23 October 2026 16:30 BST + 1 working day = Monday 26 October 16:30 GMT (clocks went back on the Sunday).
    expect(said(addWorkingDaysAt(uk('2026-10-23 16:30'), 1))).to.equal('Monday 26 October 2026 at 16:30');
  });

  it('counts working days backwards and calendar days either way', () => {
    expect(subtractWorkingDays('2026-09-01', 1)).to.equal('2026-08-28', 'before the August bank holiday');
    expect(subtractWorkingDays('2026-12-29', 2)).to.equal('2026-12-23', 'over Christmas');
    expect(addDays('2027-01-11', -14)).to.equal('2026-12-28');
    expect(addDays('2026-02-28', 1)).to.equal('2026-03-01');
    expect(() => subtractWorkingDays('2026-09-01', 0)).to.throw(RangeError);
  });
});

describe('sign-off reminders (§5.2)', () => {
  it('reminds the deciders at the same time on the next working day: Thursday 16:30 → Friday 16:30', () => {
    expect(byStage(signOffReminders(awaiting('2026-11-26 16:30')))).to.deep.equal({
      'signoff-reminder': 'Friday 27 November 2026 at 16:30',
      'signoff-escalation': 'Tuesday 1 December 2026 at 16:30',
    });
  });

  it('Friday 16:30 → Monday 16:30; Tuesday when that Monday is a bank holiday', () => {
    expect(byStage(signOffReminders(awaiting('2026-11-27 16:30')))['signoff-reminder']).to.equal('Monday 30 November 2026 at 16:30');
    expect(byStage(signOffReminders(awaiting('2026-08-28 16:30')))['signoff-reminder']).to.equal('Tuesday 1 September 2026 at 16:30');
    // Christmas Day 2026 is a Friday, and Monday 28 December the substitute for Boxing Day.
    expect(byStage(signOffReminders(awaiting('2026-12-25 16:30')))['signoff-reminder']).to.equal('Tuesday 29 December 2026 at 16:30');
  });

  it('tells the case managers after 3 working days, across a weekend and a bank holiday', () => {
    // Thu 27 Aug 10:00: Fri 28 (1), Sat, Sun, Mon 31 bank holiday, Tue 1 Sep (2), Wed 2 Sep (3).
    const reminders = signOffReminders(awaiting('2026-08-27 10:00'));
    expect(reminders.map((r) => [r.stage, said(r.at), r.to])).to.deep.equal([
      ['signoff-reminder', 'Friday 28 August 2026 at 10:00', 'deciders'],
      ['signoff-escalation', 'Wednesday 2 September 2026 at 10:00', 'case-managers'],
    ]);
  });

  it('one due outside working time goes when it next starts: due 17:30 → 09:00 the next working day', () => {
    expect(byStage(signOffReminders(awaiting('2026-11-25 17:30')))).to.deep.equal({
      'signoff-reminder': 'Friday 27 November 2026 at 09:00',
      'signoff-escalation': 'Tuesday 1 December 2026 at 09:00',
    });
    // Asked on a Saturday morning (a §5.1 report at the weekend): Monday at that time.
    expect(byStage(signOffReminders(awaiting('2026-11-28 10:15')))['signoff-reminder']).to.equal('Monday 30 November 2026 at 10:15');
  });

  it('is due from its moment until the next one overtakes it; the escalation alone once both are due', () => {
    const m = awaiting('2026-11-26 16:30');
    expect(signOffReminderDue(m, uk('2026-11-27 16:00'))).to.equal(null, 'not yet');
    expect(stage(signOffReminderDue(m, uk('2026-11-27 17:00')))).to.deep.equal({
      stage: 'signoff-reminder',
      at: 'Friday 27 November 2026 at 16:30',
      to: 'deciders',
    });
    expect(signOffReminderDue(m, uk('2026-11-30 12:00'))?.stage).to.equal('signoff-reminder');
    expect(signOffReminderDue(m, uk('2026-12-01 17:00'))?.stage).to.equal('signoff-escalation', 'the first reminder is overtaken');
    expect(signOffReminderDue(m, uk('2027-01-15 10:00'))?.stage).to.equal('signoff-escalation', 'and stays the one due while it waits');
  });

  it('sends nothing outside working time, once decided, or for a measure no longer awaiting sign-off', () => {
    const m = awaiting('2026-11-26 16:30');
    expect(signOffReminderDue(m, uk('2026-11-27 17:30'))).to.equal(null, 'Friday evening');
    expect(signOffReminderDue(m, uk('2026-11-28 12:00'))).to.equal(null, 'Saturday');
    const decision = {
      outcome: 'approved' as const,
      by: { id: 'megan', name: 'Megan Bowen' },
      at: uk('2026-11-27 10:00').toISOString(),
      reason: null,
    };
    expect(signOffReminderDue({ ...m, signOff: { ...m.signOff!, decision } }, uk('2026-11-30 12:00'))).to.equal(null);
    expect(signOffReminderDue({ ...m, status: 'lifted' }, uk('2026-11-30 12:00'))).to.equal(null);
  });

  it('with nobody independent to ask, there is no one to remind: only the case managers, after 3 working days', () => {
    const m = awaiting('2026-11-26 16:30', { approverId: null, deputyId: null });
    expect(signOffReminders(m).map((r) => r.stage)).to.deep.equal(['signoff-escalation']);
    expect(signOffReminderDue(m, uk('2026-11-30 12:00'))).to.equal(null);
    expect(signOffReminderDue(m, uk('2026-12-01 16:30'))?.to).to.equal('case-managers');
  });

  it('a renewal at review is a round of its own, timed from its own request', () => {
    const m = awaiting('2026-11-26 16:30');
    const renewal: Measure = {
      ...m,
      signOff: {
        ...m.signOff!,
        requestedAt: uk('2027-05-20 11:00').toISOString(),
        renewal: { id: `${m.id}:review:1`, by: { id: 'lynne', name: 'Lynne Robbins' }, reviewDue: uk('2027-11-19 09:00').toISOString() },
      },
    };
    const [first] = signOffReminders(m);
    const [again] = signOffReminders(renewal);
    expect(said(again!.at)).to.equal('Friday 21 May 2027 at 11:00');
    expect(reminderId(again!, 'megan')).to.equal(`${m.id}:review:1:reminder:signoff-reminder:megan`);
    expect(reminderId(again!, 'megan')).not.to.equal(reminderId(first!, 'megan'));
  });

  it('gives the same ids on every run: a repeat queues nothing new', () => {
    const m = awaiting('2026-11-26 16:30');
    const a = signOffReminderDue(m, uk('2026-11-27 17:00'))!;
    const b = signOffReminderDue(structuredClone(m), uk('2026-11-30 09:00'))!;
    expect(reminderId(a, 'adele')).to.equal(reminderId(b, 'adele'));
    expect(reminderId(a, 'adele')).to.equal(`${m.id}:reminder:signoff-reminder:adele`);
    expect(reminderId(a, 'adele')).not.to.equal(reminderId(a, 'megan'));
  });

  it('never falls outside working time, whenever it was asked (every 97 minutes over two years)', () => {
    for (let t = uk('2026-01-01 00:00').getTime(); t < uk('2028-01-01 00:00').getTime(); t += 97 * 60_000) {
      for (const r of signOffReminders(awaiting(new Date(t)))) {
        if (!isWorkingTime(r.at)) expect.fail(`${r.stage} at ${said(r.at)} for a request at ${said(new Date(t))}`);
      }
    }
  });
});

describe('appeal reminders (§7)', () => {
  it('reminds the deciders 2 working days before the due date and on it; overdue, the case managers and admins', () => {
    // Received Thursday 26 November 2026: due Thursday 10 December.
    expect(appealReminders(appealDue('2026-12-10')).map((r) => [r.stage, said(r.at), r.to])).to.deep.equal([
      ['appeal-2-days', 'Tuesday 8 December 2026 at 09:00', 'deciders'],
      ['appeal-due', 'Thursday 10 December 2026 at 09:00', 'deciders'],
      ['appeal-overdue', 'Friday 11 December 2026 at 09:00', 'case-managers-and-admins'],
    ]);
  });

  it('counts working days around bank holidays', () => {
    expect(byStage(appealReminders(appealDue('2026-09-01')))).to.deep.equal({
      'appeal-2-days': 'Thursday 27 August 2026 at 09:00',
      'appeal-due': 'Tuesday 1 September 2026 at 09:00',
      'appeal-overdue': 'Wednesday 2 September 2026 at 09:00',
    });
    expect(byStage(appealReminders(appealDue('2026-12-24')))['appeal-overdue']).to.equal('Tuesday 29 December 2026 at 09:00');
  });

  it('the 2-days-before reminder is overtaken on the due date, which is overtaken once overdue', () => {
    const a = appealDue('2026-12-10');
    expect(appealReminderDue(a, uk('2026-12-07 16:00'))).to.equal(null);
    expect(appealReminderDue(a, uk('2026-12-08 09:00'))?.stage).to.equal('appeal-2-days');
    expect(appealReminderDue(a, uk('2026-12-09 17:00'))?.stage).to.equal('appeal-2-days');
    expect(appealReminderDue(a, uk('2026-12-10 09:00'))?.stage).to.equal('appeal-due');
    expect(appealReminderDue(a, uk('2026-12-11 09:00'))?.stage).to.equal('appeal-overdue');
    expect(appealReminderDue(a, uk('2027-02-01 09:00'))?.stage).to.equal('appeal-overdue', 'until it is decided');
    expect(appealReminderDue({ ...a, status: 'upheld' }, uk('2026-12-11 09:00'))).to.equal(null);
    expect(appealReminderDue({ ...a, status: 'withdrawn' }, uk('2026-12-10 09:00'))).to.equal(null);
    expect(appealReminderDue(a, uk('2026-12-12 10:00'))).to.equal(null, 'Saturday');
  });

  it('with nobody independent to decide, only the overdue reminder', () => {
    const a = appealDue('2026-12-10', null);
    expect(appealReminders(a).map((r) => r.stage)).to.deep.equal(['appeal-overdue']);
    expect(appealReminderDue(a, uk('2026-12-10 09:00'))).to.equal(null);
  });

  it('looks for appeals due by two working days ahead', () => {
    expect(appealsDueBy(uk('2026-12-08 09:00'))).to.equal('2026-12-10');
    expect(appealsDueBy(uk('2026-08-27 12:00'))).to.equal('2026-09-01');
  });
});

describe('review reminders (§8)', () => {
  it('reminds the case owner at 09:00, 14 days and 1 day before the review date', () => {
    // Reviews chosen as a day are due at 09:00 that day (src/domain/measure.ts reviewDueOn).
    expect(reviewReminders(reviewedBy('2027-05-26 09:00')).map((r) => [r.stage, said(r.at), r.to])).to.deep.equal([
      ['review-14-days', 'Wednesday 12 May 2027 at 09:00', 'case-owner'],
      ['review-1-day', 'Tuesday 25 May 2027 at 09:00', 'case-owner'],
    ]);
  });

  it('brings a reminder that falls on a day off forward to the working day before, never after', () => {
    // Review Tuesday 1 September 2026: the day before is the August bank holiday; 14 days before is a Tuesday.
    expect(byStage(reviewReminders(reviewedBy('2026-09-01 09:00')))).to.deep.equal({
      'review-14-days': 'Tuesday 18 August 2026 at 09:00',
      'review-1-day': 'Friday 28 August 2026 at 09:00',
    });
    // Review Monday 11 January 2027: 14 days before is Monday 28 December 2026, the substitute for Boxing Day.
    expect(byStage(reviewReminders(reviewedBy('2027-01-11 14:20')))).to.deep.equal({
      'review-14-days': 'Thursday 24 December 2026 at 09:00',
      'review-1-day': 'Friday 8 January 2027 at 09:00',
    });
  });

  it('is due until the review date; past it the measure has lapsed and nothing reminds of it', () => {
    const m = reviewedBy('2027-05-26 09:00');
    expect(reviewReminderDue(m, uk('2027-05-11 16:00'))).to.equal(null);
    expect(reviewReminderDue(m, uk('2027-05-12 09:00'))?.stage).to.equal('review-14-days');
    expect(reviewReminderDue(m, uk('2027-05-25 09:00'))?.stage).to.equal('review-1-day');
    expect(reviewReminderDue(m, uk('2027-05-26 09:00'))).to.equal(null);
    expect(reviewReminderDue({ ...m, status: 'lapsed' }, uk('2027-05-25 10:00'))).to.equal(null);
    expect(reviewReminderDue({ ...m, status: 'pending-sign-off' }, uk('2027-05-25 10:00'))).to.equal(null);
  });

  it('a measure continued to a new date is a new round', () => {
    const [before] = reviewReminders(reviewedBy('2027-05-26 09:00'));
    const [after] = reviewReminders(reviewedBy('2027-11-24 09:00'));
    expect(reminderId(before!, 'lynne')).to.equal('UB-7K3-M9Q:pairs-visit:review-due:2027-05-26:reminder:review-14-days:lynne');
    expect(reminderId(after!, 'lynne')).to.equal('UB-7K3-M9Q:pairs-visit:review-due:2027-11-24:reminder:review-14-days:lynne');
  });

  it('looks three weeks ahead, far enough for a reminder brought forward over Christmas', () => {
    const { from, to } = reviewsAhead(uk('2026-12-24 09:00'));
    expect(from).to.equal(uk('2026-12-24 09:00').toISOString());
    expect(to > uk('2027-01-11 14:20').toISOString()).to.equal(true);
    expect(reviewReminderDue(reviewedBy('2027-01-11 14:20'), uk('2026-12-24 09:00'))?.stage).to.equal('review-14-days');
  });
});

describe('what is due at a run', () => {
  const reminders: Reminder[] = [
    { round: 'r', stage: 'appeal-2-days', at: uk('2026-12-08 09:00'), to: 'deciders' },
    { round: 'r', stage: 'appeal-due', at: uk('2026-12-10 09:00'), to: 'deciders' },
  ];
  it('is the latest reminder due by then, in working time only', () => {
    expect(dueAt(reminders, uk('2026-12-08 08:59'))).to.equal(null);
    expect(dueAt(reminders, uk('2026-12-09 12:00'))?.stage).to.equal('appeal-2-days');
    expect(dueAt([...reminders].reverse(), uk('2026-12-10 12:00'))?.stage).to.equal('appeal-due');
    expect(dueAt(reminders, uk('2026-12-10 18:00'))).to.equal(null);
  });
});
