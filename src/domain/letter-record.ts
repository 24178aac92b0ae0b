import { addMonths } from './dates';
import type { LetterDraft, LetterKind } from './letters';
import type { Person } from './records';
import { fail, ok, type Result } from './result';
import { formatUk, ukDate } from './time';
import { addWorkingDays } from './working-days';

/** How a letter went to the customer, as the case manager records it. */
export const SENT_HOW = { post: 'by post', email: 'by email', hand: 'by hand', other: 'another way' } as const;
export type SentHow = keyof typeof SENT_HOW;

/** A letter is recorded as sent within this many working days of its decision, or it is overdue (docs/rules.md#R-letter-overdue). */
export const SEND_WITHIN_WORKING_DAYS = 10;
/** The outer limit: a letter still not recorded as sent a month after its decision is raised with the Head of Service. */
export const OUTER_LIMIT_MONTHS = 1;

export interface LetterSent {
  /** The UK day it went (YYYY-MM-DD). */
  on: string;
  how: SentHow;
  by: Person;
  /** When it was recorded. */
  at: string;
}

/**
 * A letter draft stored with the decision that made it, in the customer's partition (docs/rules.md#R-letter-stored).
 * `status` and `sendBy` sit beside `sent` so the overdue ones are one indexed query across customers.
 */
export interface LetterRecord {
  type: 'letter';
  /** The draft's id (`<measure, review or appeal id>:letter`): a repeated decision finds it, never stores a second. */
  id: string;
  customerKey: string;
  kind: LetterKind;
  draft: LetterDraft;
  createdAt: string;
  decidedBy: Person;
  /** The service area of the measure it is about: whose Head of Service is told at the outer limit. */
  serviceArea: string;
  /** An incident the measure rests on, to open the case at. */
  incidentRef: string;
  /** The last UK day it may be recorded as sent before it is overdue. */
  sendBy: string;
  status: 'draft' | 'sent';
  sent: LetterSent | null;
  /** The copy last saved in the document library, linked from the letters card (absent: none saved, or stored before links were kept). */
  libraryCopy?: LibraryCopy;
}

/** SharePoint addresses of a library's files are a few hundred characters at most. */
export const LIBRARY_URL_MAX = 400;

/** A letter saved in the document library: where, when and by whom. */
export interface LibraryCopy {
  url: string;
  at: string;
  by: Person;
}

/**
 * Keeps the link to the copy just saved in the document library: an https address (what Graph gives) of at most
 * LIBRARY_URL_MAX characters, so the letters card keeps within Teams' size; a longer one is only said in the answer.
 */
export function savedInLibrary(l: LetterRecord, url: string, by: Person, now: Date): LetterRecord | null {
  if (!/^https:\/\/[^\s]+$/.test(url) || url.length > LIBRARY_URL_MAX) return null;
  return { ...l, libraryCopy: { url, at: now.toISOString(), by } };
}

/** The letter record for a draft a decision made at `now`. */
export function letterRecord(draft: LetterDraft, at: { decidedBy: Person; serviceArea: string; incidentRef: string; now: Date }): LetterRecord {
  return {
    type: 'letter',
    id: draft.id,
    customerKey: draft.customerKey,
    kind: draft.kind,
    draft,
    createdAt: at.now.toISOString(),
    decidedBy: at.decidedBy,
    serviceArea: at.serviceArea,
    incidentRef: at.incidentRef,
    sendBy: addWorkingDays(ukDate(at.now), SEND_WITHIN_WORKING_DAYS),
    status: 'draft',
    sent: null,
  };
}

/** The UK day after which a letter not recorded as sent is raised with the Head of Service. */
export function outerLimit(l: Pick<LetterRecord, 'createdAt'>): string {
  return ukDate(addMonths(new Date(l.createdAt), OUTER_LIMIT_MONTHS));
}

/** Not recorded as sent, and its last day has passed. */
export function isOverdue(l: Pick<LetterRecord, 'status' | 'sendBy'>, now: Date): boolean {
  return l.status === 'draft' && ukDate(now) > l.sendBy;
}

