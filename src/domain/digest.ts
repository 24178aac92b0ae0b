import { createHash } from 'node:crypto';
import { isOverdue } from './appeal';
import { isInForce, MEASURE_KIND_IDS, type MeasureKind, type MeasureStatus } from './measure';
import { CATEGORY_IDS, type CategoryId } from './policy';
import type { Person } from './records';
import { hasLapsed, reviewWindow } from './review';
import { ukDate, ukLocalToUtc } from './time';
import { addDays, daysBetween, mondayOf } from './working-days';

/**
 * The weekly digest a team channel subscribes to (docs/rules.md#R-digest-figures): counts only, computed here from
 * plain rows and the time it is for, so every figure is testable without storage. Nothing in a row identifies a
 * customer: no name, no customer reference, no narrative, no incident reference.
 */

/** A channel's subscription (docs/rules.md#R-digest-subscription): every service area (`area` null) or one. */
export interface DigestSubscription {
  /** The channel, as conversations are keyed (`team:<team id>:channel:<channel id>`). */
  channelKey: string;
  /** Its team: the team's removal ends the subscriptions of all its channels. */
  teamId: string;
  area: string | null;
  by: Person;
  at: string;
}

/** An incident, as the digest counts it. */
export interface IncidentRow {
  category: CategoryId;
  serviceArea: string;
  reportedAt: string;
}

/** A measure, as the digest counts it: awaiting sign-off, active, or lapsed. */
export interface MeasureRow {
  /** Measure ids are unique across customers (they derive from an incident's reference): appeals name theirs. */
  id: string;
  kind: MeasureKind;
  status: MeasureStatus;
  interim: boolean;
  serviceArea: string;
  reviewDue: string;
  /** When it began to wait for sign-off: its request (this round's, for a continuation at review), else when proposed. */
  waitingSince: string;
}

/** An open appeal (§7), with the service area of the measure appealed against (an appeal has none of its own). */
export interface AppealRow {
  dueOn: string;
  /** Null when the measure could not be read: counted for every area only. */
  serviceArea: string | null;
}

/** An outbox entry that could not be delivered, by when it was queued. */
export interface FailedNoticeRow {
  createdAt: string;
}

/** A letter not recorded as sent within 10 working days (docs/rules.md#R-letter-overdue), by the area of its measure. */
export interface OverdueLetterRow {
  serviceArea: string;
}

/** Everything one run of the digest counts, read once for all subscriptions. */
export interface DigestRows {
  incidents: readonly IncidentRow[];
  measures: readonly MeasureRow[];
  appeals: readonly AppealRow[];
  failedNotices: readonly FailedNoticeRow[];
  /** Letters not recorded as sent by their last day, as at the slot. */
  overdueLetters: readonly OverdueLetterRow[];
  /** A list had more records than one digest reads (the store's limit): its figures are at least those counted. */
  incomplete: boolean;
}

/** A week, Monday 00:00 to the next Monday 00:00 in London: `from` inclusive, `to` exclusive, as ISO instants. */
export interface Week {
  monday: string;
  sunday: string;
  from: string;
  to: string;
}

/** The weeks of a digest made at `slot` (docs/rules.md#R-digest-weeks). */
export interface DigestWeeks {
  /** The last complete Monday–Sunday in London before the slot: what the digest reports. */
  reporting: Week;
  /** The week before it, beside it for comparison. */
  previous: Week;
  /** The slot's own UK day, and the Sunday that ends its week: appeals due "this week" are due from today to then. */
  today: string;
  sunday: string;
  /** The reporting week's ISO 8601 week, e.g. 2026-W48: names the digest, so each channel gets one per week. */
  isoWeek: string;
}

function weekFrom(monday: string): Week {
  const next = addDays(monday, 7);
  return { monday, sunday: addDays(monday, 6), from: ukLocalToUtc(monday, '00:00').toISOString(), to: ukLocalToUtc(next, '00:00').toISOString() };
}

