import { appealId, checkAppeal, decideAppeal, openAppeal, type AppealDecisionInput, type AppealValues } from '../../src/domain/appeal';
import type { LetterDecision, LetterFacts, LetterKind } from '../../src/domain/letters';
import { interimPairsVisit, type Measure, type MeasureKind } from '../../src/domain/measure';
import { build, checkProposal, type ProposalValues } from '../../src/domain/proposal';
import type { Incident, Person } from '../../src/domain/records';
import { review, type ReviewInput } from '../../src/domain/review';
import { decide } from '../../src/domain/signoff';
import { termsOf } from '../../src/domain/variation';
import { TEST_POLICY_VERSION, sampleIncident, samplePersistenceIncident } from './fixtures';

/**
 * Decisions that produce every letter, made with the real rules (proposals, sign-off, appeals, reviews), so a letter
 * test sees what the app will hand it. Between them they fill every section of every template.
 */

export const HEAD: Person = { id: 'hos-housing', name: 'Jo Head' };
export const ALTERNATE: Person = { id: 'hos-repairs', name: 'Robin Repairs' };
export const CASE_MANAGER: Person = { id: 'cm-1', name: 'Casey Manager' };

/** Monday 30 November 2026, 10:00 UK: proposals are made and letters drafted. */
export const PROPOSED = new Date('2026-11-30T10:00:00Z');
/** Monday 4 January 2027: appeals are decided. */
export const APPEAL_DECIDED = new Date('2027-01-04T15:00:00Z');
/** Wednesday 3 March 2027: reviews. */
export const REVIEWED = new Date('2027-03-03T11:00:00Z');

const must = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
};

/** §4.1 abuse by phone, no §5.1 flag: the call was ended (§5.2). */
export const ABUSE = sampleIncident({
  id: 'inc-abuse',
  reference: 'UB-ABU-5E1',
  occurredAt: '2026-11-23T14:10:00.000Z',
  reportedAt: '2026-11-23T14:30:00.000Z',
  channel: 'phone',
  behaviours: ['derogatory-remarks'],
  safetyFlags: [],
  actions: ['warned', 'call-terminated'],
  crimeReference: null,
  description: 'Called the officer a string of names after being told the repair date; I warned him and ended the call.',
});

/** §4.1 deliberate damage to a communal door. */
export const DAMAGE = sampleIncident({
  id: 'inc-damage',
  reference: 'UB-DMG-7K2',
  occurredAt: '2026-11-24T19:00:00.000Z',
  reportedAt: '2026-11-25T09:00:00.000Z',
  channel: 'office',
  behaviours: ['property-damage'],
  safetyFlags: ['property-damage'],
  actions: [],
  crimeReference: null,
  description: 'Kicked the reception door until the glass panel cracked, in front of two witnesses and on CCTV.',
});

/** §5.1 violence at a home visit (the shared fixture). */
export const VIOLENCE = sampleIncident();

/** §4.3 persistence: one email about a closed complaint (the shared fixture). */
export const PERSISTENCE = samplePersistenceIncident();

/**
 * Pat Jones's history: 21 emails about a closed complaint (§4.3), then excessive correspondence (§4.2), abuse by phone,
 * a threat with a weapon at the office (§5.1) and damage (§4.1). A letter lists the newest 20 and counts 5 earlier.
 */
const HISTORY_OF: Partial<Incident>[] = [
  ...Array.from({ length: 21 }, (_, n) => ({ id: `inc-email-${n}`, reference: `UB-EM${String.fromCharCode(65 + n)}-2TW` })),
  { id: 'inc-demands', reference: 'UB-DEM-4Q2', category: 'demands', behaviours: ['excessive-correspondence', 'mass-emailing'] },
  { ...ABUSE, id: 'inc-abuse-2', reference: 'UB-ABU-6F2' },
  {
    ...VIOLENCE,
    id: 'inc-weapon',
    reference: 'UB-WPN-8H3',
    channel: 'office',
    safetyFlags: ['threat-of-violence', 'weapon'],
    actions: ['refused-to-see'],
  },
  { ...DAMAGE, id: 'inc-damage-2', reference: 'UB-DMG-9J4' },
];
export const HISTORY: Incident[] = HISTORY_OF.map((over, n) =>
  samplePersistenceIncident({
    ...over,
    customerKey: 'T009981',
    customerRef: 'T009981',
    customerName: 'Pat Jones',
    occurredAt: new Date(Date.UTC(2026, 9, 20 + n, 9)).toISOString(),
    reportedAt: new Date(Date.UTC(2026, 9, 20 + n, 10)).toISOString(),
  }),
);