/** What `case` says of a letter: a draft, sent (when, how, by whom), or overdue. */
export function letterStatus(l: Pick<LetterRecord, 'status' | 'sendBy' | 'sent'>, now: Date): string {
  if (l.sent) return `Sent ${SENT_HOW[l.sent.how]} on ${formatUk(l.sent.on, false)} (recorded by ${l.sent.by.name})`;
  if (isOverdue(l, now))
    return `OVERDUE: not recorded as sent within ${SEND_WITHIN_WORKING_DAYS} working days (by ${formatUk(l.sendBy, false)}). Send it, then record it.`;
  return `Draft: send it and record it by ${formatUk(l.sendBy, false)}`;
}

export type SentRefusal = { code: 'AlreadySent' | 'Invalid'; message: string };

/** Records that a letter went (docs/rules.md#R-letter-sent): once, on a day from its decision to today. */
export function recordSent(l: LetterRecord, input: { on: string; how: string }, by: Person, now: Date): Result<LetterRecord, SentRefusal> {
  if (l.sent) {
    const s = l.sent;
    return fail({
      code: 'AlreadySent',
      message: `This letter was already recorded as sent ${SENT_HOW[s.how]} on ${formatUk(s.on, false)} by ${s.by.name}: nothing was changed.`,
    });
  }
  if (!Object.hasOwn(SENT_HOW, input.how)) return fail({ code: 'Invalid', message: 'Choose how the letter was sent.' });
  const today = ukDate(now);
  const drafted = ukDate(new Date(l.createdAt));
  if (!isDay(input.on)) return fail({ code: 'Invalid', message: 'Give the day the letter was sent as a date (YYYY-MM-DD).' });
  if (input.on > today) return fail({ code: 'Invalid', message: `The letter cannot have been sent after today (${formatUk(today, false)}).` });
  if (input.on < drafted)
    return fail({ code: 'Invalid', message: `The letter cannot have been sent before it was drafted on ${formatUk(drafted, false)}.` });
  const sent: LetterSent = { on: input.on, how: input.how as SentHow, by, at: now.toISOString() };
  return ok({ ...l, status: 'sent', sent });
}

/** A real calendar day written YYYY-MM-DD (not 2026-02-30). */
function isDay(s: string): boolean {
  const noon = new Date(`${s}T12:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(noon.getTime()) && noon.toISOString().slice(0, 10) === s;
}

/** Each letter as staff see it named. */
export const LETTER_NAMES: Record<LetterKind, string> = {
  warning: 'Warning letter',
  'visits-in-pairs': 'Visits in pairs letter',
  'contact-restriction': 'Contact restriction letter',
  recharge: 'Recharge letter',
  'appeal-upheld': 'Appeal outcome letter (upheld)',
  'appeal-overturned': 'Appeal outcome letter (overturned)',
  'appeal-varied': 'Appeal outcome letter (varied)',
  'review-continued': 'Review outcome letter (continued)',
  'review-escalated': 'Review outcome letter (escalated)',
  'review-lifted': 'Review outcome letter (lifted)',
};

/** A letter as `case` lists it (kept in the customer's summary): never its values. */
export type LetterSummary = Pick<LetterRecord, 'id' | 'kind' | 'createdAt' | 'sendBy' | 'status' | 'sent' | 'libraryCopy'> &
  Pick<LetterDraft, 'adviseOtherFormat' | 'adjustments'> & { copyTo: LetterDraft['addressee']['copyTo'] };

/** How many letters recorded as sent the summary keeps (every one not yet sent is kept: each is work to do). */
export const SENT_LETTERS_KEPT = 3;

/** The summary's letters after some were stored or recorded as sent: every draft, and the newest sent ones, newest first. */
export function lettersAfter(kept: readonly LetterSummary[], written: readonly LetterRecord[]): LetterSummary[] {
  const ids = new Set(written.map((l) => l.id));
  const all = [...kept.filter((l) => !ids.has(l.id)), ...written.map(letterSummaryOf)].sort(
    (a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id),
  );
  const sent = all.filter((l) => l.status === 'sent').slice(0, SENT_LETTERS_KEPT);
  return all.filter((l) => l.status === 'draft' || sent.includes(l));
}

function letterSummaryOf(l: LetterRecord): LetterSummary {
  const { id, kind, createdAt, sendBy, status, sent, draft, libraryCopy } = l;
  return {
    id,
    kind,
    createdAt,
    sendBy,
    status,
    sent,
    ...(libraryCopy ? { libraryCopy } : {}),
    adviseOtherFormat: draft.adviseOtherFormat,
    adjustments: draft.adjustments,
    copyTo: draft.addressee.copyTo,
  };
}
