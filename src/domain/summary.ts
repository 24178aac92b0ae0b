import { needsSection51Response } from './incident';
import { MEASURE_KINDS, isInForce, type Measure, type MeasureKind, type MeasureStatus } from './measure';
import { formatUk } from './time';
import type { CategoryId } from './policy';
import type { Incident } from './records';
import type { Appeal } from './appeal';
import { lettersAfter, type LetterRecord, type LetterSummary } from './letter-record';

/**
 * What `check` and the head of `case` show about one customer, kept as one small record beside their history and
 * changed in the same write as every incident and measure (docs/architecture.md#customer-summary). It is a projection:
 * `summarise` over the records in the order they were written gives it exactly, so a repeated or retried write, which
 * the store refuses, can never count twice.
 */
export interface CustomerSummary {
  type: 'customer';
  customerKey: string;
  /** The name on the newest incident (the housing system's customer reference is the key; names are as reported). */
  customerName: string | null;
  incidentCount: number;
  /** Measures ever proposed or put in place for this customer, ended ones included. */
  measureCount: number;
  /** The newest incidents, newest first: what `case` lists before "N more". */
  recent: IncidentHeader[];
  /** Every measure that is open: awaiting sign-off or active (one per kind, docs/rules.md#R-one-marker-per-kind). */
  markers: MarkerSummary[];
  /** A warning the customer was given has been in force (§5.2: formal measures normally follow one). */
  warned: boolean;
  /** Open appeals (§7): `case` and `pending` show those past their due date. */
  appeals: OpenAppeal[];
  /** The newest measure of each kind that lapsed with no review (§8): `check` warns of a visits-in-pairs one for 30 days. */
  lapses: { id: string; kind: MeasureKind; on: string }[];
  /** Letters to the customer: every one not yet recorded as sent, and the newest sent ones (docs/rules.md#R-letter-stored). */
  letters: LetterSummary[];
}

/** An appeal awaiting its decision, as lists show it. */
export interface OpenAppeal {
  id: string;
  measureId: string;
  dueOn: string;
  approverId: string | null;
  deputyId: string | null;
}

/** An incident as lists show it: no narrative (need-to-know). */
export interface IncidentHeader {
  reference: string;
  reportedAt: string;
  occurredAt: string;
  category: CategoryId;
  serviceArea: string;
  section51: boolean;
}

/** An open measure as `check` shows it: its kind and instructions, never the reasons behind it. */
export interface MarkerSummary {
  id: string;
  kind: MeasureKind;
  status: Extract<MeasureStatus, 'pending-sign-off' | 'active'>;
  interim: boolean;
  instructions: string;
  reviewDue: string;
  proposedAt: string;
  incidentCount: number;
  notifyCustomer: boolean;
}

/** A warning that reached these statuses was given to the customer (rejected or never-decided ones were not). */
const WARNED: readonly MeasureStatus[] = ['active', 'lapsed', 'lifted'];

/** How many incident headers a summary keeps. */
export const RECENT_INCIDENTS = 5;

export function emptySummary(customerKey: string): CustomerSummary {
  return {
    type: 'customer',
    customerKey,
    customerName: null,
    incidentCount: 0,
    measureCount: 0,
    recent: [],
    markers: [],
    warned: false,
    appeals: [],
    lapses: [],
    letters: [],
  };
}

/** Open: awaiting a decision or active (an active marker past its review date has lapsed but is still open until reviewed, §8). */
function isOpen(m: Pick<Measure, 'status'>): boolean {
  return m.status === 'pending-sign-off' || m.status === 'active';
}

/** The open measure of this kind, if any: there is at most one (docs/rules.md#R-one-marker-per-kind). */
export function openMarker(summary: CustomerSummary, kind: MeasureKind): MarkerSummary | undefined {
  return summary.markers.find((m) => m.kind === kind);
}

/** The open measure of this kind if it is active but past its review date: it has lapsed, unreviewed (§8). */
export function lapsedMarker(summary: CustomerSummary, kind: MeasureKind, now: Date): MarkerSummary | undefined {
  const open = openMarker(summary, kind);
  return open?.status === 'active' && !isInForce(open, now) ? open : undefined;
}

/**
 * One measure of each kind at a time (docs/rules.md#R-one-marker-per-kind): a kind that is already open is not proposed
 * again, since two sets of instructions of one kind would contradict each other; an open one changes at its review
 * (§8). Returns why, or null.
 */
export function alreadyOpen(summary: CustomerSummary, kind: MeasureKind, now: Date): string | null {
  const open = openMarker(summary, kind);
  if (!open || lapsedMarker(summary, kind, now)) return null;
  const state = open.status === 'active' ? `in force, review due ${formatUk(open.reviewDue, false)}` : 'awaiting Head of Service sign-off';
  return `${MEASURE_KINDS[kind].label} is already ${state} for this customer (proposed ${formatUk(open.proposedAt, false)}). One measure of each kind at a time: it changes at its review (§8).`;
}

