import { z } from 'zod';
import { boundedText, choices, firstErrorPerField, multiChoice } from './form-values';
import { fail, ok, type Result } from './result';
import { needsSection51Response } from './incident';
import {
  ADJUSTMENTS,
  ALWAYS_OPEN,
  CONTACT_CHANNELS,
  MEASURE_KINDS,
  MEASURE_KIND_IDS,
  PAIRS_VISIT_INSTRUCTIONS,
  reviewDateProblem,
  reviewDueOn,
  signOffReasons,
  type AdjustmentId,
  type ContactChannel,
  type ContactRestriction,
  type Measure,
  type MeasureKind,
} from './measure';
import type { Incident, Person } from './records';

/** The proposal form's inputs, as Adaptive Card inputs send them (all strings). */
export const PROPOSAL_FIELDS = [
  'kind',
  'reasons',
  'instructions',
  'reviewDate',
  'vulnerabilitiesConsidered',
  'adjustments',
  'notifyCustomer',
  'noNotificationJustification',
  'priorWarningSkipReason',
  'channels',
  'singlePointOfContact',
  'limitedTimes',
  'maxContactsCount',
  'maxContactsPer',
  'declineWithoutNewEvidence',
  'maxIssuesCount',
  'maxIssuesPer',
  'thirdParty',
] as const;
export type ProposalField = (typeof PROPOSAL_FIELDS)[number];
export type ProposalValues = Partial<Record<ProposalField, string>>;
export type ProposalErrors = Partial<Record<ProposalField, string>>;

const count = z
  .string()
  .default('')
  .refine((v) => v === '' || (/^\d{1,3}$/.test(v) && Number(v) >= 1), 'Enter a whole number of at least 1 (0 would leave no way to contact us, §6)');

const schema = z.object({
  kind: z.enum(MEASURE_KIND_IDS as [MeasureKind, ...MeasureKind[]], { error: 'Choose the measure' }),
  reasons: boundedText(1500, 'Reasons').refine((v) => v.length >= 10, 'Give the reasons for this measure (at least 10 characters)'),
  instructions: boundedText(500, 'Instructions to staff'),
  reviewDate: z.string({ error: 'Enter the review date' }).regex(/^\d{4}-\d{2}-\d{2}$/, 'Enter the review date'),
  vulnerabilitiesConsidered: boundedText(1500, 'Vulnerabilities considered').refine(
    (v) => v.length >= 10,
    'Record how the customer’s vulnerabilities and reasonable adjustments were considered (§6)',
  ),
  adjustments: multiChoice(
    ADJUSTMENTS.map((a) => a.id),
    'adjustments',
  ),
  notifyCustomer: z.enum(['yes', 'no'], { error: 'Say whether the customer will be told in writing' }),
  noNotificationJustification: boundedText(2000, 'Justification'),
  priorWarningSkipReason: boundedText(500, 'Reason'),
  channels: multiChoice(
    CONTACT_CHANNELS.map((c) => c.id),
    'contact channels',
  ),
  singlePointOfContact: boundedText(100, 'Single point of contact'),
  limitedTimes: boundedText(200, 'Limited times'),
  maxContactsCount: count,
  maxContactsPer: z.enum(['week', 'month', '']).default(''),
  declineWithoutNewEvidence: z.enum(['true', 'false', '']).default(''),
  maxIssuesCount: count,
  maxIssuesPer: z.enum(['month', 'quarter', '']).default(''),
  thirdParty: boundedText(200, 'Third party'),
});

/** What the server knows when checking a proposal; loaded by id, never taken from the card. */
export interface ProposalFacts {
  incidents: Incident[];
  /** A warning (§5.2, §5.3) was given to this customer before. */
  priorWarning: boolean;
  now: Date;
  /** The policy version decisions are made under now (policyVersion in ./policy). */
  policyVersion: string;
}

/** A measure as checked, before it is given an id, a service area and a proposer (`build`). */
export type CheckedMeasure = Omit<Measure, 'id' | 'signOff' | 'serviceArea' | 'proposedBy' | 'notifyOnDecision' | 'reporters' | 'deciders'>;
export type ProposalResult = Result<CheckedMeasure, ProposalErrors>;

