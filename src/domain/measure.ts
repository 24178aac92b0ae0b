import { addMonths, reviewDateFrom, REVIEW_INTERVAL_MONTHS } from './dates';
import { needsSection51Response } from './incident';
import type { Incident, Person } from './records';
import type { Review } from './review';
import { ukDate, ukLocalToUtc } from './time';

/** The measures (docs/rules.md#R-marker-kinds) and the policy sections behind them (§4.1, §5.1–§5.3, §8). */
export const MEASURE_KINDS = {
  warning: { label: 'Warning that behaviour is unacceptable', section: '5.2, 5.3', signOff: false, formal: false },
  'pairs-visit': { label: 'Visits and meetings in pairs', section: '5.1, 5.2', signOff: true, formal: true },
  'contact-restriction': { label: 'Contact restrictions', section: '5.3', signOff: false, formal: true },
  referral: { label: 'Referral to Community Safety / police / legal action', section: '4.1, 8', signOff: false, formal: false },
  recharge: { label: 'Recharge for deliberate damage', section: '4.1', signOff: false, formal: false },
} as const;
export type MeasureKind = keyof typeof MEASURE_KINDS;
export const MEASURE_KIND_IDS = Object.keys(MEASURE_KINDS) as MeasureKind[];

/** Ways a customer can reach us (§5.3 "a single form i.e. writing, email or telephone"). */
export const CONTACT_CHANNELS = [
  { id: 'writing', label: 'Letter' },
  { id: 'email', label: 'Email' },
  { id: 'telephone', label: 'Telephone' },
  { id: 'in-person', label: 'In person' },
] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number]['id'];

/** Reasonable adjustments (§6) and the contact channels each one makes unusable for the customer. */
export const ADJUSTMENTS = [
  { id: 'difficulty-writing', label: 'Difficulty reading or writing (e.g. literacy, sight loss, dyslexia)', blocks: ['writing', 'email'] },
  { id: 'difficulty-phone', label: 'Difficulty using the telephone (e.g. hearing or speech impairment)', blocks: ['telephone'] },
  { id: 'difficulty-in-person', label: 'Cannot attend in person (e.g. mobility, anxiety)', blocks: ['in-person'] },
  { id: 'needs-advocate', label: 'Needs an advocate or third party to communicate', blocks: [] },
] as const satisfies readonly { id: string; label: string; blocks: readonly ContactChannel[] }[];
export type AdjustmentId = (typeof ADJUSTMENTS)[number]['id'];

/** §5.3 contact restrictions. `channels` are the ways that REMAIN open. */
export interface ContactRestriction {
  channels: ContactChannel[];
  singlePointOfContact: string | null;
  limitedTimes: string | null;
  maxContacts: { count: number; per: 'week' | 'month' } | null;
  declineWithoutNewEvidence: boolean;
  maxIssues: { count: number; per: 'month' | 'quarter' } | null;
  thirdParty: string | null;
}

export type MeasureStatus = 'pending-sign-off' | 'active' | 'rejected' | 'lifted' | 'lapsed';
export type SignOffReason = 'pairs-visit' | 'no-notification';

/** A Head of Service decision a measure waits for (§5.2): who may decide, and the cards sent to them. */
export interface SignOff {
  reasons: SignOffReason[];
  serviceArea: string;
  /**
   * Who may decide: the first two people on the area's [Head of Service, deputy, alternates…] who took no part
   * (docs/rules.md#R-signoff-independent). Null when nobody independent is configured: the case managers are told.
   */
  approverId: string | null;
  deputyId: string | null;
  requestedAt: string;
  decision: { outcome: 'approved' | 'rejected'; by: Person; at: string; reason: string | null } | null;
  /**
   * A continuation at review (§8) asked afresh (docs/rules.md#R-review-renewal-signoff): the review it came from (which
   * names this round of sign-off), who continued it and the review date they chose, which approval keeps. Absent for
   * the first sign-off.
   */
  renewal?: { id: string; by: Person; reviewDue: string };
}

/** A measure or warning marker on a customer. Every one rests on at least one incident and has a review date (docs/rules.md#R-marker-rests-on-incident, §8 docs/rules.md#R-marker-review-six-months). */
export interface Measure {
  type: 'measure';
  id: string;
  customerKey: string;
  kind: MeasureKind;
  status: MeasureStatus;
  /** Staff safety first (§5.1): in force from the report, until the Head of Service confirms or lifts it. */
  interim: boolean;
  instructions: string;
  reasons: string;
  incidentRefs: string[];
  serviceArea: string;
  proposedBy: Person;
  proposedAt: string;
  reviewDue: string;
  restriction: ContactRestriction | null;
  adjustments: AdjustmentId[];
  vulnerabilitiesConsidered: string | null;
  notifyCustomer: boolean;
  noNotificationJustification: string | null;
  priorWarningSkipReason: string | null;
  signOff: SignOff | null;
  /** Told of the decision: the reporters of the incidents behind it and the proposer. */
  notifyOnDecision: Person[];
  /** Who reported the incidents it rests on, and who has decided on it (sign-off, appeal, review): never its deciders again. */
  reporters: string[];
  deciders: string[];
  policyVersion: string;
  /** Its six-monthly reviews (§8), oldest first; absent until the first. */
  reviews?: Review[];
  /** Lifted by an appeal's outcome (§7): overturned, or varied and replaced by the measure `replacedBy`. */
  liftedOnAppeal?: { appealId: string; replacedBy: string | null };
}