function proposed(id: string, incidents: Incident[], values: ProposalValues, priorWarning = true): Measure {
  const checked = must(checkProposal(values, { incidents, priorWarning, now: PROPOSED, policyVersion: TEST_POLICY_VERSION }));
  const m = build(checked, id, 'housing', CASE_MANAGER, [incidents[0]!.reporter], { approverId: HEAD.id, deputyId: null });
  return m.signOff ? must(decide(m, HEAD, { outcome: 'approve', reason: 'Agreed.', vulnerabilitiesConsidered: '' }, PROPOSED)) : m;
}

const COMMON: ProposalValues = {
  reasons: 'The behaviour set out in the incidents relied on.',
  reviewDate: '2027-05-28',
  vulnerabilitiesConsidered: 'Checked Active H and spoke to the tenancy officer.',
  notifyCustomer: 'yes',
};
/** Every §5.3 limit at once, through a named third party. */
const EVERY_LIMIT: ProposalValues = {
  channels: 'writing,email',
  singlePointOfContact: 'Jo Smith, Tenancy Officer',
  limitedTimes: 'Tuesdays and Thursdays, 10am to 12 noon',
  maxContactsCount: '3',
  maxContactsPer: 'week',
  declineWithoutNewEvidence: 'true',
  maxIssuesCount: '1',
  maxIssuesPer: 'quarter',
  thirdParty: 'Pat Green (Citizens Advice)',
};

export const WARNING_ABUSE = proposed('UB-ABU-5E1:warning:a1', [ABUSE], { ...COMMON, kind: 'warning' });
export const WARNING_PERSISTENCE = proposed('UB-4HX-2TW:warning:b2', [PERSISTENCE], {
  ...COMMON,
  kind: 'warning',
  adjustments: 'difficulty-writing',
});
export const PAIRS = must(
  decide(
    interimPairsVisit(VIOLENCE, { approverId: HEAD.id, deputyId: null })!,
    HEAD,
    { outcome: 'approve', reason: '', vulnerabilitiesConsidered: 'Checked Active H: no known vulnerabilities.' },
    new Date('2026-11-26T10:05:00Z'),
  ),
);
/** Every way open but one limit; an advocate is needed and nobody is named. */
export const RESTRICTION_ADVOCATE = proposed('UB-4HX-2TW:contact-restriction:d4', [PERSISTENCE], {
  ...COMMON,
  kind: 'contact-restriction',
  channels: 'writing,email,telephone,in-person',
  declineWithoutNewEvidence: 'true',
  adjustments: 'needs-advocate,difficulty-phone',
});
export const RECHARGE = proposed('UB-DMG-7K2:recharge:e5', [DAMAGE], { ...COMMON, kind: 'recharge' });
/** Not telling the customer, signed off by a Head of Service (§5.2). */
export const NOT_TOLD = proposed('UB-4HX-2TW:contact-restriction:f6', [PERSISTENCE], {
  ...COMMON,
  kind: 'contact-restriction',
  channels: 'writing',
  notifyCustomer: 'no',
  noNotificationJustification: 'Telling him now would put the officer dealing with the police case at risk; agreed with the police.',
});
export const REFERRAL = proposed('UB-7K3-M9Q:referral:g7', [VIOLENCE], { ...COMMON, kind: 'referral' });

