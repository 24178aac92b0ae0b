import Holidays from 'date-holidays';
import { UK_TIME_ZONE } from './time';

/**
 * Working days in England and Wales: Monday to Friday, bank holidays out. Days are UK calendar days as YYYY-MM-DD
 * strings (what staff see on a calendar in England), never instants, so no clock or time zone enters the arithmetic.
 *
 * Bank holidays come from date-holidays' 'GB'/'ENG' region (England; Wales has the same bank holidays), which has
 * Easter, the August (summer) bank holiday, substitute days and one-off holidays such as the 2023 coronation. Beware:
 * an unknown region code (e.g. 'EW') silently falls back to the UK-wide list, which has no August bank holiday.
 */
const englandAndWales = new Holidays('GB', 'ENG', { types: ['public', 'bank'] });

/** Bank holidays (YYYY-MM-DD) per year, computed once per year: asking date-holidays costs far more than a Set lookup. */
const holidaysByYear = new Map<number, ReadonlySet<string>>();

function bankHolidaysIn(year: number): ReadonlySet<string> {
  let days = holidaysByYear.get(year);
  if (!days) {
    days = new Set(
      englandAndWales
        .getHolidays(year)
        .filter((h) => h.type === 'public' || h.type === 'bank')
        .map((h) => h.date.slice(0, 10)), // "YYYY-MM-DD hh:mm:ss": the calendar day, whatever the process time zone
    );
    holidaysByYear.set(year, days);
  }
  return days;
}

const DAY_FORMAT = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** A UK calendar day as a UTC-midnight timestamp (calendar arithmetic only); throws on anything but a real YYYY-MM-DD. */
function parseDay(day: string): number {
  const m = typeof day === 'string' ? DAY_FORMAT.exec(day) : null;
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = Date.UTC(y, mo - 1, d);
    const back = new Date(t);
    // Round trip rejects 2026-02-30, month 13 and years below 100 (which Date.UTC maps to 19xx).
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) return t;
  }
  throw new RangeError(`Expected a UK calendar day as YYYY-MM-DD (e.g. 2025-12-19), got ${JSON.stringify(day)}`);
}

function formatDay(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

function isWorkingDayAt(t: number): boolean {
  const d = new Date(t);
  const weekday = d.getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !bankHolidaysIn(d.getUTCFullYear()).has(formatDay(t));
}

/** Whether a UK calendar day (YYYY-MM-DD) is a working day in England and Wales: Monday–Friday and not a bank holiday. */
export function isWorkingDay(day: string): boolean {
  return isWorkingDayAt(parseDay(day));
}

/**
 * The n-th working day (England and Wales) AFTER the given UK calendar day. The day itself never counts, whether or not
 * it is a working day: addWorkingDays('2025-12-19', 1) is Monday 22 December, and so is addWorkingDays('2025-12-20', 1).
 * n must be a whole number of at least 1.
 */
export function addWorkingDays(day: string, n: number): string {
  let t = parseDay(day);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Expected a whole number of working days of at least 1, got ${n}`);
  for (let left = n; left > 0;) {
    t += MS_PER_DAY;
    if (isWorkingDayAt(t)) left--;
  }
  return formatDay(t);
}

/** §7 (Appeals): "the appeal will be reviewed by a relevant Head of Service within 10 working days". */
export const APPEAL_REVIEW_WORKING_DAYS = 10;

/**
 * §7 of the policy: "the appeal will be reviewed by a relevant Head of Service within 10 working days". The due date is
 * the 10th working day (England and Wales) after the UK calendar day the appeal was received; the day of receipt does
 * not count. E.g. received Friday 19 December 2025 → due Wednesday 7 January 2026 (25, 26 December and 1 January out).
 */
export function appealDueOn(received: string): string {
  return addWorkingDays(received, APPEAL_REVIEW_WORKING_DAYS);
}

const weekdayDateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME_ZONE,
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/**
 * "Wednesday 7 January 2026" for cards and letters. Built from the formatter's parts because ICU versions differ on
 * the comma after the weekday. Formats noon UTC of the day, which is the same calendar day in London in GMT and BST.
 */
export function weekdayDate(day: string): string {
  const parts: Record<string, string> = {};
  for (const p of weekdayDateFormat.formatToParts(parseDay(day) + MS_PER_DAY / 2)) parts[p.type] = p.value;
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
}
