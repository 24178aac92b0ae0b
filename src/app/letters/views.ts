import { LETTER_NAMES, SEND_WITHIN_WORKING_DAYS, isOverdue, letterStatus, type LetterSummary } from '../../domain/letter-record';
import type { CustomerSummary } from '../../domain/summary';
import { brief } from '../../domain/text';
import { formatUk, ukDate } from '../../domain/time';
import type { CaseCard, LettersCard, ReviewsCard } from '../../cards/types';
import { renderCard, type AdaptiveCard } from '../../cards/render';
import type { Incident } from '../../domain/records';
import type { UnsentLetter } from '../ports';

/** How many the letters card lists with their actions (the summary keeps every draft; the rest wait until these are sent). */
export const LETTERS_SHOWN = 6;
/** How much of a name a letter's note shows. */
const NAME_SHOWN = 60;

const colorOf = (l: LetterSummary, now: Date) => (isOverdue(l, now) ? 'Attention' : l.sent ? 'Good' : 'Default');
const titleOf = (l: LetterSummary) => `${LETTER_NAMES[l.kind]}, drafted ${formatUk(l.createdAt, false)}`;
const notShown = (n: number) =>
  n > 0 ? `${n} more ${n === 1 ? 'letter is' : 'letters are'} not shown: record the ones above as sent to see them.` : '';

/**
 * The customer's letters on the case card, in one line (its worst case is near Teams' 20 KB already), for case
 * managers only (they write to the customer, §3): how many wait to be recorded as sent, how many of them are overdue.
 */
export function caseLetters(summary: CustomerSummary, caseManager: boolean, now: Date): Pick<CaseCard, 'letters' | 'lettersColor'> {
  if (!caseManager || summary.letters.length === 0) return { letters: '', lettersColor: 'Default' };
  const drafts = summary.letters.filter((l) => !l.sent);
  const overdue = drafts.filter((l) => isOverdue(l, now)).length;
  const waiting = drafts.length === 0 ? 'every one recorded as sent' : `${drafts.length} not recorded as sent yet`;
  return {
    letters: `Letters to the customer: ${waiting}${overdue > 0 ? `, ${overdue} OVERDUE (over ${SEND_WITHIN_WORKING_DAYS} working days)` : ''}.`,
    lettersColor: overdue > 0 ? 'Attention' : 'Default',
  };
}

/**
 * The letters card (docs/rules.md#R-letter-fetch, #R-letter-sent): each letter with its status, who gets a copy, whether
 * another format may be needed (§6), a button to get the .docx and, until sent, a step to record it as sent.
 */
export function lettersCard(incident: Pick<Incident, 'reference' | 'customerRef'>, summary: CustomerSummary, now: Date, notice = ''): AdaptiveCard {
  return renderCard('letters', {
    reference: incident.reference,
    title: `Letters to customer ${incident.customerRef}`,
    notice,
    letters: summary.letters.slice(0, LETTERS_SHOWN).map((l, slot) => letterLine(l, slot, now)),
    lettersMore: notShown(summary.letters.length - LETTERS_SHOWN),
    today: ukDate(now),
  });
}

function letterLine(l: LetterSummary, slot: number, now: Date): LettersCard['letters'][number] {
  const copy = l.copyTo?.name ? brief(l.copyTo.name, NAME_SHOWN) : 'the advocate the customer needs (find out who)';
  const notes = [
    l.copyTo ? `Copy to ${copy} (${l.copyTo.as}).` : '',
    // §6: a reasonable adjustment is recorded, so the customer may need it in another format.
    l.adviseOtherFormat ? `Another format may be needed (§6): ${l.adjustments.join('; ')}.` : '',
  ].filter(Boolean);
  return {
    letterId: l.id,
    title: titleOf(l),
    status: letterStatus(l, now),
    color: colorOf(l, now),
    notes: notes.join(' '),
    canRecord: !l.sent,
    libraryUrl: l.libraryCopy?.url ?? '',
    libraryNote: l.libraryCopy
      ? `Saved in the document library on ${formatUk(l.libraryCopy.at)} by ${brief(l.libraryCopy.by.name, NAME_SHOWN)}.`
      : '',
    earliest: ukDate(new Date(l.createdAt)),
    slot,
  };
}

/** How many overdue letters `reviews` lists, and reads at most (to say how many more). */
export const OVERDUE_LISTED = 5;
export const OVERDUE_COUNTED = 100;

/**
 * Letters not recorded as sent within 10 working days, for `reviews` (docs/rules.md#R-letter-overdue): the oldest
 * first, each opening its case; `read` holds up to OVERDUE_COUNTED (meeting it says "at least").
 */
export function overdueLetters(read: readonly UnsentLetter[]): Pick<ReviewsCard, 'letters' | 'lettersOverdue'> {
  const n = read.length;
  const count = `${n >= OVERDUE_COUNTED ? 'At least ' : ''}${n} ${n === 1 ? 'letter' : 'letters'}`;
  return {
    letters: read.slice(0, OVERDUE_LISTED).map((l) => ({
      reference: l.incidentRef,
      text: `${LETTER_NAMES[l.kind]} · customer ${l.customerKey} · drafted ${formatUk(l.createdAt, false)}, due to be sent by ${formatUk(l.sendBy, false)}`,
    })),
    lettersOverdue:
      n === 0
        ? ''
        : `${count} not recorded as sent within ${SEND_WITHIN_WORKING_DAYS} working days${n > OVERDUE_LISTED ? ` (the oldest ${OVERDUE_LISTED} below)` : ''}: send each and record it from its case.`,
  };
}