/** Each kind of measure resting on the whole history, with an advocate needed (§6): every section of a letter opens. */
type WrittenKind = Exclude<MeasureKind, 'referral'>;
export const FULL = Object.fromEntries(
  (['warning', 'pairs-visit', 'contact-restriction', 'recharge'] as const).map((kind) => [
    kind,
    proposed(`UB-DMG-9J4:${kind}:h8`, HISTORY, {
      ...COMMON,
      kind,
      adjustments: 'needs-advocate,difficulty-phone',
      ...(kind === 'contact-restriction' ? EVERY_LIMIT : {}),
    }),
  ]),
) as Record<WrittenKind, Measure>;
export const RESTRICTION_ALL = FULL['contact-restriction'];

const APPEAL: AppealValues = {
  appellant: 'representative',
  representativeName: 'Sam Advocate',
  channel: 'letter',
  receivedOn: '2026-12-18',
  grounds: 'He needs the telephone: the single point of contact never answers letters.',
};

export function appealed(m: Measure, input: AppealDecisionInput, values: AppealValues = APPEAL) {
  const now = new Date('2026-12-18T12:00:00Z');
  const checked = must(checkAppeal({ ...values, measureId: m.id }, { measure: m, open: [], now }));
  const appeal = openAppeal(
    checked,
    { id: appealId(m.id, CASE_MANAGER.id, 'form-0001'), customerKey: m.customerKey, by: CASE_MANAGER, now, policyVersion: TEST_POLICY_VERSION },
    { approverId: ALTERNATE.id, deputyId: null },
  );
  return must(decideAppeal(appeal, m, ALTERNATE, input, APPEAL_DECIDED, TEST_POLICY_VERSION));
}

export const APPEAL_REASONS = 'I have read the incidents and the grounds: the limits are needed and leave him email and letters.';

/** New terms on appeal, from the terms as they stand; a restriction moves to the telephone on Tuesday mornings, with no adjustment. */
export function varied(m: Measure) {
  const values: ProposalValues = {
    ...termsOf(m, APPEAL_DECIDED),
    reasons: 'The telephone suits him better; Tuesday mornings only.',
    ...(m.kind === 'contact-restriction' ? { channels: 'telephone', limitedTimes: 'Tuesdays, 9am to 11am', adjustments: '' } : {}),
  };
  const incidents = HISTORY.filter((i) => m.incidentRefs.includes(i.reference));
  const checked = must(checkProposal(values, { incidents, priorWarning: true, now: APPEAL_DECIDED, policyVersion: TEST_POLICY_VERSION }));
  return appealed(m, { outcome: 'vary', reasons: values.reasons!, variation: { checked, id: `${m.id}:v` } });
}

/** A review's outcome, final: a continuation that needs sign-off (visits in pairs, §5.2) is approved by the Head of Service. */
export function reviewed(m: Measure, over: Partial<ReviewInput>): Measure {
  const input: ReviewInput = {
    outcome: 'continue',
    reasons: 'Still emailing daily about the closed complaint.',
    nextReview: '2027-08-31',
    referredTo: '',
    ...over,
  };
  const facts = { round: 0, now: REVIEWED, policyVersion: TEST_POLICY_VERSION, deciders: { approverId: HEAD.id, deputyId: null }, clash: null };
  return must(review(m, CASE_MANAGER, input, facts));
}
export function signedOff(m: Measure): Measure {
  return must(decide(m, HEAD, { outcome: 'approve', reason: 'Still needed.', vulnerabilitiesConsidered: '' }, REVIEWED));
}
const final = (m: Measure) => (m.status === 'pending-sign-off' ? signedOff(m) : m);

const facts = (incidents: Incident[], now: Date, appealBy?: string): LetterFacts => ({ incidents, now, ...(appealBy ? { appealBy } : {}) });
const WRITTEN_KINDS = Object.keys(FULL) as WrittenKind[];
const MEASURE_LETTER = {
  warning: 'warning',
  'pairs-visit': 'visits-in-pairs',
  'contact-restriction': 'contact-restriction',
  recharge: 'recharge',
} as const;

export interface LetterCase {
  name: string;
  kind: LetterKind;
  decision: LetterDecision;
  facts: LetterFacts;
}

