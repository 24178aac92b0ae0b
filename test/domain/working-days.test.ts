import { expect } from 'chai';
import { APPEAL_REVIEW_WORKING_DAYS, addWorkingDays, appealDueOn, isWorkingDay, weekdayDate } from '../../src/domain/working-days';

/**
 * Bank holidays in England and Wales as published on gov.uk, written out by hand (no network, not from date-holidays):
 *   2025: 1 Jan, 18 Apr (Good Fri), 21 Apr (Easter Mon), 5 May, 26 May, 25 Aug, 25 Dec (Thu), 26 Dec (Fri)
 *   2026: 1 Jan, 3 Apr, 6 Apr, 4 May, 25 May, 31 Aug, 25 Dec (Fri), 28 Dec (Mon, substitute: Boxing Day is a Saturday)
 *   2027: 1 Jan (Fri), 26 Mar, 29 Mar, 3 May, 31 May, 30 Aug, 27 Dec + 28 Dec (substitutes: 25/26 Dec are Sat/Sun)
 *   2028: 3 Jan (Mon, substitute: 1 Jan is a Saturday), 14 Apr, 17 Apr, 1 May, 29 May, 28 Aug, 25 Dec (Mon), 26 Dec
 *   2029: 1 Jan (Mon)
 * In the counts below, "(n)" marks the n-th working day after receipt, BH a bank holiday, and weekends are skipped.
 */