/** What is written with a decision about a customer, in the summary's terms: incidents and measures created, measures changed. */
export interface Written {
  incidents?: readonly Incident[];
  created?: readonly Measure[];
  changed?: readonly Measure[];
  /** Appeals recorded or changed. */
  appeals?: readonly Appeal[];
  /** Letters stored or recorded as sent. */
  letters?: readonly LetterRecord[];
}

/** The summary after a write. Pure: the same summary and write give the same result. */
export function summarise(summary: CustomerSummary, written: Written): CustomerSummary {
  const incidents = written.incidents ?? [];
  const measures = [...(written.created ?? []), ...(written.changed ?? [])];
  const recent = [...incidents.map(headerOf), ...summary.recent]
    .sort((a, b) => b.reportedAt.localeCompare(a.reportedAt) || b.reference.localeCompare(a.reference))
    .slice(0, RECENT_INCIDENTS);
  const newest = [...incidents].sort((a, b) => b.reportedAt.localeCompare(a.reportedAt))[0];
  const touched = new Set(measures.map((m) => m.id));
  const markers = [...summary.markers.filter((m) => !touched.has(m.id)), ...measures.filter(isOpen).map(markerOf)].sort((a, b) =>
    a.proposedAt.localeCompare(b.proposedAt),
  );
  return {
    ...summary,
    customerName: newest && (!summary.recent[0] || newest.reportedAt >= summary.recent[0].reportedAt) ? newest.customerName : summary.customerName,
    incidentCount: summary.incidentCount + incidents.length,
    measureCount: summary.measureCount + (written.created?.length ?? 0),
    recent,
    markers,
    warned: summary.warned || measures.some((m) => m.kind === 'warning' && m.notifyCustomer && WARNED.includes(m.status)),
    appeals: upsert(summary.appeals, written.appeals ?? [], (a) => a.status === 'open', openAppealOf).sort((a, b) => a.dueOn.localeCompare(b.dueOn)),
    lapses: lapsesAfter(summary.lapses, measures),
    letters: lettersAfter(summary.letters, written.letters ?? []),
  };
}

/** The markers `check` shows as in force now (an active marker past its review date has lapsed, §8). */
export function markersInForce(summary: CustomerSummary, now: Date): MarkerSummary[] {
  return summary.markers.filter((m) => isInForce(m, now));
}

/** An incident's header (the fields lists show). */
export function headerOf(i: Pick<Incident, 'reference' | 'reportedAt' | 'occurredAt' | 'category' | 'serviceArea' | 'safetyFlags'>): IncidentHeader {
  return {
    reference: i.reference,
    reportedAt: i.reportedAt,
    occurredAt: i.occurredAt,
    category: i.category,
    serviceArea: i.serviceArea,
    section51: needsSection51Response(i),
  };
}

function markerOf(m: Measure): MarkerSummary {
  return {
    id: m.id,
    kind: m.kind,
    status: m.status as MarkerSummary['status'],
    interim: m.interim,
    instructions: m.instructions,
    reviewDue: m.reviewDue,
    proposedAt: m.proposedAt,
    incidentCount: m.incidentRefs.length,
    notifyCustomer: m.notifyCustomer,
  };
}

/** A list keyed by id after some of its records were written: those still `keep` as `view`, the rest dropped. */
function upsert<R extends { id: string }, V extends { id: string }>(
  list: readonly V[],
  written: readonly R[],
  keep: (r: R) => boolean,
  view: (r: R) => V,
): V[] {
  const ids = new Set(written.map((r) => r.id));
  return [...list.filter((v) => !ids.has(v.id)), ...written.filter(keep).map(view)];
}

function openAppealOf(a: Appeal): OpenAppeal {
  return { id: a.id, measureId: a.measureId, dueOn: a.dueOn, approverId: a.approverId, deputyId: a.deputyId };
}

/**
 * The newest unreviewed lapse of each kind: a lapse recorded now replaces the kind's earlier one, and a lapse reviewed
 * since (lifted or continued, §8) is dropped.
 */
function lapsesAfter(lapses: CustomerSummary['lapses'], measures: readonly Measure[]): CustomerSummary['lapses'] {
  const now = measures.filter((m) => m.status === 'lapsed').map((m) => ({ id: m.id, kind: m.kind, on: m.reviewDue }));
  const kinds = new Set(now.map((l) => l.kind));
  const written = new Set(measures.map((m) => m.id));
  return [...lapses.filter((l) => !kinds.has(l.kind) && !written.has(l.id)), ...now];
}
