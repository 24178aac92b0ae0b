import { expect } from 'chai';
import {
  build,
  checkProposal,
  defaultInstructions,
  type ProposalErrors,
  type ProposalFacts,
  type CheckedMeasure,
  type ProposalValues,
} from '../../src/domain/proposal';
import { ALWAYS_OPEN, PAIRS_VISIT_INSTRUCTIONS, type ContactRestriction, type Measure } from '../../src/domain/measure';
import type { SafetyFlagId } from '../../src/domain/policy';
import { TEST_POLICY_VERSION, samplePersistenceIncident } from '../support/fixtures';

/** A fixed "now": Friday 20 Nov 2026, 12:00 UK time (GMT, so 12:00Z). Six months on is Thursday 20 May 2027 (BST). */
const NOW = new Date('2026-11-20T12:00:00Z');
const SIX_MONTHS = '2027-05-20';

/** §4.3 persistence: no §5.1 flag. */
const PERSISTENCE = samplePersistenceIncident();
/** §4.1 with a §5.1 flag, by the same customer. */
const violent = (flag: SafetyFlagId) =>
  samplePersistenceIncident({
    reference: 'UB-7K3-M9Q',
    category: 'aggressive',
    behaviours: ['violence-harassment'],
    safetyFlags: [flag],
    channel: 'home-visit',
  });

/** The customer was warned before (§5.2, §5.3), so restrictions need no skip reason. */
const facts = (over: Partial<ProposalFacts> = {}): ProposalFacts => ({
  incidents: [PERSISTENCE],
  priorWarning: true,
  now: NOW,
  policyVersion: TEST_POLICY_VERSION,
  ...over,
});

/** A good warning proposal, as the Adaptive Card form sends it (strings; multi-selects comma-separated). */
function warning(over: ProposalValues = {}): ProposalValues {
  return {
    kind: 'warning',
    reasons: 'Fourteen emails this month about a closed complaint (UB-4HX-2TW).',
    instructions: '',
    reviewDate: SIX_MONTHS,
    vulnerabilitiesConsidered: 'Anxiety recorded in Active H; email stays open and an advocate was offered.',
    adjustments: '',
    notifyCustomer: 'yes',
    noNotificationJustification: '',
    priorWarningSkipReason: '',
    channels: '',
    singlePointOfContact: '',
    limitedTimes: '',
    maxContactsCount: '',
    maxContactsPer: '',
    declineWithoutNewEvidence: 'false',
    maxIssuesCount: '',
    maxIssuesPer: '',
    thirdParty: '',
    ...over,
  };
}

/** A good §5.3 contact restriction: email only. */
const restriction = (over: ProposalValues = {}) => warning({ kind: 'contact-restriction', channels: 'email', ...over });

function errorsOf(values: ProposalValues, f: ProposalFacts = facts()): ProposalErrors {
  const result = checkProposal(values, f);
  if (result.ok) return expect.fail('expected the proposal to be refused');
  return result.error;
}

function accepted(values: ProposalValues, f: ProposalFacts = facts()): CheckedMeasure {
  const result = checkProposal(values, f);
  if (!result.ok) return expect.fail(`expected the proposal to be accepted, got ${JSON.stringify(result.error)}`);
  return result.value;
}

