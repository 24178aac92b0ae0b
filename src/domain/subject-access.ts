import { addMonths } from './dates';
import type { CaseRecord } from './retention';
import { addDays, isWorkingDay } from './working-days';

/**
 * A subject access request (UK GDPR Article 15; docs/rules.md#R-export-everything): everything held about one customer,
 * as a draft for the data protection team to review before anything is sent.
 */

/**
 * When the answer is due (docs/rules.md#R-export-due): one calendar month from the day it was received, the
 * corresponding date of the next month (its last day when there is none: 31 January → 28 or 29 February), moved to the
 * next working day when that is a weekend or an England and Wales bank holiday (the ICO's reading of Article 12(3)).
 */
export function subjectAccessDueOn(receivedOn: string): string {
  let due = addMonths(new Date(`${receivedOn}T00:00:00Z`), 1)
    .toISOString()
    .slice(0, 10);
  while (!isWorkingDay(due)) due = addDays(due, 1);
  return due;
}

export const DRAFT_NOTICE =
  'DRAFT FOR REVIEW: NOT TO BE SENT AS IT IS. This is everything the Unacceptable Behaviour bot holds about the customer named below, for a subject access request (UK GDPR Article 15). Before anything is sent, the data protection team must review it and redact third-party data: staff names and ids, other people named in narratives, and anything whose disclosure would put someone at risk. It was never sent to the customer.';

/** The file's sections, in the order a reviewer reads them: every record of the customer's, each kind in its own list. */
export interface SubjectAccessFile {
  notice: string;
  customerReference: string;
  receivedOn: string;
  dueBy: string;
  preparedBy: string;
  preparedAt: string;
  counts: Record<string, number>;
  incidents: CaseRecord[];
  /** Markers and restrictions (§5), with their sign-off decisions and six-monthly reviews (§8) inside each. */
  measures: CaseRecord[];
  appeals: CaseRecord[];
  letters: CaseRecord[];
  /** Who did what and when, who viewed the case included, oldest first. */
  auditTrail: CaseRecord[];
  /** Notices the bot sent (or tried to) about the customer, with what they said. */
  notices: CaseRecord[];
  /** Records of a kind not listed above: included so nothing held is left out. */
  other: CaseRecord[];
}

/** What is not the customer's data but the bot's own bookkeeping about it: the summary repeats the records; a move marker is transient. */
const DERIVED = new Set(['customer', 'retention-move']);

const SECTIONS = {
  incident: 'incidents',
  measure: 'measures',
  appeal: 'appeals',
  letter: 'letters',
  audit: 'auditTrail',
  outbox: 'notices',
} as const;

/** The draft file's content for one customer's records (already only theirs), received `receivedOn` by `preparedBy`. */
export function subjectAccessFile(
  customerReference: string,
  records: readonly CaseRecord[],
  receivedOn: string,
  preparedBy: string,
  preparedAt: Date,
): SubjectAccessFile {
  const sections: Pick<SubjectAccessFile, 'incidents' | 'measures' | 'appeals' | 'letters' | 'auditTrail' | 'notices' | 'other'> = {
    incidents: [],
    measures: [],
    appeals: [],
    letters: [],
    auditTrail: [],
    notices: [],
    other: [],
  };
  for (const r of records) {
    if (DERIVED.has(r.type)) continue;
    sections[(SECTIONS as Record<string, keyof typeof sections>)[r.type] ?? 'other'].push(r);
  }
  // When a record was made, whatever its kind calls it.
  const when = (r: CaseRecord) => [r.reportedAt, r.proposedAt, r.recordedAt, r.at, r.createdAt].find((d): d is string => typeof d === 'string') ?? '';
  for (const list of Object.values(sections)) list.sort((a, b) => when(a).localeCompare(when(b)) || a.id.localeCompare(b.id));
  return {
    notice: DRAFT_NOTICE,
    customerReference,
    receivedOn,
    dueBy: subjectAccessDueOn(receivedOn),
    preparedBy,
    preparedAt: preparedAt.toISOString(),
    counts: Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, v.length])),
    ...sections,
  };
}
