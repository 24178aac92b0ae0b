import { createHash } from 'node:crypto';
import { ALWAYS_OPEN, latestReviewDate, signOffReasons, type Measure } from './measure';
import { defaultInstructions, type CheckedMeasure, type ProposalValues } from './proposal';
import type { Person } from './records';
import { ukDate } from './time';

/**
 * New terms set on appeal (§7, docs/rules.md#R-appeal-variation): the form they start from, the measure they make
 * and its id. They are checked as a proposal is (`checkProposal`).
 */

/**
 * The variation form's starting values: the measure's terms as they stand, as its proposal form would have sent them
 * (`checkProposal` in reverse), so the decider changes only what the appeal is about. Left blank: the reasons, which
 * the decider writes (they are the decision's, told to the customer, §7), and standard wording, written again from
 * the new terms. The review date is kept if it is within six months of now (§8).
 */
export function termsOf(m: Measure, now: Date): ProposalValues {
  const r = m.restriction;
  const standard = m.instructions === defaultInstructions(m.kind, r);
  const own = r && m.instructions.endsWith(` ${ALWAYS_OPEN}`) ? m.instructions.slice(0, -ALWAYS_OPEN.length - 1) : m.instructions;
  const review = ukDate(new Date(m.reviewDue));
  const latest = ukDate(latestReviewDate(now));
  return {
    kind: m.kind,
    reasons: '',
    instructions: standard ? '' : own,
    reviewDate: review > ukDate(now) && review <= latest ? review : latest,
    vulnerabilitiesConsidered: m.vulnerabilitiesConsidered ?? '',
    adjustments: m.adjustments.join(','),
    notifyCustomer: m.notifyCustomer ? 'yes' : 'no',
    noNotificationJustification: m.noNotificationJustification ?? '',
    priorWarningSkipReason: m.priorWarningSkipReason ?? '',
    channels: r?.channels.join(',') ?? '',
    singlePointOfContact: r?.singlePointOfContact ?? '',
    limitedTimes: r?.limitedTimes ?? '',
    maxContactsCount: r?.maxContacts ? String(r.maxContacts.count) : '',
    maxContactsPer: r?.maxContacts?.per ?? '',
    declineWithoutNewEvidence: r?.declineWithoutNewEvidence ? 'true' : 'false',
    maxIssuesCount: r?.maxIssues ? String(r.maxIssues.count) : '',
    maxIssuesPer: r?.maxIssues?.per ?? '',
    thirdParty: r?.thirdParty ?? '',
  };
}

/** The measure a variation puts in place: named like a proposal (newest incident, kind, hash), so ids stay short however often it is varied. */
export function variationId(appealId: string, m: Measure): string {
  return `${m.incidentRefs.at(-1)}:${m.kind}:${createHash('sha256').update(`${appealId}|varied`).digest('hex').slice(0, 10)}`;
}

/**
 * The measure a variation puts in place: the new terms, of the same kind, resting on the same incidents, with the same
 * history (proposer, reporters, deciders and now this decider), so independence still covers everyone involved. In
 * force at once: any sign-off its terms need (§5.2) is the independent appeal decider's.
 */
export function variedMeasure(old: Measure, checked: CheckedMeasure, id: string, by: Person, at: string): Measure {
  const reasons = signOffReasons(old.kind, checked.notifyCustomer);
  return {
    ...checked,
    id,
    kind: old.kind,
    status: 'active',
    interim: false,
    incidentRefs: old.incidentRefs,
    serviceArea: old.serviceArea,
    proposedBy: old.proposedBy,
    notifyOnDecision: old.notifyOnDecision,
    reporters: old.reporters,
    deciders: [...old.deciders, by.id],
    signOff: reasons.length
      ? {
          reasons,
          serviceArea: old.serviceArea,
          approverId: by.id,
          deputyId: null,
          requestedAt: at,
          decision: { outcome: 'approved', by, at, reason: 'Set on appeal by an independent Head of Service (§7).' },
        }
      : null,
  };
}