describe('checkProposal: refusals, each for a policy reason', () => {
  it('the fixtures themselves are accepted (a warning, and an email-only restriction)', () => {
    accepted(warning());
    accepted(restriction());
  });

  it('R-marker-rests-on-incident (data protection): a measure with no recorded, specific incident behind it is refused', () => {
    const errors = errorsOf(warning(), facts({ incidents: [] }));
    expect(Object.keys(errors)).to.deep.equal(['reasons']);
    expect(errors.reasons).to.match(/at least one recorded, specific incident/);
    expect(errorsOf(restriction({ kind: 'pairs-visit' }), facts({ incidents: [] })).reasons).to.match(/recorded, specific incident/);
  });

  describe('§6: vulnerabilities and reasonable adjustments must be considered', () => {
    for (const [what, value] of [
      ['missing', undefined],
      ['blank', '   '],
      ['a token "n/a"', 'n/a'],
    ] as const) {
      it(`refused when the record is ${what}`, () => {
        const values = warning({ vulnerabilitiesConsidered: value });
        if (value === undefined) delete values.vulnerabilitiesConsidered;
        const errors = errorsOf(values);
        expect(Object.keys(errors)).to.deep.equal(['vulnerabilitiesConsidered']);
        expect(errors.vulnerabilitiesConsidered).to.include('§6');
      });
    }
  });

  describe('§6: at least one way to access our services always remains', () => {
    it('a contact restriction with no channel left open is refused', () => {
      const errors = errorsOf(restriction({ channels: '' }));
      expect(Object.keys(errors)).to.deep.equal(['channels']);
      expect(errors.channels).to.match(/At least one way to contact us must remain \(§6\)/);
    });

    it('written-only (writing + email) with the "difficulty-writing" adjustment is refused', () => {
      const errors = errorsOf(restriction({ channels: 'writing,email', adjustments: 'difficulty-writing' }));
      expect(Object.keys(errors)).to.deep.equal(['channels']);
      expect(errors.channels).to.include('difficulty-writing').and.to.include('§6');
    });

    it('telephone-only with the "difficulty-phone" adjustment is refused', () => {
      const errors = errorsOf(restriction({ channels: 'telephone', adjustments: 'difficulty-phone' }));
      expect(Object.keys(errors)).to.deep.equal(['channels']);
      expect(errors.channels).to.include('difficulty-phone');
    });

    it('writing + telephone with "difficulty-writing" is accepted: the telephone stays usable', () => {
      const m = accepted(restriction({ channels: 'writing,telephone', adjustments: 'difficulty-writing' }));
      expect(m.restriction!.channels).to.deep.equal(['writing', 'telephone']);
      expect(m.adjustments).to.deep.equal(['difficulty-writing']);
    });

    it('an adjustment that blocks nothing ("needs-advocate") does not stop a single channel', () => {
      accepted(restriction({ channels: 'telephone', adjustments: 'needs-advocate' }));
    });
  });

  describe('§5.2: not telling the customer needs full written justification', () => {
    it('refused with no justification', () => {
      const errors = errorsOf(warning({ kind: 'recharge', notifyCustomer: 'no' }));
      expect(Object.keys(errors)).to.deep.equal(['noNotificationJustification']);
      expect(errors.noNotificationJustification).to.include('§5.2');
    });

    it('refused with a justification too short to be "full" (29 characters, or padded with spaces)', () => {
      expect(errorsOf(warning({ kind: 'recharge', notifyCustomer: 'no', noNotificationJustification: 'x'.repeat(29) }))).to.have.keys(
        'noNotificationJustification',
      );
      expect(
        errorsOf(warning({ kind: 'recharge', notifyCustomer: 'no', noNotificationJustification: `  ${'x'.repeat(20)}          ` })),
      ).to.have.keys('noNotificationJustification');
    });

    it('a warning cannot be kept from the customer: it is their chance to amend their behaviour (§5.2, §5.3)', () => {
      const errors = errorsOf(warning({ notifyCustomer: 'no', noNotificationJustification: 'x'.repeat(40) }));
      expect(errors.notifyCustomer).to.include('§5.2');
    });

    it('refused when the choice is not made at all', () => {
      const values = warning();
      delete values.notifyCustomer;
      expect(errorsOf(values)).to.have.keys('notifyCustomer');
    });
  });

  describe('§5.2, §5.3: a warning comes before formal restrictions', () => {
    it('visits in pairs without a §5.1 incident are formal too: refused with no prior warning and no reason', () => {
      const values = { ...warning(), kind: 'pairs-visit' };
      expect(errorsOf(values, facts({ priorWarning: false }))).to.have.keys('priorWarningSkipReason');
    });

    it('refused with no prior warning and no recorded reason', () => {
      const errors = errorsOf(restriction(), facts({ priorWarning: false }));
      expect(Object.keys(errors)).to.deep.equal(['priorWarningSkipReason']);
      expect(errors.priorWarningSkipReason).to.include('§5.2, §5.3');
    });

    it('refused with a reason too short to be one', () => {
      expect(errorsOf(restriction({ priorWarningSkipReason: 'urgent' }), facts({ priorWarning: false }))).to.have.keys('priorWarningSkipReason');
    });

    it('accepted when the reason for skipping the warning is recorded', () => {
      const reason = 'Customer has sent 60 emails in two days to 40 staff; a warning would not stop it in time.';
      const m = accepted(restriction({ priorWarningSkipReason: reason }), facts({ priorWarning: false }));
      expect(m.priorWarningSkipReason).to.equal(reason);
    });

    for (const flag of ['violence', 'threat-of-violence', 'weapon', 'intoxicated'] as const) {
      it(`accepted with no reason when a linked incident has the §5.1 flag "${flag}"`, () => {
        accepted(restriction(), facts({ priorWarning: false, incidents: [PERSISTENCE, violent(flag)] }));
      });
    }

    it('a §4.1 flag that is not §5.1 (hate motivated) does not excuse the warning', () => {
      expect(errorsOf(restriction(), facts({ priorWarning: false, incidents: [violent('hate-motivated')] }))).to.have.keys('priorWarningSkipReason');
    });

    it('a warning itself needs no prior warning', () => {
      accepted(warning(), facts({ priorWarning: false }));
    });
  });

  describe('§8: reviewed at least every six months', () => {
    it('a review date in the past is refused, and so is today (09:00 has passed)', () => {
      expect(errorsOf(warning({ reviewDate: '2026-11-19' })).reviewDate).to.equal('The review date must be in the future');
      expect(errorsOf(warning({ reviewDate: '2026-11-20' }))).to.have.keys('reviewDate');
    });

    it('a review date more than six months away is refused', () => {
      for (const reviewDate of ['2027-05-22', '2027-06-20', '2027-11-20']) {
        const errors = errorsOf(warning({ reviewDate }));
        expect(Object.keys(errors), reviewDate).to.deep.equal(['reviewDate']);
        expect(errors.reviewDate).to.include('§8');
      }
    });

    // REPORTED BUG (src/domain/proposal.ts, crossFieldErrors): the "+ 86_400_000" slack accepts six months AND ONE DAY
    // whenever the proposal is made after about 08:00–09:00 UK time (the card's own max date is six months exactly).
    // Fix: compare calendar dates, `else if (date > ukDate(latestReviewDate(facts.now)))`. Remove `.skip` once fixed.
    it('six months and one day is refused, whatever the time of day', () => {
      expect(errorsOf(warning({ reviewDate: '2027-05-21' }))).to.have.keys('reviewDate');
    });

    it('six months exactly is accepted, at 09:00 UK time that day (BST)', () => {
      expect(accepted(warning({ reviewDate: SIX_MONTHS })).reviewDue).to.equal('2027-05-20T08:00:00.000Z');
    });

    it('six months exactly is accepted early in the morning too (09:00 that day is after now + six months)', () => {
      accepted(warning({ reviewDate: SIX_MONTHS }), facts({ now: new Date('2026-11-20T06:30:00Z') }));
    });

    it('a missing or malformed review date is refused', () => {
      expect(errorsOf(warning({ reviewDate: '' }))).to.have.keys('reviewDate');
      expect(errorsOf(warning({ reviewDate: '20/05/2027' }))).to.have.keys('reviewDate');
    });
  });

  describe('§5.3 limits on the number of contacts', () => {
    it('a count of 0 contacts is refused (it would leave no way to contact us, §6)', () => {
      const errors = errorsOf(restriction({ maxContactsCount: '0', maxContactsPer: 'week' }));
      expect(Object.keys(errors)).to.deep.equal(['maxContactsCount']);
      expect(errors.maxContactsCount).to.include('§6');
    });

    it('a count without "per week or month" is refused, and so is "per" without a count', () => {
      expect(errorsOf(restriction({ maxContactsCount: '3', maxContactsPer: '' })).maxContactsCount).to.match(/Give both/);
      expect(errorsOf(restriction({ maxContactsCount: '', maxContactsPer: 'month' }))).to.have.keys('maxContactsCount');
    });

    it('count and per together are accepted', () => {
      expect(accepted(restriction({ maxContactsCount: '3', maxContactsPer: 'week' })).restriction!.maxContacts).to.deep.equal({
        count: 3,
        per: 'week',
      });
    });
  });

  it('several problems in one submission are all reported at once (3 problems → 3 field errors)', () => {
    const errors = errorsOf(restriction({ channels: '', vulnerabilitiesConsidered: '', notifyCustomer: 'no', noNotificationJustification: 'risk' }));
    expect(Object.keys(errors)).to.have.members(['channels', 'vulnerabilitiesConsidered', 'noNotificationJustification']);
    expect(Object.keys(errors)).to.have.length(3);
  });
});

