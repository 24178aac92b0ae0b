import { expect } from 'chai';
import {
  digestEntryId,
  digestFigures,
  digestPartition,
  digestWeeks,
  type AppealRow,
  type DigestRows,
  type IncidentRow,
  type MeasureRow,
} from '../../src/domain/digest';
import { isCustomerRef } from '../../src/domain/customer';
import { RECORD_ID_PATTERN } from '../../src/domain/records';
import { ukDate, ukLocalToUtc } from '../../src/domain/time';
import type { CategoryId } from '../../src/domain/policy';
import type { MeasureStatus } from '../../src/domain/measure';

/** The weeks and figures of the weekly digest (docs/rules.md#R-digest-weeks, docs/rules.md#R-digest-figures): pure, from rows. */

/** Monday 30 November 2026, 08:00 in London (GMT): the scheduled slot. Its reporting week is Monday 23 to Sunday 29 November. */
const SLOT = new Date('2026-11-30T08:00:00Z');
const london = (day: string, time: string) => ukLocalToUtc(day, time).toISOString();
const NONE: DigestRows = { incidents: [], measures: [], appeals: [], failedNotices: [], overdueLetters: [], incomplete: false };
const rows = (over: Partial<DigestRows>): DigestRows => ({ ...NONE, ...over });

const incident = (reportedAt: string, category: CategoryId = 'aggressive', serviceArea = 'housing'): IncidentRow => ({
  category,
  serviceArea,
  reportedAt,
});

let measureNo = 0;
function measure(over: Partial<MeasureRow> & { status: MeasureStatus }): MeasureRow {
  return {
    id: `UB-22${measureNo++}-222:pairs-visit`,
    kind: 'pairs-visit',
    interim: false,
    serviceArea: 'housing',
    reviewDue: '2027-03-01T09:00:00.000Z',
    waitingSince: '2026-11-20T10:00:00.000Z',
    ...over,
  };
}
const appeal = (dueOn: string, serviceArea: string | null = 'housing'): AppealRow => ({ dueOn, serviceArea });

describe('the weekly digest: its weeks (London time)', () => {
  it('reports the last complete Monday–Sunday before the slot, beside the week before; named by its ISO week', () => {
    const w = digestWeeks(SLOT);
    expect(w.reporting).to.deep.equal({
      monday: '2026-11-23',
      sunday: '2026-11-29',
      from: '2026-11-23T00:00:00.000Z',
      to: '2026-11-30T00:00:00.000Z',
    });
    expect(w.previous).to.include({ monday: '2026-11-16', sunday: '2026-11-22', from: '2026-11-16T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' });
    expect(w).to.include({ today: '2026-11-30', sunday: '2026-12-06', isoWeek: '2026-W48' });
  });

  it('any time in a week reports the same week: a manual run on Wednesday, or at Sunday 23:59, or at Monday 00:00 exactly', () => {
    expect(digestWeeks(new Date('2026-12-02T15:00:00Z')).reporting.monday).to.equal('2026-11-23');
    expect(digestWeeks(new Date(london('2026-12-06', '23:59'))).reporting.monday).to.equal('2026-11-23');
    expect(digestWeeks(new Date(london('2026-11-30', '00:00'))).reporting.monday).to.equal('2026-11-23');
    expect(digestWeeks(new Date(new Date(london('2026-11-30', '00:00')).getTime() - 1)).reporting.monday).to.equal('2026-11-16');
  });

  it('the week the clocks go back (25 Oct 2026) runs from 00:00 BST to 00:00 GMT: 169 hours', () => {
    const w = digestWeeks(new Date('2026-10-26T08:00:00Z')).reporting;
    expect(w).to.include({ from: '2026-10-18T23:00:00.000Z', to: '2026-10-26T00:00:00.000Z' });
    expect(Date.parse(w.to) - Date.parse(w.from)).to.equal(169 * 3_600_000);
  });

  it('the week the clocks go forward (29 Mar 2026) runs from 00:00 GMT to 00:00 BST: 167 hours', () => {
    const w = digestWeeks(new Date('2026-03-30T07:00:00Z')).reporting;
    expect(w).to.include({ from: '2026-03-23T00:00:00.000Z', to: '2026-03-29T23:00:00.000Z' });
    expect(Date.parse(w.to) - Date.parse(w.from)).to.equal(167 * 3_600_000);
  });

  it('ISO weeks across the new year: the week of Thursday 1 January 2026 is 2026-W01; 2026 has 53 weeks', () => {
    expect(digestWeeks(new Date('2026-01-05T08:00:00Z')).isoWeek).to.equal('2026-W01');
    expect(digestWeeks(new Date('2027-01-04T08:00:00Z')).isoWeek).to.equal('2026-W53');
    expect(digestWeeks(new Date('2027-01-11T08:00:00Z')).isoWeek).to.equal('2027-W01');
    expect(digestWeeks(new Date('2021-01-04T08:00:00Z')).isoWeek).to.equal('2020-W53');
  });

  it('every Monday slot of 2026: an instant counts in the reporting week exactly when its London day is Monday to Sunday of it', () => {
    for (let monday = new Date('2026-01-05T12:00:00Z'); monday.getUTCFullYear() === 2026; monday = new Date(monday.getTime() + 7 * 86_400_000)) {
      const day = ukDate(monday);
      const slot = new Date(london(day, '08:00'));
      const w = digestWeeks(slot).reporting;
      for (const instant of [w.from, w.to].flatMap((t) => [-3_600_000, -60_000, -1, 0, 1, 60_000].map((d) => new Date(Date.parse(t) + d)))) {
        const counted = digestFigures(rows({ incidents: [incident(instant.toISOString())] }), slot, null).incidents.total.reporting === 1;
        const londonDay = ukDate(instant);
        expect(counted, `${instant.toISOString()} (London ${londonDay}), slot ${day}`).to.equal(londonDay >= w.monday && londonDay <= w.sunday);
      }
    }
  });
});

