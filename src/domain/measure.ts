import { reviewDateFrom } from './dates';
import { needsSection51Response } from './incident';
import { POLICY_VERSION } from './policy';
import type { Incident, Person } from './records';

/** The measures of SPEC §4 and the policy sections behind them. */
export const MEASURE_KINDS = {
  warning: { label: 'Warning that behaviour is unacceptable', section: '5.2, 5.3', needsSignOff: false },
  'pairs-visit': { label: 'Visits and meetings in pairs', section: '5.1, 5.2', needsSignOff: true },
  'contact-restriction': { label: 'Contact restrictions', section: '5.3', needsSignOff: false },
  referral: { label: 'Referral to Community Safety / police / legal action', section: '4.1, 8', needsSignOff: false },
  recharge: { label: 'Recharge for deliberate damage', section: '4.1', needsSignOff: false },
} as const;
export type MeasureKind = keyof typeof MEASURE_KINDS;

export type MeasureStatus = 'pending-sign-off' | 'active' | 'rejected' | 'lifted' | 'lapsed';

/** A measure or warning marker on a customer. Every one rests on at least one incident and has a review date (SPEC §4). */
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
  policyVersion: string;
}

export const PAIRS_VISIT_INSTRUCTIONS = 'Visit and meet this customer in pairs only. Do not visit alone.';

/** §5.1: an incident with violence, threats, a weapon or intoxication puts visits in pairs at once, pending sign-off. */
export function interimPairsVisit(incident: Incident): Measure | null {
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
    policyVersion: POLICY_VERSION,
  };
}

/** What `check` shows staff: in force now (active and not past review) or interim pending sign-off. */
export function isInForce(measure: Measure, now: Date): boolean {
  if (measure.status === 'pending-sign-off') return measure.interim;
  return measure.status === 'active' && new Date(measure.reviewDue).getTime() > now.getTime();
}