/** ISO 8601: a week belongs to the year of its Thursday, and week 1 holds the year's first Thursday. */
function isoWeekOf(monday: string): string {
  const thursday = addDays(monday, 3);
  const year = thursday.slice(0, 4);
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

export function digestWeeks(slot: Date): DigestWeeks {
  const today = ukDate(slot);
  const thisMonday = mondayOf(today);
  const reporting = weekFrom(addDays(thisMonday, -7));
  return { reporting, previous: weekFrom(addDays(thisMonday, -14)), today, sunday: addDays(thisMonday, 6), isoWeek: isoWeekOf(reporting.monday) };
}

/** How far ahead reviews are counted as due soon. */
export const REVIEWS_DUE_WITHIN_DAYS = 14;
/** Sign-offs waiting at least this many days are counted apart: a week, and two. */
export const SIGN_OFF_WAITING_DAYS = [7, 14] as const;

/** A count in the reporting week and in the week before. */
export interface WeekPair {
  reporting: number;
  previous: number;
}

export interface DigestFigures {
  weeks: DigestWeeks;
  /** The service area counted (its id), or null for all of them. */
  area: string | null;
  incidents: {
    total: WeekPair;
    byCategory: Record<CategoryId, WeekPair>;
    /** By service area id: every area with an incident in either week (all areas only; empty for one area). */
    byArea: Record<string, WeekPair>;
  };
  /** Decisions awaiting a Head of Service (§5.2): how many, how many have waited a week and two weeks, and the longest wait. */
  signOff: { waiting: number; overAWeek: number; overTwoWeeks: number; oldestDays: number | null };
  /** Open appeals (§7): due from today to Sunday, and past their due day. */
  appeals: { dueThisWeek: number; overdue: number };
  /** Reviews (§8): due in the next 14 days, and passed in the last 30 days with no review (as `reviews` lists them). */
  reviews: { dueSoon: number; overdue: number };
  /** Measures in force at the slot (docs/rules.md#R-marker-in-force), by kind. */
  inForce: Record<MeasureKind, number>;
  /** Notices queued in the reporting week that could not be delivered. They name no area: always every area's. */
  undelivered: number;
  /** Letters not recorded as sent within 10 working days of their decision (docs/rules.md#R-letter-overdue). */
  lettersNotSent: number;
  incomplete: boolean;
}

const inWeek = (at: string, week: Week) => at >= week.from && at < week.to;
const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function countWeeks(weeks: DigestWeeks, rows: readonly IncidentRow[]): WeekPair {
  return {
    reporting: rows.filter((r) => inWeek(r.reportedAt, weeks.reporting)).length,
    previous: rows.filter((r) => inWeek(r.reportedAt, weeks.previous)).length,
  };
}

/** Every figure of one channel's digest: `area` null counts every service area. */
export function digestFigures(rows: DigestRows, slot: Date, area: string | null): DigestFigures {
  const weeks = digestWeeks(slot);
  const mine = <T extends { serviceArea: string | null }>(list: readonly T[]) => (area === null ? list : list.filter((r) => r.serviceArea === area));
  const incidents = mine(rows.incidents).filter((r) => inWeek(r.reportedAt, weeks.reporting) || inWeek(r.reportedAt, weeks.previous));
  const pairsBy = (keys: readonly string[], key: (r: IncidentRow) => string): Record<string, WeekPair> => {
    const of = (k: string) =>
      countWeeks(
        weeks,
        incidents.filter((r) => key(r) === k),
      );
    return Object.fromEntries(keys.map((k) => [k, of(k)]));
  };

  const measures = mine(rows.measures);
  const waits = measures.filter((m) => m.status === 'pending-sign-off').map((m) => daysBetween(ukDate(new Date(m.waitingSince)), weeks.today));
  const soon = new Date(slot.getTime() + REVIEWS_DUE_WITHIN_DAYS * 86_400_000).toISOString();
  const now = slot.toISOString();
  const appeals = mine(rows.appeals);
  const inForce = zeros(MEASURE_KIND_IDS);
  for (const m of measures) if (isInForce(m, slot)) inForce[m.kind]++;

  return {
    weeks,
    area,
    incidents: {
      total: countWeeks(weeks, incidents),
      byCategory: pairsBy(CATEGORY_IDS, (r) => r.category),
      byArea: area === null ? pairsBy([...new Set(incidents.map((r) => r.serviceArea))], (r) => r.serviceArea) : {},
    },
    signOff: {
      waiting: waits.length,
      overAWeek: waits.filter((d) => d >= SIGN_OFF_WAITING_DAYS[0]).length,
      overTwoWeeks: waits.filter((d) => d >= SIGN_OFF_WAITING_DAYS[1]).length,
      oldestDays: waits.length ? Math.max(...waits) : null,
    },
    appeals: {
      dueThisWeek: appeals.filter((a) => a.dueOn >= weeks.today && a.dueOn <= weeks.sunday).length,
      overdue: appeals.filter((a) => isOverdue(a, slot)).length,
    },
    reviews: {
      dueSoon: measures.filter((m) => m.status === 'active' && m.reviewDue >= now && m.reviewDue < soon).length,
      overdue: measures.filter((m) => hasLapsed(m, slot) && m.reviewDue >= reviewWindow(slot).from && m.reviewDue < now).length,
    },
    inForce,
    undelivered: rows.failedNotices.filter((n) => inWeek(n.createdAt, weeks.reporting)).length,
    lettersNotSent: mine(rows.overdueLetters).length,
    incomplete: rows.incomplete,
  };
}

/** A channel key as an id part: ids may not hold `/ \ ? #`, and channel ids are Teams' to choose. */
export function channelHash(channelKey: string): string {
  return createHash('sha256').update(channelKey).digest('hex').slice(0, 32);
}

/**
 * Where a week's digests are queued: a partition of their own, which can never be a customer's (customer keys are
 * upper-case housing references, src/domain/customer.ts).
 */
export const digestPartition = (isoWeek: string) => `digest:${isoWeek}`;

/** One digest per channel per reporting week: a second run, or a run after a crash, finds it queued already. */
export const digestEntryId = (isoWeek: string, channelKey: string) => `${digestPartition(isoWeek)}:${channelHash(channelKey)}`;