export const PAIRS_VISIT_INSTRUCTIONS = 'Visit and meet this customer in pairs only. Do not visit alone.';
export const ALWAYS_OPEN =
  'Emergencies, urgent repairs and health and safety issues can always be reported, whatever the restrictions (§6: at least one way to access our services always remains).';

/** §5.1: an incident with violence, threats, a weapon or intoxication puts visits in pairs at once, pending sign-off. */
export function interimPairsVisit(incident: Incident, approver: { approverId: string | null; deputyId: string | null }): Measure | null {
  if (!needsSection51Response(incident)) return null;
  return {
    type: 'measure',
    id: `${incident.reference}:pairs-visit`,
    customerKey: incident.customerKey,
    kind: 'pairs-visit',
    status: 'pending-sign-off',
    interim: true,
    instructions: PAIRS_VISIT_INSTRUCTIONS,
    reasons: `Reported incident ${incident.reference} (§5.1)`,
    incidentRefs: [incident.reference],
    serviceArea: incident.serviceArea,
    proposedBy: incident.reporter,
    proposedAt: incident.reportedAt,
    reviewDue: reviewDateFrom(new Date(incident.reportedAt)).toISOString(),
    restriction: null,
    adjustments: [],
    vulnerabilitiesConsidered: null,
    notifyCustomer: true,
    noNotificationJustification: null,
    priorWarningSkipReason: null,
    signOff: { reasons: ['pairs-visit'], serviceArea: incident.serviceArea, ...approver, requestedAt: incident.reportedAt, decision: null },
    notifyOnDecision: [incident.reporter],
    reporters: [incident.reporter.id],
    deciders: [],
    // The interim marker is made under the policy the incident was reported under.
    policyVersion: incident.policyVersion,
  };
}

/** §5.2: visits in pairs, and not telling the customer, need a Head of Service's sign-off. */
export function signOffReasons(kind: MeasureKind, notifyCustomer: boolean): SignOffReason[] {
  const reasons: SignOffReason[] = [];
  if (MEASURE_KINDS[kind].signOff) reasons.push('pairs-visit');
  if (!notifyCustomer) reasons.push('no-notification');
  return reasons;
}

/**
 * §5.1 again: a further incident with violence, threats, a weapon or intoxication, for a customer whose visits-in-pairs
 * measure is open, is added to it rather than opening another (docs/rules.md#R-one-marker-per-kind). Awaiting sign-off,
 * it is in force from now (interim) and the Head of Service decides on every incident at once; in force, its review
 * date stands (§8: the case managers are told the behaviour persisted). Its reporter is told of the decision.
 */
export function withFurtherIncident(marker: Measure, incident: Incident): Measure {
  if (marker.incidentRefs.includes(incident.reference)) return marker;
  const told = marker.notifyOnDecision.some((p) => p.id === incident.reporter.id);
  return {
    ...marker,
    interim: marker.status === 'pending-sign-off' || marker.interim,
    incidentRefs: [...marker.incidentRefs, incident.reference],
    reporters: marker.reporters.includes(incident.reporter.id) ? marker.reporters : [...marker.reporters, incident.reporter.id],
    notifyOnDecision: told ? marker.notifyOnDecision : [...marker.notifyOnDecision, incident.reporter],
  };
}

/** What `check` shows staff: in force now (active and not past review) or interim pending sign-off. Lapsed markers stop showing (§8). */
export function isInForce(measure: Pick<Measure, 'status' | 'interim' | 'reviewDue'>, now: Date): boolean {
  if (measure.status === 'pending-sign-off') return measure.interim;
  return measure.status === 'active' && new Date(measure.reviewDue).getTime() > now.getTime();
}

/** The latest review date allowed: six months from now (§8). */
export function latestReviewDate(now: Date): Date {
  return addMonths(now, REVIEW_INTERVAL_MONTHS);
}

/** A review date chosen as a UK day (YYYY-MM-DD): due at 09:00 UK time that day. */
export function reviewDueOn(day: string): Date {
  return ukLocalToUtc(day, '09:00');
}

/**
 * Why a review date (a UK day, YYYY-MM-DD) cannot be chosen now, or null: it must be a real day after today and no
 * more than six months ahead (§8, docs/rules.md#R-marker-review-six-months), for a proposal and a continuation alike.
 */
export function reviewDateProblem(day: string, now: Date): string | null {
  const due = /^\d{4}-\d{2}-\d{2}$/.test(day) ? reviewDueOn(day) : null;
  if (!due || Number.isNaN(due.getTime()) || ukDate(due) !== day) return 'Enter a real date';
  if (day <= ukDate(now)) return 'The review date must be in the future';
  if (day > ukDate(latestReviewDate(now))) return 'Markers are reviewed at least every six months (§8): choose a date within six months';
  return null;
}