/**
 * Checks a proposed measure against the policy. Refusals, each with its reason:
 * - no recorded incident behind it (docs/rules.md#R-marker-rests-on-incident);
 * - vulnerabilities and reasonable adjustments not considered (§6);
 * - contact restrictions leaving no way to access services, or only ways a reasonable adjustment rules out (§6);
 * - not telling the customer without full justification (§5.2);
 * - formal restrictions with no earlier warning, unless a reason is recorded or §5.1 applies (§5.2, §5.3);
 * - a review date in the past or more than six months away (§8).
 */
export function checkProposal(values: ProposalValues, facts: ProposalFacts): ProposalResult {
  const parsed = schema.safeParse(values);
  const errors: ProposalErrors = firstErrorPerField<ProposalField>(parsed.success ? [] : parsed.error.issues);
  if (facts.incidents.length === 0) errors.reasons ??= 'A measure must rest on at least one recorded, specific incident: report the incident first.';
  // Rules across fields run on the raw values too, so every problem is reported at once.
  for (const [field, message] of Object.entries(crossFieldErrors(values, facts)) as [ProposalField, string][]) errors[field] ??= message;
  if (!parsed.success || Object.keys(errors).length > 0) return fail(errors);
  const v = parsed.data;
  const review = reviewDueOn(v.reviewDate);
  const restriction: ContactRestriction | null =
    v.kind === 'contact-restriction'
      ? {
          channels: v.channels as ContactChannel[],
          singlePointOfContact: v.singlePointOfContact || null,
          limitedTimes: v.limitedTimes || null,
          maxContacts: v.maxContactsCount ? { count: Number(v.maxContactsCount), per: v.maxContactsPer as 'week' | 'month' } : null,
          declineWithoutNewEvidence: v.declineWithoutNewEvidence === 'true',
          maxIssues: v.maxIssuesCount ? { count: Number(v.maxIssuesCount), per: v.maxIssuesPer as 'month' | 'quarter' } : null,
          thirdParty: v.thirdParty || null,
        }
      : null;

  const notify = v.notifyCustomer === 'yes';
  return ok({
    type: 'measure',
    customerKey: facts.incidents[0]!.customerKey,
    kind: v.kind,
    status: signOffReasons(v.kind, notify).length ? 'pending-sign-off' : 'active',
    interim: false,
    // Whatever the wording, staff are always told emergencies can be reported (§6, docs/rules.md#R-marker-always-open).
    instructions: v.instructions ? (restriction ? `${v.instructions} ${ALWAYS_OPEN}` : v.instructions) : defaultInstructions(v.kind, restriction),
    reasons: v.reasons,
    incidentRefs: facts.incidents.map((i) => i.reference),
    proposedAt: facts.now.toISOString(),
    reviewDue: review.toISOString(),
    restriction,
    adjustments: v.adjustments as AdjustmentId[],
    vulnerabilitiesConsidered: v.vulnerabilitiesConsidered,
    notifyCustomer: notify,
    noNotificationJustification: notify ? null : v.noNotificationJustification,
    priorWarningSkipReason: v.priorWarningSkipReason || null,
    notifyOnDecision: [],
    policyVersion: facts.policyVersion,
  });
}