const APPEALS: ReadonlyArray<{ received: string; due: string; why: string }> = [
  {
    received: '2025-12-19',
    due: '2026-01-07',
    why: 'Fri 19 Dec 2025 (policy example): Mon 22 (1), Tue 23 (2), Wed 24 (3), Thu 25 BH, Fri 26 BH, Mon 29 (4), Tue 30 (5), Wed 31 (6), Thu 1 Jan BH, Fri 2 (7), Mon 5 (8), Tue 6 (9), Wed 7 (10)',
  },
  {
    received: '2025-12-26',
    due: '2026-01-12',
    why: 'received on Boxing Day (BH, Fri): Mon 29 (1), Tue 30 (2), Wed 31 (3), Thu 1 Jan BH, Fri 2 (4), Mon 5 (5) … Fri 9 (9), Mon 12 (10)',
  },
  {
    received: '2025-04-17',
    due: '2025-05-06',
    why: 'Thu before Good Friday 2025: Fri 18 BH, Mon 21 BH, Tue 22 (1) … Fri 25 (4), Mon 28 (5) … Fri 2 May (9), Mon 5 May BH (early May), Tue 6 May (10)',
  },
  {
    received: '2026-04-03',
    due: '2026-04-20',
    why: 'received on Good Friday 2026 (BH): Mon 6 BH (Easter Mon), Tue 7 (1) … Fri 10 (4), Mon 13 (5) … Fri 17 (9), Mon 20 (10)',
  },
  {
    received: '2027-03-24',
    due: '2027-04-09',
    why: 'Wed before Easter 2027: Thu 25 (1), Fri 26 BH, Mon 29 BH, Tue 30 (2), Wed 31 (3), Thu 1 Apr (4), Fri 2 (5), Mon 5 (6) … Fri 9 (10)',
  },
  {
    received: '2028-04-11',
    due: '2028-04-27',
    why: 'Tue before Easter 2028: Wed 12 (1), Thu 13 (2), Fri 14 BH, Mon 17 BH, Tue 18 (3) … Fri 21 (6), Mon 24 (7), Tue 25 (8), Wed 26 (9), Thu 27 (10)',
  },
  {
    received: '2026-04-30',
    due: '2026-05-15',
    why: 'Thu before early May 2026: Fri 1 May (1), Mon 4 BH, Tue 5 (2) … Fri 8 (5), Mon 11 (6) … Fri 15 (10)',
  },
  {
    received: '2028-04-28',
    due: '2028-05-15',
    why: 'Fri before early May 2028: Mon 1 May BH, Tue 2 (1) … Fri 5 (4), Mon 8 (5) … Fri 12 (9), Mon 15 (10)',
  },
  {
    received: '2026-05-22',
    due: '2026-06-08',
    why: 'Fri before spring BH 2026: Mon 25 BH, Tue 26 (1) … Fri 29 (4), Mon 1 Jun (5) … Fri 5 (9), Mon 8 (10)',
  },
  {
    received: '2027-05-29',
    due: '2027-06-14',
    why: 'received on a Saturday before spring BH 2027: Sun 30, Mon 31 BH, Tue 1 Jun (1) … Fri 4 (4), Mon 7 (5) … Fri 11 (9), Mon 14 (10)',
  },
  {
    received: '2025-08-21',
    due: '2025-09-05',
    why: 'Thu before August BH 2025: Fri 22 (1), Mon 25 BH, Tue 26 (2) … Fri 29 (5), Mon 1 Sep (6) … Fri 5 (10)',
  },
  {
    received: '2026-08-29',
    due: '2026-09-14',
    why: 'received on a Saturday before August BH 2026: Sun 30, Mon 31 BH, Tue 1 Sep (1) … Fri 4 (4), Mon 7 (5) … Fri 11 (9), Mon 14 (10) — a UK-wide list without the August BH would say Fri 11',
  },
  {
    received: '2027-08-20',
    due: '2027-09-06',
    why: 'Fri before August BH 2027: Mon 23 (1) … Fri 27 (5), Mon 30 BH, Tue 31 (6), Wed 1 Sep (7), Thu 2 (8), Fri 3 (9), Mon 6 (10)',
  },
  {
    received: '2028-08-25',
    due: '2028-09-11',
    why: 'Fri before August BH 2028: Mon 28 BH, Tue 29 (1), Wed 30 (2), Thu 31 (3), Fri 1 Sep (4), Mon 4 (5) … Fri 8 (9), Mon 11 (10)',
  },
  {
    received: '2026-12-18',
    due: '2027-01-06',
    why: 'Fri before Christmas 2026: Mon 21 (1) … Thu 24 (4), Fri 25 BH, Sat 26 (Boxing Day), Mon 28 BH (substitute), Tue 29 (5), Wed 30 (6), Thu 31 (7), Fri 1 Jan BH, Mon 4 (8), Tue 5 (9), Wed 6 (10)',
  },
  {
    received: '2027-12-23',
    due: '2028-01-11',
    why: 'Thu before Christmas 2027: Fri 24 (1), Sat 25, Sun 26, Mon 27 BH + Tue 28 BH (substitutes), Wed 29 (2), Thu 30 (3), Fri 31 (4), Sat 1 Jan, Mon 3 BH (substitute), Tue 4 (5) … Fri 7 (8), Mon 10 (9), Tue 11 (10)',
  },
  {
    received: '2027-12-25',
    due: '2028-01-12',
    why: 'received on Christmas Day 2027 (a Saturday): Mon 27 BH, Tue 28 BH, Wed 29 (1), Thu 30 (2), Fri 31 (3), Mon 3 Jan BH, Tue 4 (4) … Fri 7 (7), Mon 10 (8), Tue 11 (9), Wed 12 (10)',
  },
  {
    received: '2027-12-27',
    due: '2028-01-12',
    why: 'received on the substitute Christmas Day (Mon 27 Dec 2027): Tue 28 BH, Wed 29 (1), Thu 30 (2), Fri 31 (3), Mon 3 Jan BH, Tue 4 (4) … Wed 12 (10)',
  },
  {
    received: '2027-12-31',
    due: '2028-01-17',
    why: 'Fri 31 Dec 2027: Sat 1 Jan, Sun 2, Mon 3 BH (substitute New Year), Tue 4 (1) … Fri 7 (4), Mon 10 (5) … Fri 14 (9), Mon 17 (10)',
  },
  {
    received: '2028-12-22',
    due: '2029-01-10',
    why: 'Fri before Christmas 2028: Mon 25 BH, Tue 26 BH, Wed 27 (1), Thu 28 (2), Fri 29 (3), Mon 1 Jan 2029 BH, Tue 2 (4) … Fri 5 (7), Mon 8 (8), Tue 9 (9), Wed 10 (10)',
  },
  {
    received: '2026-01-14',
    due: '2026-01-28',
    why: 'ordinary Wednesday, no holidays: two whole weeks later, Wed 28 Jan',
  },
  {
    received: '2026-01-18',
    due: '2026-01-30',
    why: 'received on a Sunday, no holidays: Mon 19 (1) … Fri 23 (5), Mon 26 (6) … Fri 30 (10)',
  },
];

/** Hand-written 2026 bank holidays for England and Wales (gov.uk). */
const BANK_HOLIDAYS_2026 = ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28'];

const MS_PER_DAY = 86_400_000;
const dayAt = (t: number): string => new Date(t).toISOString().slice(0, 10);
const at = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const daysOf = (year: number): string[] => {
  const out: string[] = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += MS_PER_DAY) out.push(dayAt(t));
  return out;
};