/**
 * One decision per letter and situation, with the facts a letter needs: each letter about a single incident, and about
 * each kind of measure resting on the whole history with an advocate and an appeal deadline. Between them they open
 * every section of every template.
 */
export const LETTER_CASES: LetterCase[] = [
  { name: 'warning for abuse (§5.2)', kind: 'warning', decision: { about: 'measure', measure: WARNING_ABUSE }, facts: facts([ABUSE], PROPOSED) },
  {
    name: 'warning for persistence (§5.3, §4.3)',
    kind: 'warning',
    decision: { about: 'measure', measure: WARNING_PERSISTENCE },
    facts: facts([PERSISTENCE], PROPOSED),
  },
  { name: 'visits in pairs (§5.1)', kind: 'visits-in-pairs', decision: { about: 'measure', measure: PAIRS }, facts: facts([VIOLENCE], PROPOSED) },
  {
    name: 'one contact limit, advocate unnamed (§5.3, §6)',
    kind: 'contact-restriction',
    decision: { about: 'measure', measure: RESTRICTION_ADVOCATE },
    facts: facts([PERSISTENCE], PROPOSED),
  },
  { name: 'recharge for damage (§4.1)', kind: 'recharge', decision: { about: 'measure', measure: RECHARGE }, facts: facts([DAMAGE], PROPOSED) },
  {
    name: 'appeal overturned, by the customer (§7)',
    kind: 'appeal-overturned',
    decision: {
      about: 'appeal',
      ...appealed(
        PAIRS,
        { outcome: 'overturn', reasons: 'The officer was not at risk: the visit was ended by the officer.' },
        { ...APPEAL, appellant: 'customer' },
      ),
    },
    facts: facts([VIOLENCE], APPEAL_DECIDED),
  },
  {
    name: 'review lifted (§8)',
    kind: 'review-lifted',
    decision: { about: 'review', measure: reviewed(RECHARGE, { outcome: 'lift' }) },
    facts: facts([DAMAGE], REVIEWED),
  },
  ...WRITTEN_KINDS.flatMap((k): LetterCase[] => {
    const m = FULL[k];
    const about = `${k}, on the whole history`;
    return [
      {
        name: `${about}, with an appeal deadline`,
        kind: MEASURE_LETTER[k],
        decision: { about: 'measure', measure: m },
        facts: facts(HISTORY, PROPOSED, '2026-12-31'),
      },
      {
        name: `appeal upheld: ${about} (§7)`,
        kind: 'appeal-upheld',
        decision: { about: 'appeal', ...appealed(m, { outcome: 'uphold', reasons: APPEAL_REASONS }) },
        facts: facts(HISTORY, APPEAL_DECIDED),
      },
      {
        name: `appeal varied: ${about} (§7)`,
        kind: 'appeal-varied',
        decision: { about: 'appeal', ...varied(m) },
        facts: facts(HISTORY, APPEAL_DECIDED),
      },
      {
        name: `review continued: ${about} (§8)`,
        kind: 'review-continued',
        decision: { about: 'review', measure: final(reviewed(m, {})) },
        facts: facts(HISTORY, REVIEWED, '2027-03-31'),
      },
      {
        name: `review escalated: ${about} (§8)`,
        kind: 'review-escalated',
        decision: { about: 'review', measure: final(reviewed(m, { outcome: 'escalate', referredTo: 'the Community Safety team' })) },
        facts: facts(HISTORY, REVIEWED, '2027-03-31'),
      },
    ];
  }),
  {
    name: 'appeal overturned, by a representative (§7)',
    kind: 'appeal-overturned',
    decision: { about: 'appeal', ...appealed(RESTRICTION_ALL, { outcome: 'overturn', reasons: 'The limits went further than the emails justify.' }) },
    facts: facts(HISTORY, APPEAL_DECIDED),
  },
  {
    name: 'review lifted, through the third party (§8)',
    kind: 'review-lifted',
    decision: { about: 'review', measure: reviewed(RESTRICTION_ALL, { outcome: 'lift' }) },
    facts: facts(HISTORY, REVIEWED),
  },
];
