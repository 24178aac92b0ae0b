import { expect } from 'chai';
import { involvedIn, involvedInSignOff } from '../../src/domain/independence';
import { interimPairsVisit, reviewDateProblem, type Measure } from '../../src/domain/measure';
import { build, checkProposal } from '../../src/domain/proposal';
import type { Person } from '../../src/domain/records';
import {
  REVIEW_DATE_PASSED,
  hasLapsed,
  lapse,
  pairsLapsedOn,
  review,
  reviewDay,
  reviewWindow,
  type ReviewFacts,
  type ReviewInput,
} from '../../src/domain/review';
import { decide, mayDecide, signOffKey } from '../../src/domain/signoff';
import { emptySummary, summarise } from '../../src/domain/summary';
import { TEST_POLICY_VERSION, sampleIncident } from '../support/fixtures';

const HEAD: Person = { id: 'hos-housing', name: 'Jo Head' };
const DEPUTY: Person = { id: 'dep-housing', name: 'Sam Deputy' };
const REVIEWER: Person = { id: 'cm-1', name: 'Casey Manager' };
const REPORTED = new Date('2026-11-20T11:05:00Z');
const VIOLENCE = sampleIncident({ reportedAt: REPORTED.toISOString() });

/** §5.1 visits in pairs, approved by the Head of Service on Thursday 26 Nov 2026: review due Wednesday 26 May 2027. */
const PAIRS = (() => {
  const r = decide(
    interimPairsVisit(VIOLENCE, { approverId: HEAD.id, deputyId: DEPUTY.id })!,
    HEAD,
    { outcome: 'approve', reason: '', vulnerabilitiesConsidered: 'Checked Active H: no known vulnerabilities.' },
    new Date('2026-11-26T10:05:00Z'),
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
})();

/** A warning the customer was given (no sign-off), review due 1 March 2027. */
const WARNING = (() => {
  const checked = checkProposal(
    {
      kind: 'warning',
      reasons: 'Shouted at the officer on 20 Nov (UB-7K3-M9Q).',
      reviewDate: '2027-03-01',
      vulnerabilitiesConsidered: 'None known; checked Active H.',
      notifyCustomer: 'yes',
    },
    { incidents: [VIOLENCE], priorWarning: false, now: REPORTED, policyVersion: TEST_POLICY_VERSION },
  );
  if (!checked.ok) throw new Error(JSON.stringify(checked.error));
  return build(checked.value, 'UB-7K3-M9Q:warning:abc', 'housing', REVIEWER, [VIOLENCE.reporter], { approverId: null, deputyId: null });
})();

/** Wednesday 12 May 2027, 10:00 UK time (BST): two weeks before the visits in pairs are due. */
const AT = new Date('2027-05-12T09:00:00Z');
const facts = (over: Partial<ReviewFacts> = {}): ReviewFacts => ({
  round: 0,
  now: AT,
  policyVersion: 'policy-2027',
  deciders: { approverId: HEAD.id, deputyId: DEPUTY.id },
  clash: null,
  ...over,
});
const REASONS = 'Two further calls in April were abusive; risk remains.';
const input = (over: Partial<ReviewInput>): ReviewInput => ({
  outcome: 'continue',
  reasons: REASONS,
  nextReview: '2027-11-01',
  referredTo: '',
  ...over,
});

function reviewed(m: Measure, over: Partial<ReviewInput>, f: Partial<ReviewFacts> = {}): Measure {
  const r = review(m, REVIEWER, input(over), facts(f));
  if (!r.ok) return expect.fail(`expected the review to go through, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}
function refused(m: Measure, over: Partial<ReviewInput>, f: Partial<ReviewFacts> = {}) {
  const r = review(m, REVIEWER, input(over), facts(f));
  if (r.ok) return expect.fail('expected the review to be refused');
  return r.error;
}

describe('review (§8, docs/rules.md#R-review-outcomes)', () => {
  it('lift: it ends, with the review kept on it (who, when, the date it answered, reasons, the policy version then)', () => {
    const m = reviewed(PAIRS, { outcome: 'lift' });
    expect(m).to.deep.include({ status: 'lifted', interim: false, reviewDue: PAIRS.reviewDue });
    expect(m.reviews).to.deep.equal([
      {
        id: `${PAIRS.id}:review:1`,
        outcome: 'lifted',
        by: REVIEWER,
        at: AT.toISOString(),
        due: PAIRS.reviewDue,
        reasons: REASONS,
        nextReview: null,
        referredTo: null,
        policyVersion: 'policy-2027',
      },
    ]);
    expect(m.policyVersion, 'the measure keeps the version it was made under').to.equal(PAIRS.policyVersion);
  });

  it('continue, with no sign-off needed: in force until the next review, 09:00 UK time that day', () => {
    const m = reviewed(WARNING, { nextReview: '2027-11-01' });
    expect(m).to.deep.include({ status: 'active', interim: false, reviewDue: '2027-11-01T09:00:00.000Z', signOff: null });
    expect(m.reviews![0]).to.deep.include({ outcome: 'continued', nextReview: '2027-11-01T09:00:00.000Z' });
    expect(reviewDay(m.reviewDue)).to.equal('Monday 1 November 2027');
  });

  it('continue visits in pairs (§5.2): asked afresh, in force as interim until decided, the chosen date carried to approval', () => {
    const m = reviewed(PAIRS, { nextReview: '2027-10-29' });
    expect(m).to.deep.include({ status: 'pending-sign-off', interim: true, reviewDue: '2027-10-29T08:00:00.000Z' });
    expect(m.signOff).to.deep.equal({
      reasons: ['pairs-visit'],
      serviceArea: 'housing',
      approverId: HEAD.id,
      deputyId: DEPUTY.id,
      requestedAt: AT.toISOString(),
      decision: null,
      renewal: { id: `${PAIRS.id}:review:1`, by: REVIEWER, reviewDue: '2027-10-29T08:00:00.000Z' },
    });
    expect(m.notifyOnDecision.map((p) => p.id)).to.include(REVIEWER.id);
    expect(signOffKey(m)).to.equal(`${PAIRS.id}:review:1`);
    expect(signOffKey(PAIRS)).to.equal(PAIRS.id);
  });

  it('escalate: referred on (Community Safety Policy, legal action) and continued; the referral is noted on the measure', () => {
    const m = reviewed(WARNING, { outcome: 'escalate', referredTo: 'Community Safety team (ASB case)' });
    expect(m.status).to.equal('active');
    expect(m.reviews![0]).to.deep.include({ outcome: 'escalated', referredTo: 'Community Safety team (ASB case)' });
    expect(refused(WARNING, { outcome: 'escalate', referredTo: ' ' }).message).to.include('Say who it is referred to');
  });

  it('reasons are required whatever the outcome', () => {
    for (const outcome of ['lift', 'continue', 'escalate'] as const) {
      const e = refused(PAIRS, { outcome, reasons: ' fine ', referredTo: 'Legal services' });
      expect(e, outcome).to.deep.equal({ code: 'Invalid', message: 'Give the reasons for the outcome of this review, at least a sentence (§8).' });
    }
  });

  it('the next review is a real day after today and at most six months ahead (docs/rules.md#R-marker-review-six-months)', () => {
    const problem = (nextReview: string) => refused(PAIRS, { nextReview }).message;
    expect(problem('2027-11-13')).to.equal('Next review: Markers are reviewed at least every six months (§8): choose a date within six months');
    expect(problem('2027-05-12')).to.equal('Next review: The review date must be in the future');
    expect(problem('2027-02-30')).to.equal('Next review: Enter a real date');
    expect(problem('')).to.equal('Next review: Enter a real date');
    expect(reviewed(PAIRS, { nextReview: '2027-11-12' }).reviewDue).to.equal('2027-11-12T09:00:00.000Z');
    // Calendar months, clamped at month ends: 31 Aug 2027 + 6 months is 29 Feb 2028.
    expect(reviewDateProblem('2028-02-29', new Date('2027-08-31T12:00:00Z'))).to.equal(null);
    expect(reviewDateProblem('2028-03-01', new Date('2027-08-31T12:00:00Z'))).to.include('six months');
  });

  it('one outcome per review: a click on a card made before the last review changes nothing and says who reviewed it', () => {
    const once = reviewed(WARNING, {});
    const again = refused(once, { outcome: 'lift' });
    expect(again.code).to.equal('AlreadyReviewed');
    expect(again.message).to.equal('Casey Manager continued it at 12 May 2027, 10:00: your click changed nothing.');
    expect(reviewed(once, {}, { round: 1 }).reviews!.map((r) => r.id)).to.deep.equal([`${WARNING.id}:review:1`, `${WARNING.id}:review:2`]);
  });

  it('a measure awaiting sign-off, or ended, is not reviewed', () => {
    const interim = interimPairsVisit(VIOLENCE, { approverId: HEAD.id, deputyId: DEPUTY.id })!;
    expect(refused(interim, {}).code).to.equal('NotReviewable');
    expect(refused({ ...PAIRS, status: 'lifted' }, {}).message).to.equal('It was lifted: there is nothing left to review.');
  });

  it('a lapsed measure is reviewed too: lifted, or continued unless another of its kind is open (one marker per kind)', () => {
    const lapsed = lapse(PAIRS, new Date('2027-06-01T09:00:00Z')).measure;
    expect(reviewed(lapsed, { outcome: 'lift' }).status).to.equal('lifted');
    expect(refused(lapsed, {}, { clash: 'Visits and meetings in pairs is already in force.' }).message).to.equal(
      'Visits and meetings in pairs is already in force.',
    );
    expect(reviewed(lapsed, {}).status).to.equal('pending-sign-off');
  });

  it('does not change the measure it is given', () => {
    const before = structuredClone(PAIRS);
    reviewed(PAIRS, {});
    expect(PAIRS).to.deep.equal(before);
  });
});

describe('a continuation signed off again (docs/rules.md#R-review-renewal-signoff)', () => {
  /** Misconfigured on purpose: the reviewer asked, to show independence holds at the click. */
  const RENEWAL = reviewed(PAIRS, { nextReview: '2027-10-29' }, { deciders: { approverId: HEAD.id, deputyId: REVIEWER.id } });
  const APPROVE = { outcome: 'approve', reason: '', vulnerabilitiesConsidered: '' } as const;

  it('excludes its reviewer and the reporters, not whoever signed the measure off before', () => {
    expect([...involvedInSignOff(RENEWAL)].sort()).to.deep.equal([REVIEWER.id, VIOLENCE.reporter.id].sort());
    expect(involvedIn(RENEWAL).has(HEAD.id), 'involvedIn keeps its meaning: the whole history').to.equal(true);
    expect(mayDecide(RENEWAL, REVIEWER.id)).to.equal(false);
    expect(mayDecide(RENEWAL, HEAD.id)).to.equal(true);
    const r = decide(RENEWAL, REVIEWER, { ...APPROVE, outcome: 'approve' }, AT);
    expect(r.ok ? '' : r.error.code).to.equal('NotApprover');
  });

  it('approved: active to the date the reviewer chose (not six months from the decision); rejected: lifted', () => {
    const decidedAt = new Date('2027-05-20T09:00:00Z');
    const approved = decide(RENEWAL, HEAD, APPROVE, decidedAt);
    if (!approved.ok) return expect.fail(approved.error.message);
    expect(approved.value).to.deep.include({ status: 'active', interim: false, reviewDue: '2027-10-29T08:00:00.000Z' });
    const rejected = decide(RENEWAL, HEAD, { outcome: 'reject', reason: 'Risk has passed.', vulnerabilitiesConsidered: '' }, decidedAt);
    expect(rejected.ok && rejected.value.status).to.equal('lifted');
  });
});

describe('lapses (docs/rules.md#R-marker-lapses)', () => {
  const AFTER = new Date('2027-06-01T09:00:00Z');

  it('recorded once: status lapsed and an audit event whose id names it (after n reviews, a new id)', () => {
    const { measure, audit } = lapse(PAIRS, AFTER);
    expect(measure.status).to.equal('lapsed');
    expect(audit).to.deep.include({ id: `${PAIRS.id}:lapsed`, action: 'measure.lapsed', actor: REVIEW_DATE_PASSED, subject: PAIRS.id });
    expect(lapse(reviewed(WARNING, {}), AFTER).audit.id).to.equal(`${WARNING.id}:lapsed:1`);
    expect([hasLapsed(PAIRS, AT), hasLapsed(PAIRS, AFTER), hasLapsed(measure, AT)]).to.deep.equal([false, true, true]);
  });

  it('reviews look 30 days back and ahead', () => {
    expect(reviewWindow(AT)).to.deep.equal({ from: '2027-04-12T09:00:00.000Z', to: '2027-06-11T09:00:00.000Z' });
  });

  describe('check after visits in pairs lapse unreviewed (docs/rules.md#R-review-lapsed-pairs-check)', () => {
    const open = summarise(emptySummary(PAIRS.customerKey), { created: [PAIRS] });
    const recorded = summarise(open, { changed: [lapse(PAIRS, AFTER).measure] });

    it('warns from the review date, recorded or not, for 30 days', () => {
      expect(pairsLapsedOn(open, AT), 'in force').to.equal(null);
      expect(pairsLapsedOn(open, AFTER), 'not recorded yet').to.equal(PAIRS.reviewDue);
      expect(recorded.lapses).to.deep.equal([{ id: PAIRS.id, kind: 'pairs-visit', on: PAIRS.reviewDue }]);
      expect(pairsLapsedOn(recorded, AFTER), 'recorded').to.equal(PAIRS.reviewDue);
      expect(pairsLapsedOn(recorded, new Date('2027-06-25T10:04:00Z')), 'day 30').to.equal(PAIRS.reviewDue);
      expect(pairsLapsedOn(recorded, new Date('2027-06-25T10:06:00Z')), 'after 30 days').to.equal(null);
    });

    it('not once visits in pairs are in force again, nor once the lapse is reviewed', () => {
      const again = interimPairsVisit(sampleIncident({ reference: 'UB-8HJ-K3M', reportedAt: AFTER.toISOString() }), {
        approverId: HEAD.id,
        deputyId: DEPUTY.id,
      })!;
      expect(pairsLapsedOn(summarise(recorded, { created: [again] }), AFTER)).to.equal(null);
      const lifted = reviewed(lapse(PAIRS, AFTER).measure, { outcome: 'lift' });
      expect(summarise(recorded, { changed: [lifted] }).lapses).to.deep.equal([]);
    });
  });
});