function crossFieldErrors(values: ProposalValues, facts: ProposalFacts): ProposalErrors {
  const errors: ProposalErrors = {};
  const trimmed = (f: ProposalField) => (values[f] ?? '').trim();
  const date = trimmed('reviewDate');
  const dateProblem = /^\d{4}-\d{2}-\d{2}$/.test(date) ? reviewDateProblem(date, facts.now) : null;
  if (dateProblem) errors.reviewDate = dateProblem;
  if (values.notifyCustomer === 'no' && trimmed('noNotificationJustification').length < 30)
    errors.noNotificationJustification = 'Not telling the customer needs a full written justification, signed off by a Head of Service (§5.2)';
  // §5.2: the warning gives the customer a chance to amend their behaviour, so it cannot be kept from them.
  if (values.kind === 'warning' && values.notifyCustomer === 'no') errors.notifyCustomer = 'A warning must be given to the customer (§5.2, §5.3)';
  const kind = Object.hasOwn(MEASURE_KINDS, values.kind ?? '') ? MEASURE_KINDS[values.kind as MeasureKind] : null;
  const serious = facts.incidents.some((i) => needsSection51Response(i));
  if (kind?.formal && !facts.priorWarning && !serious && trimmed('priorWarningSkipReason').length < 10)
    errors.priorWarningSkipReason = 'The customer has not been warned first (§5.2, §5.3): record why restrictions are needed without a warning';
  if (values.kind !== 'contact-restriction') return errors;

  const channels = choices(values.channels);
  const adjustments = ADJUSTMENTS.filter((a) => choices(values.adjustments).includes(a.id));
  const usable = channels.filter((c) => !adjustments.some((a) => (a.blocks as readonly string[]).includes(c)));
  if (channels.length === 0) errors.channels = 'At least one way to contact us must remain (§6): choose the channels that stay open';
  else if (usable.length === 0)
    errors.channels = `Every channel left open is ruled out by a recorded reasonable adjustment (${adjustments.map((a) => a.id).join(', ')}): at least one way the customer can actually use must remain (§6)`;
  if (!trimmed('maxContactsCount') !== !trimmed('maxContactsPer'))
    errors.maxContactsCount ??= 'Give both the number of contacts and per week or month';
  if (!trimmed('maxIssuesCount') !== !trimmed('maxIssuesPer')) errors.maxIssuesCount ??= 'Give both the number of issues and per month or quarter';
  return errors;
}

/** What staff are told to do, in plain words, when the proposer does not write it themselves. */
export function defaultInstructions(kind: MeasureKind, r: ContactRestriction | null): string {
  if (kind === 'pairs-visit') return PAIRS_VISIT_INSTRUCTIONS;
  if (kind !== 'contact-restriction' || !r) return `${MEASURE_KINDS[kind].label}: see the case for details.`;
  const parts = [`Contact only by ${r.channels.map((c) => CONTACT_CHANNELS.find((x) => x.id === c)!.label.toLowerCase()).join(' or ')}`];
  if (r.singlePointOfContact) parts.push(`through ${r.singlePointOfContact} (single point of contact)`);
  if (r.limitedTimes) parts.push(`at ${r.limitedTimes}`);
  if (r.maxContacts) parts.push(`at most ${r.maxContacts.count} contacts a ${r.maxContacts.per}`);
  if (r.thirdParty) parts.push(`via ${r.thirdParty}`);
  let out = parts.join(', ') + '.';
  if (r.declineWithoutNewEvidence) out += ' Issues already answered are not reconsidered without new evidence.';
  if (r.maxIssues) out += ` At most ${r.maxIssues.count} issues a ${r.maxIssues.per}.`;
  return `${out} ${ALWAYS_OPEN}`;
}

/**
 * The measure as proposed: its sign-off (§5.2), if it needs one, asked of `deciders` (chosen independent of the
 * proposer and the reporters, src/domain/independence.ts). The reporters and the proposer are told of the decision.
 */
export function build(
  checked: CheckedMeasure,
  id: string,
  serviceArea: string,
  proposedBy: Person,
  reporters: readonly Person[],
  deciders: { approverId: string | null; deputyId: string | null },
): Measure {
  const reasons = signOffReasons(checked.kind, checked.notifyCustomer);
  return {
    ...checked,
    id,
    serviceArea,
    proposedBy,
    notifyOnDecision: [...new Map([...reporters, proposedBy].map((p) => [p.id, p])).values()],
    reporters: [...new Set(reporters.map((p) => p.id))],
    deciders: [],
    signOff: reasons.length ? { reasons, serviceArea, ...deciders, requestedAt: checked.proposedAt, decision: null } : null,
  };
}