describe('checkProposal: the accepted measure', () => {
  it('visits in pairs wait for Head of Service sign-off (§5.1, §5.2), with the standard instructions', () => {
    const m = accepted(warning({ kind: 'pairs-visit' }), facts({ incidents: [violent('violence')] }));
    expect(m.status).to.equal('pending-sign-off');
    expect(m.interim).to.equal(false);
    expect(m.instructions).to.equal(PAIRS_VISIT_INSTRUCTIONS);
    expect(m.restriction).to.equal(null);
  });

  it('not telling the customer waits for sign-off (§5.2) and keeps the justification', () => {
    const justification = 'Telling the customer would put the neighbour who reported the threats at risk of retaliation.';
    const m = accepted(restriction({ notifyCustomer: 'no', noNotificationJustification: `  ${justification} ` }));
    expect(m.status).to.equal('pending-sign-off');
    expect(m.notifyCustomer).to.equal(false);
    expect(m.noNotificationJustification).to.equal(justification);
  });

  it('a warning is in force at once; every field comes from the form and the facts', () => {
    const m = accepted(warning({ instructions: '  Remind the customer of the warning if they call.  ' }));
    expect(m).to.deep.include({
      type: 'measure',
      customerKey: 'T009981',
      kind: 'warning',
      status: 'active',
      interim: false,
      instructions: 'Remind the customer of the warning if they call.',
      reasons: 'Fourteen emails this month about a closed complaint (UB-4HX-2TW).',
      incidentRefs: ['UB-4HX-2TW'],
      proposedAt: NOW.toISOString(),
      reviewDue: '2027-05-20T08:00:00.000Z',
      restriction: null,
      notifyCustomer: true,
      noNotificationJustification: null,
      priorWarningSkipReason: null,
      policyVersion: TEST_POLICY_VERSION,
    });
  });

  it('a contact restriction with the customer told needs no sign-off (§5.3, R-proposal-status) and records every limit', () => {
    const m = accepted(
      restriction({
        channels: 'email,telephone',
        singlePointOfContact: 'Jo Smith',
        limitedTimes: 'Tuesdays 10:00–12:00',
        maxContactsCount: '2',
        maxContactsPer: 'week',
        declineWithoutNewEvidence: 'true',
        maxIssuesCount: '1',
        maxIssuesPer: 'quarter',
        thirdParty: 'Citizens Advice',
      }),
    );
    expect(m.status).to.equal('active');
    expect(m.restriction).to.deep.equal({
      channels: ['email', 'telephone'],
      singlePointOfContact: 'Jo Smith',
      limitedTimes: 'Tuesdays 10:00–12:00',
      maxContacts: { count: 2, per: 'week' },
      declineWithoutNewEvidence: true,
      maxIssues: { count: 1, per: 'quarter' },
      thirdParty: 'Citizens Advice',
    } satisfies ContactRestriction);
  });

  describe('default instructions for a contact restriction', () => {
    const EMERGENCIES = ALWAYS_OPEN;

    it('name the channels left open and end with the emergencies sentence', () => {
      const m = accepted(restriction({ channels: 'writing,telephone', singlePointOfContact: 'Jo Smith' }));
      expect(m.instructions).to.include('letter or telephone');
      expect(m.instructions).to.include('Jo Smith');
      expect(m.instructions.endsWith(EMERGENCIES)).to.equal(true);
    });

    it('always include the emergencies sentence, whatever the restriction', () => {
      const base: ContactRestriction = {
        channels: ['email'],
        singlePointOfContact: null,
        limitedTimes: null,
        maxContacts: null,
        declineWithoutNewEvidence: false,
        maxIssues: null,
        thirdParty: null,
      };
      const variants: ContactRestriction[] = [
        base,
        { ...base, channels: ['in-person'], limitedTimes: 'Mondays 9–11' },
        { ...base, maxContacts: { count: 1, per: 'month' }, declineWithoutNewEvidence: true },
        { ...base, maxIssues: { count: 2, per: 'quarter' }, thirdParty: 'an advocate' },
      ];
      for (const r of variants) {
        const text = defaultInstructions('contact-restriction', r);
        expect(text, JSON.stringify(r)).to.include(EMERGENCIES);
        expect(text).to.include(r.channels[0] === 'in-person' ? 'in person' : 'email');
      }
    });
  });
});

