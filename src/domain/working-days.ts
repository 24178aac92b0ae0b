import Holidays from 'date-holidays';
import { UK_TIME_ZONE, ukDate, ukLocalToUtc, ukTime } from './time';

/**
 * Working days in England and Wales: Monday to Friday, bank holidays out. Days are UK calendar days as YYYY-MM-DD
 * strings (what staff see on a calendar in England), never instants, so no clock or time zone enters the arithmetic.
 * Working time (hours of working days) is the one place instants enter, read in UK time (src/domain/time.ts).
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

/** The UK calendar day `n` days after `day` (before it when `n` is negative): calendar arithmetic only. */
export function addDays(day: string, n: number): string {
  return formatDay(parseDay(day) + n * MS_PER_DAY);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseDay(to) - parseDay(from)) / MS_PER_DAY);
}

/** The Monday of the week (Monday to Sunday) a UK calendar day falls in. */
export function mondayOf(day: string): string {
  const t = parseDay(day);
  return formatDay(t - ((new Date(t).getUTCDay() + 6) % 7) * MS_PER_DAY);
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
  return stepWorkingDays(day, n, 1);
}

/** The n-th working day BEFORE the given UK calendar day (the day itself never counts); n is at least 1. */
export function subtractWorkingDays(day: string, n: number): string {
  return stepWorkingDays(day, n, -1);
}

function stepWorkingDays(day: string, n: number, direction: 1 | -1): string {
  let t = parseDay(day);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Expected a whole number of working days of at least 1, got ${n}`);
  for (let left = n; left > 0;) {
    t += direction * MS_PER_DAY;
    if (isWorkingDayAt(t)) left--;
  }
  return formatDay(t);
}

/**
 * Working time: Monday to Friday, 09:00 to 17:00 UK time, bank holidays (England and Wales) out. Both ends are in, to
 * the minute, so a job that runs on the hour works at 09:00 and, for the last time that day, at 17:00.
 */
export const WORKING_HOURS = { from: '09:00', to: '17:00' } as const;

export function isWorkingTime(at: Date): boolean {
  const time = ukTime(at);
  return time >= WORKING_HOURS.from && time <= WORKING_HOURS.to && isWorkingDay(ukDate(at));
}

/** The instant itself when in working time; otherwise when working time next starts (09:00 on a working day). */
export function nextWorkingTime(at: Date): Date {
  if (isWorkingTime(at)) return at;
  const day = ukDate(at);
  return ukLocalToUtc(isWorkingDay(day) && ukTime(at) < WORKING_HOURS.from ? day : addWorkingDays(day, 1), WORKING_HOURS.from);
}

/**
 * The same UK time of day, n working days after the instant's UK day: Thursday 16:30 + 1 is Friday 16:30, Friday 16:30
 * + 1 is Monday 16:30 (Tuesday when that Monday is a bank holiday). Seconds are kept; n is at least 1.
 */
export function addWorkingDaysAt(at: Date, n: number): Date {
  // UK offsets are whole hours: the seconds within the minute are the same in UTC.
  return new Date(ukLocalToUtc(addWorkingDays(ukDate(at), n), ukTime(at)).getTime() + (at.getTime() % 60_000));
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

/** "Thursday 26 November 2026 at 16:30", in UK time: when something happened, for notices. */
export function weekdayDateTime(at: Date | string): string {
  const instant = new Date(at);
  return `${weekdayDate(ukDate(instant))} at ${ukTime(instant)}`;
}