describe('working days in England and Wales (§7: appeals reviewed within 10 working days)', () => {
  describe('appealDueOn: hand-counted table', () => {
    for (const { received, due, why } of APPEALS) {
      it(`${received} → ${due}: ${why}`, () => {
        expect(appealDueOn(received)).to.equal(due);
        expect(addWorkingDays(received, APPEAL_REVIEW_WORKING_DAYS)).to.equal(due);
      });
    }

    it('the policy example reads "Wednesday 7 January 2026"', () => {
      expect(weekdayDate(appealDueOn('2025-12-19'))).to.equal('Wednesday 7 January 2026');
    });
  });

  describe('isWorkingDay', () => {
    it('is false on every 2026 bank holiday, including the August bank holiday and the Boxing Day substitute', () => {
      for (const day of BANK_HOLIDAYS_2026) expect(isWorkingDay(day), day).to.equal(false);
    });

    it('is false on the 2027 Christmas and 2028 New Year substitute days', () => {
      for (const day of ['2027-12-27', '2027-12-28', '2028-01-03']) expect(isWorkingDay(day), day).to.equal(false);
    });

    it('is false at weekends, holiday or not', () => {
      for (const day of ['2026-01-03', '2026-01-04', '2026-12-26', '2027-12-25', '2028-01-01']) expect(isWorkingDay(day), day).to.equal(false);
    });

    it('is true on ordinary weekdays, including those next to bank holidays', () => {
      for (const day of ['2026-01-02', '2026-04-02', '2026-04-07', '2026-08-28', '2026-09-01', '2026-12-24', '2026-12-29', '2028-01-04']) {
        expect(isWorkingDay(day), day).to.equal(true);
      }
    });

    it('counts 253, 253, 253 and 252 working days in 2025–2028 (weekdays less the 8 weekday bank holidays)', () => {
      // 2025 starts on a Wednesday, 2026 on a Thursday, 2027 on a Friday: 52 weeks + 1 weekday = 261 weekdays each.
      // 2028 is a leap year starting on a Saturday: 52 weeks + Sat + Sun = 260 weekdays.
      const counts = [2025, 2026, 2027, 2028].map((y) => daysOf(y).filter(isWorkingDay).length);
      expect(counts).to.deep.equal([253, 253, 253, 252]);
    });
  });

  describe('addWorkingDays', () => {
    it('never counts the given day: the next working day after a Friday, Saturday or Sunday is the Monday', () => {
      expect(addWorkingDays('2026-01-09', 1)).to.equal('2026-01-12');
      expect(addWorkingDays('2026-01-10', 1)).to.equal('2026-01-12');
      expect(addWorkingDays('2026-01-11', 1)).to.equal('2026-01-12');
      expect(addWorkingDays('2026-01-12', 1)).to.equal('2026-01-13');
    });

    it('rejects a count that is not a whole number of at least 1', () => {
      for (const n of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => addWorkingDays('2026-01-12', n), String(n)).to.throw(RangeError, /whole number of working days/);
      }
    });
  });

  describe('every received day of 2025–2028 (property)', () => {
    for (const year of [2025, 2026, 2027, 2028]) {
      it(`${year}: due on a working day, exactly 10 working days later, 12–20 calendar days later`, () => {
        for (const received of daysOf(year)) {
          const due = appealDueOn(received);
          expect(isWorkingDay(due), `${received} → ${due}`).to.equal(true);
          let working = 0;
          for (let t = at(received) + MS_PER_DAY; t <= at(due); t += MS_PER_DAY) if (isWorkingDay(dayAt(t))) working++;
          expect(working, `${received} → ${due}`).to.equal(10);
          const calendarDays = (at(due) - at(received)) / MS_PER_DAY;
          expect(calendarDays, `${received} → ${due}`).to.be.within(12, 20);
        }
      });
    }
  });

  describe('weekdayDate', () => {
    it('formats UK calendar days for cards, in GMT and BST and on the clock-change days', () => {
      expect(weekdayDate('2026-01-07')).to.equal('Wednesday 7 January 2026');
      expect(weekdayDate('2026-07-01')).to.equal('Wednesday 1 July 2026');
      expect(weekdayDate('2026-03-29')).to.equal('Sunday 29 March 2026');
      expect(weekdayDate('2026-10-25')).to.equal('Sunday 25 October 2026');
      expect(weekdayDate('2028-01-03')).to.equal('Monday 3 January 2028');
    });
  });

  describe('malformed input', () => {
    const bad = ['2026-02-30', '2025-02-29', '2026-13-01', '2026-00-10', '19/12/2025', '2026-1-5', '2025-12-19T00:00:00Z', ' 2025-12-19', ''];
    for (const day of bad) {
      it(`throws a clear error for ${JSON.stringify(day)}`, () => {
        const expected = /Expected a UK calendar day as YYYY-MM-DD/;
        expect(() => isWorkingDay(day)).to.throw(RangeError, expected);
        expect(() => addWorkingDays(day, 1)).to.throw(RangeError, expected);
        expect(() => appealDueOn(day)).to.throw(RangeError, expected);
        expect(() => weekdayDate(day)).to.throw(RangeError, expected);
      });
    }

    it('accepts 29 February in a leap year', () => {
      expect(isWorkingDay('2028-02-29')).to.equal(true);
      expect(weekdayDate('2028-02-29')).to.equal('Tuesday 29 February 2028');
    });
  });
});
