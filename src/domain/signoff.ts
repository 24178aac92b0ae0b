import { reviewDateFrom } from './dates';
import type { Measure } from './measure';
import type { Person } from './records';
import { involvedInSignOff } from './independence';
import { fail, ok, type Result } from './result';

export interface DecisionInput {
  outcome: 'approve' | 'reject';
  reason: string;
  vulnerabilitiesConsidered: string;
}

export type DecisionRefusal = {
  code: 'AlreadyDecided' | 'NotApprover' | 'ReasonRequired' | 'VulnerabilitiesRequired' | 'NoSignOff';
  message: string;
};

export const MAX_DECISION_TEXT = 2000;

/**
 * Whether this person may decide: one of the two asked (§5.2), and still independent: they proposed nothing, reported
 * no incident and decided nothing on it (docs/rules.md#R-signoff-independent), checked again at every click.
 */
export function mayDecide(measure: Measure, personId: string): boolean {
  const s = measure.signOff;
  return !!s && (s.approverId === personId || s.deputyId === personId) && !involvedInSignOff(measure).has(personId);
}

/**
 * What a round of sign-off is named by (its cards, decision and notices): the measure, or for a renewal the review
 * that continued it (§8), so each round is asked and decided once.
 */
export function signOffKey(m: Pick<Measure, 'id' | 'signOff'>): string {
  return m.signOff?.renewal?.id ?? m.id;
}

/**
 * A Head of Service decision on a measure awaiting sign-off. Approving needs vulnerabilities and reasonable adjustments
 * considered and recorded (§6); rejecting needs a reason (docs/rules.md#R-signoff-reject-reason). Approved: the marker is active with a review date
 * six months ahead (§8). Rejected: an interim marker is lifted.
 */
export function decide(measure: Measure, by: Person, input: DecisionInput, now: Date): Result<Measure, DecisionRefusal> {
  const s = measure.signOff;
  if (!s) return fail({ code: 'NoSignOff', message: 'This measure does not need sign-off.' });
  if (s.decision) return fail({ code: 'AlreadyDecided', message: `Already ${s.decision.outcome} by ${s.decision.by.name} at ${s.decision.at}.` });
  if (!mayDecide(measure, by.id))
    return fail({
      code: 'NotApprover',
      message:
        'Only the Head of Service asked to decide this can, and never someone who proposed it, reported an incident for it or decided it before.',
    });
  const reason = input.reason.trim();
  const considered = input.vulnerabilitiesConsidered.trim() || measure.vulnerabilitiesConsidered || '';
  if (input.outcome === 'reject' && reason.length < 5)
    return fail({ code: 'ReasonRequired', message: 'Give the reason for rejecting (at least a few words).' });
  if (input.outcome === 'approve' && considered.length < 10)
    return fail({
      code: 'VulnerabilitiesRequired',
      message: 'Record how vulnerabilities and reasonable adjustments were considered (§6) before approving.',
    });
  const at = now.toISOString();
  const decision = { outcome: input.outcome === 'approve' ? ('approved' as const) : ('rejected' as const), by, at, reason: reason || null };
  return ok({
    ...measure,
    status: input.outcome === 'approve' ? 'active' : measure.interim ? 'lifted' : 'rejected',
    interim: false,
    vulnerabilitiesConsidered: considered || null,
    // A renewal keeps the date its reviewer chose (§8); an interim marker runs six months from the decision.
    reviewDue:
      input.outcome !== 'approve'
        ? measure.reviewDue
        : (s.renewal?.reviewDue ?? (measure.interim ? reviewDateFrom(now).toISOString() : measure.reviewDue)),
    signOff: { ...s, decision },
    deciders: [...measure.deciders, by.id],
  });
}
