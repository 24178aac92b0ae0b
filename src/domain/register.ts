import { z } from 'zod';
import { inForceSince } from './appeal';
import { isInForce, MEASURE_KIND_IDS, type Measure, type MeasureKind } from './measure';
import { ukDate } from './time';

/**
 * The register of measures in force (docs/rules.md#R-register-export): one row per measure, as a person alert the
 * housing management system can load. Only what staff act on: no incident, reasons, vulnerabilities or grounds.
 */

/** A measure as the register reads it: the fields it exports, and what its start date is derived from. */
export type RegisterRecord = Pick<
  Measure,
  'id' | 'customerKey' | 'kind' | 'status' | 'interim' | 'instructions' | 'reviewDue' | 'notifyCustomer' | 'proposedAt'
> & {
  /** The first incident it rests on (an interim §5.1 marker is in force from its report). */
  firstIncident: string;
  /** When a Head of Service decided on it (§5.2); absent when nobody has. */
  decidedAt?: string;
};

const CITED = z.object({ standard: z.literal('UK Housing Data Standards'), citation: z.string().trim().min(1) });

/** One kind's person alert code. Codes are letters, digits, `.` and `-`, starting with a letter or digit (never a formula). */
const ALERT_CODE = z.object({
  kind: z.enum(MEASURE_KIND_IDS as [MeasureKind, ...MeasureKind[]]),
  code: z.string().regex(/^[A-Z0-9][A-Z0-9.-]{0,19}$/, 'a code is 1–20 capital letters, digits, "." or "-", starting with a letter or digit'),
  label: z.string().trim().min(1).max(120),
  source: z.union([z.literal('landlord'), CITED]),
});
export type AlertCode = z.infer<typeof ALERT_CODE>;

const MAPPING = z.object({ notes: z.array(z.string()), codes: z.array(ALERT_CODE) }).superRefine(({ codes }, issues) => {
  for (const kind of MEASURE_KIND_IDS) {
    const count = codes.filter((c) => c.kind === kind).length;
    if (count !== 1) issues.addIssue({ code: 'custom', path: ['codes'], message: `kind "${kind}" has ${count} codes: each kind needs exactly one` });
  }
  const seen = new Set<string>();
  for (const { code } of codes) {
    if (seen.has(code)) issues.addIssue({ code: 'custom', path: ['codes'], message: `code "${code}" is given to more than one kind` });
    seen.add(code);
  }
});

/** Checks the mapping (docs/person-alert-codes.json) as read: each kind exactly one code, codes unique. Throws naming every problem. */
export function alertCodesFrom(json: unknown): ReadonlyMap<MeasureKind, AlertCode> {
  const parsed = MAPPING.safeParse(json);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'mapping'}: ${i.message}`).join('; '));
  return new Map(parsed.data.codes.map((c) => [c.kind, c]));
}

export const REGISTER_HEADER = [
  'Customer reference',
  'Alert code',
  'Alert description',
  'Instructions',
  'Start date',
  'Review date',
  'Customer told',
];

export const TOLD = 'Yes';
export const NOT_TOLD = 'No — not told (no-notification exception, §5.2)';

/**
 * A spreadsheet runs a cell starting with one of these as a formula (`=HYPERLINK(…)`), so text cells that do get a
 * leading `'`: the OWASP advice on CSV injection. The quote is visible in the cell: better than a formula that runs.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralised(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * The register's rows at `now`: the measures in force (docs/rules.md#R-marker-in-force; an active one past its review
 * date has lapsed, §8), by customer reference, then kind, then start date. Text cells are neutralised; dates and
 * "Customer told" are the bot's own words.
 */
export function registerRows(records: readonly RegisterRecord[], codes: ReadonlyMap<MeasureKind, AlertCode>, now: Date): string[][] {
  return records
    .filter((r) => isInForce(r, now))
    .map((r) => ({ r, start: startDate(r) }))
    .sort(
      (a, b) =>
        a.r.customerKey.localeCompare(b.r.customerKey) ||
        MEASURE_KIND_IDS.indexOf(a.r.kind) - MEASURE_KIND_IDS.indexOf(b.r.kind) ||
        a.start.localeCompare(b.start) ||
        a.r.id.localeCompare(b.r.id),
    )
    .map(({ r, start }) => {
      const code = codes.get(r.kind);
      if (!code) throw new Error(`no person alert code for kind "${r.kind}"`);
      return [
        neutralised(r.customerKey),
        neutralised(code.code),
        neutralised(code.label),
        neutralised(r.instructions),
        start,
        ukDate(new Date(r.reviewDue)),
        r.notifyCustomer ? TOLD : NOT_TOLD,
      ];
    });
}

/** The UK day it came into force, as an appeal reckons it (src/domain/appeal.ts `inForceSince`). */
function startDate(r: RegisterRecord): string {
  return inForceSince({ ...r, incidentRefs: [r.firstIncident], signOff: r.decidedAt ? { decision: { at: r.decidedAt } } : null });
}