describe('the weekly digest: its figures', () => {
  describe('new incidents', () => {
    const seeded = rows({
      incidents: [
        incident(london('2026-11-23', '00:00'), 'aggressive', 'housing'), // Monday 00:00: the first instant of the week
        incident(london('2026-11-29', '23:59'), 'demands', 'housing'), // Sunday 23:59: the last minute of it
        incident(london('2026-11-25', '10:00'), 'persistence', 'repairs'),
        incident(london('2026-11-25', '11:00'), 'aggressive', 'repairs'),
        incident(london('2026-11-22', '23:59'), 'aggressive', 'housing'), // the week before
        incident(london('2026-11-16', '00:00'), 'demands', 'income'), // the week before, its first instant
        incident(london('2026-11-15', '23:59'), 'aggressive', 'housing'), // two weeks before: not counted
        incident(london('2026-11-30', '00:00'), 'aggressive', 'housing'), // this week: next digest's
      ],
    });

    it('by category, this week and the week before, for every area', () => {
      const f = digestFigures(seeded, SLOT, null).incidents;
      expect(f.total).to.deep.equal({ reporting: 4, previous: 2 });
      expect(f.byCategory).to.deep.equal({
        aggressive: { reporting: 2, previous: 1 },
        demands: { reporting: 1, previous: 1 },
        persistence: { reporting: 1, previous: 0 },
      });
    });

    it('by area: every area with an incident in either week (for every area only)', () => {
      expect(digestFigures(seeded, SLOT, null).incidents.byArea).to.deep.equal({
        housing: { reporting: 2, previous: 1 },
        repairs: { reporting: 2, previous: 0 },
        income: { reporting: 0, previous: 1 },
      });
      expect(digestFigures(seeded, SLOT, 'housing').incidents.byArea).to.deep.equal({});
    });

    it('for one area: only its incidents', () => {
      const f = digestFigures(seeded, SLOT, 'repairs').incidents;
      expect(f.total).to.deep.equal({ reporting: 2, previous: 0 });
      expect(f.byCategory.persistence).to.deep.equal({ reporting: 1, previous: 0 });
      expect(digestFigures(seeded, SLOT, 'nowhere').incidents.total).to.deep.equal({ reporting: 0, previous: 0 });
    });
  });

  it('decisions awaiting sign-off: how many, waiting 7 and 14 days or more (UK days), and the longest wait', () => {
    const waiting = (since: string, serviceArea = 'housing') =>
      measure({ status: 'pending-sign-off', interim: true, waitingSince: since, serviceArea });
    const seeded = rows({
      measures: [
        waiting(london('2026-11-30', '07:59')), // 0 days
        waiting(london('2026-11-23', '23:59')), // 7 days by the calendar, though not 7×24 hours
        waiting(london('2026-11-24', '00:00')), // 6 days
        waiting(london('2026-11-16', '09:00')), // 14 days
        waiting(london('2026-10-01', '09:00'), 'repairs'), // 60 days
        measure({ status: 'active', waitingSince: london('2026-01-01', '09:00') }), // signed off: not waiting
      ],
    });
    expect(digestFigures(seeded, SLOT, null).signOff).to.deep.equal({ waiting: 5, overAWeek: 3, overTwoWeeks: 2, oldestDays: 60 });
    expect(digestFigures(seeded, SLOT, 'housing').signOff).to.deep.equal({ waiting: 4, overAWeek: 2, overTwoWeeks: 1, oldestDays: 14 });
    expect(digestFigures(NONE, SLOT, null).signOff).to.deep.equal({ waiting: 0, overAWeek: 0, overTwoWeeks: 0, oldestDays: null });
  });

  it('appeals: due from today to Sunday (due today is not overdue), and overdue; by their measure’s area', () => {
    const seeded = rows({
      appeals: [
        appeal('2026-11-30'), // today: due this week
        appeal('2026-12-06'), // Sunday: due this week
        appeal('2026-12-07'), // next Monday: neither
        appeal('2026-11-29'), // yesterday: overdue
        appeal('2026-10-01', 'repairs'), // long overdue
        appeal('2026-12-01', null), // its measure unknown: counted for every area only
      ],
    });
    expect(digestFigures(seeded, SLOT, null).appeals).to.deep.equal({ dueThisWeek: 3, overdue: 2 });
    expect(digestFigures(seeded, SLOT, 'housing').appeals).to.deep.equal({ dueThisWeek: 2, overdue: 1 });
    expect(digestFigures(seeded, SLOT, 'repairs').appeals).to.deep.equal({ dueThisWeek: 0, overdue: 1 });
  });

  it('reviews: active ones due in the next 14 days; overdue ones passed in the last 30 days with no review, recorded as lapsed or not', () => {
    const at = (ms: number) => new Date(SLOT.getTime() + ms).toISOString();
    const day = 86_400_000;
    const seeded = rows({
      measures: [
        measure({ status: 'active', reviewDue: at(0) }), // due now: due soon (and no longer in force)
        measure({ status: 'active', reviewDue: at(14 * day - 1) }), // due soon
        measure({ status: 'active', reviewDue: at(14 * day) }), // not yet
        measure({ status: 'pending-sign-off', interim: true, reviewDue: at(3 * day) }), // awaiting sign-off: not reviewed
        measure({ status: 'active', reviewDue: at(-1) }), // passed, lapse not recorded yet: overdue
        measure({ status: 'lapsed', reviewDue: at(-29 * day) }), // overdue
        measure({ status: 'lapsed', reviewDue: at(-31 * day) }), // past the window `reviews` shows
        measure({ status: 'active', reviewDue: at(-40 * day) }), // likewise
      ],
    });
    expect(digestFigures(seeded, SLOT, null).reviews).to.deep.equal({ dueSoon: 2, overdue: 2 });
  });

  it('measures in force by kind: interim ones awaiting sign-off and active ones before their review date', () => {
    const seeded = rows({
      measures: [
        measure({ status: 'pending-sign-off', interim: true, kind: 'pairs-visit' }),
        measure({ status: 'pending-sign-off', interim: false, kind: 'contact-restriction' }), // proposed, not in force
        measure({ status: 'active', kind: 'contact-restriction' }),
        measure({ status: 'active', kind: 'warning', serviceArea: 'repairs' }),
        measure({ status: 'active', kind: 'warning', reviewDue: '2026-11-29T09:00:00.000Z' }), // past its review
        measure({ status: 'lapsed', kind: 'referral', reviewDue: '2026-11-20T09:00:00.000Z' }),
      ],
    });
    expect(digestFigures(seeded, SLOT, null).inForce).to.deep.equal({
      warning: 1,
      'pairs-visit': 1,
      'contact-restriction': 1,
      referral: 0,
      recharge: 0,
    });
    expect(digestFigures(seeded, SLOT, 'housing').inForce).to.deep.equal({
      warning: 0,
      'pairs-visit': 1,
      'contact-restriction': 1,
      referral: 0,
      recharge: 0,
    });
  });

  it('notices not delivered: queued in the reporting week, for every area alike (they name none); an incomplete read is said', () => {
    const seeded = rows({
      failedNotices: [
        { createdAt: london('2026-11-23', '00:00') },
        { createdAt: london('2026-11-29', '23:59') },
        { createdAt: london('2026-11-22', '23:59') },
        { createdAt: london('2026-11-30', '07:00') },
      ],
      incomplete: true,
    });
    expect(digestFigures(seeded, SLOT, null)).to.include({ undelivered: 2, incomplete: true });
    expect(digestFigures(seeded, SLOT, 'repairs')).to.include({ undelivered: 2, area: 'repairs' });
    expect(digestFigures(NONE, SLOT, null).incomplete).to.equal(false);
  });

  it('letters not recorded as sent within 10 working days: every area, or the area of each letter', () => {
    const seeded = rows({ overdueLetters: [{ serviceArea: 'repairs' }, { serviceArea: 'housing-management' }, { serviceArea: 'repairs' }] });
    expect(digestFigures(seeded, SLOT, null).lettersNotSent).to.equal(3);
    expect(digestFigures(seeded, SLOT, 'repairs').lettersNotSent).to.equal(2);
    expect(digestFigures(NONE, SLOT, 'repairs').lettersNotSent).to.equal(0);
  });
});

describe('the weekly digest: where it is queued', () => {
  const CHANNEL = 'team:19:team-housing@thread.tacv2:channel:19:housing/general?#\\@thread.tacv2';

  it('one id per reporting week and channel, made only of id characters, whatever the channel id holds', () => {
    const id = digestEntryId('2026-W48', CHANNEL);
    expect(id).to.match(/^digest:2026-W48:[0-9a-f]{32}$/);
    expect(id).to.match(RECORD_ID_PATTERN);
    expect(digestEntryId('2026-W48', CHANNEL)).to.equal(id);
    expect(digestEntryId('2026-W49', CHANNEL)).to.not.equal(id);
    expect(digestEntryId('2026-W48', `${CHANNEL}x`)).to.not.equal(id);
  });

  it('in a partition of the week that can never be a customer’s', () => {
    expect(digestPartition('2026-W48')).to.equal('digest:2026-W48');
    expect(isCustomerRef(digestPartition('2026-W48'))).to.equal(false);
  });
});