describe('build(): the stored measure', () => {
  const DECIDERS = { approverId: 'hos-housing', deputyId: 'dep-housing' };
  const PROPOSER = { id: 'cm-1', name: 'Casey Manager' };
  const make = (values: ProposalValues, f = facts()): Measure =>
    build(accepted(values, f), 'UB-4HX-2TW:x:1', 'housing', PROPOSER, [PERSISTENCE.reporter], DECIDERS);

  it('no sign-off needed (a warning, a restriction the customer is told of): signOff is null', () => {
    for (const values of [warning(), restriction()]) {
      const m = make(values);
      expect(m.signOff).to.equal(null);
      expect(m).to.deep.include({ id: 'UB-4HX-2TW:x:1', serviceArea: 'housing', proposedBy: PROPOSER });
    }
  });

  it('visits in pairs: the two people chosen to decide are asked (§5.2); reporters and proposer are told and recorded', () => {
    const m = make(warning({ kind: 'pairs-visit' }), facts({ incidents: [violent('weapon')] }));
    expect(m.signOff).to.deep.equal({
      reasons: ['pairs-visit'],
      serviceArea: 'housing',
      approverId: 'hos-housing',
      deputyId: 'dep-housing',
      requestedAt: NOW.toISOString(),
      decision: null,
    });
    expect(m.notifyOnDecision).to.deep.equal([PERSISTENCE.reporter, PROPOSER]);
    expect(m).to.deep.include({ reporters: [PERSISTENCE.reporter.id], deciders: [] });
  });

  it('no notification, and both reasons together; no deputy configured stays null', () => {
    const justification = 'Telling the customer would put the neighbour who reported the threats at risk of retaliation.';
    const noNotify = { notifyCustomer: 'no', noNotificationJustification: justification };
    expect(make(restriction(noNotify)).signOff!.reasons).to.deep.equal(['no-notification']);
    const both = build(accepted(warning({ kind: 'pairs-visit', ...noNotify })), 'id-2', 'housing', PROPOSER, [], { ...DECIDERS, deputyId: null });
    expect(both.signOff).to.deep.include({ reasons: ['pairs-visit', 'no-notification'], approverId: 'hos-housing', deputyId: null });
  });
});
