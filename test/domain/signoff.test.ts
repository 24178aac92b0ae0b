import { expect } from 'chai';
import { decide, mayDecide, type DecisionInput } from '../../src/domain/signoff';
import { interimPairsVisit, type Measure } from '../../src/domain/measure';
import { build, checkProposal } from '../../src/domain/proposal';
import type { Person } from '../../src/domain/records';
import { TEST_POLICY_VERSION, sampleIncident } from '../support/fixtures';

const REPORTED = new Date('2026-11-20T11:05:00Z');
/** The Head of Service decides six days later: Thursday 26 Nov 2026, 10:05 UK time (GMT). */
const DECIDED = new Date('2026-11-26T10:05:00Z');

const HEAD: Person = { id: 'hos-housing', name: 'Jo Head' };
const DEPUTY: Person = { id: 'dep-housing', name: 'Sam Deputy' };
const OTHERS: Person[] = [
  { id: 'cm-1', name: 'Casey Manager (proposer)' },
  { id: 'hos-repairs', name: 'Head of another service area' },
  { id: 'user-1', name: 'Alex Wilber (reporter)' },
];

/** §5.1 violence at a home visit, reported at REPORTED. */
const VIOLENCE = sampleIncident({ reportedAt: REPORTED.toISOString() });

/** §5.1: visits in pairs from the moment of the report, pending sign-off; nothing recorded yet about vulnerabilities. */
const INTERIM = interimPairsVisit(VIOLENCE, { approverId: HEAD.id, deputyId: DEPUTY.id })!;

/** A proposed (not interim) contact restriction the customer is not told of: needs sign-off for no-notification (§5.2). */
function proposedNoNotification(): Measure {
  const checked = checkProposal(
    {
      kind: 'contact-restriction',
      reasons: 'Threats relayed through neighbours after the visit of 20 Nov (UB-7K3-M9Q).',
      reviewDate: '2027-03-01',
      vulnerabilitiesConsidered: 'No vulnerabilities recorded in Active H; telephone and email stay open.',
      notifyCustomer: 'no',
      noNotificationJustification: 'Telling the customer would put the neighbour who reported the threats at risk of retaliation.',
      channels: 'email,telephone',
    },
    { incidents: [VIOLENCE], priorWarning: true, now: REPORTED, policyVersion: TEST_POLICY_VERSION },
  );
  if (!checked.ok) throw new Error(`fixture invalid: ${JSON.stringify(checked.error)}`);
  return build(checked.value, 'UB-7K3-M9Q:contact-restriction:abc', 'housing', OTHERS[0]!, [], { approverId: HEAD.id, deputyId: DEPUTY.id });
}
const PROPOSED = proposedNoNotification();

const APPROVE: DecisionInput = { outcome: 'approve', reason: '', vulnerabilitiesConsidered: 'Checked Active H: no known vulnerabilities.' };
const REJECT: DecisionInput = { outcome: 'reject', reason: 'Risk not borne out by the officers’ accounts.', vulnerabilitiesConsidered: '' };

function ok(m: Measure, by: Person, input: DecisionInput, now = DECIDED): Measure {
  const r = decide(m, by, input, now);
  if (!r.ok) return expect.fail(`expected the decision to go through, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

function refused(m: Measure, by: Person, input: DecisionInput) {
  const r = decide(m, by, input, DECIDED);
  if (r.ok) return expect.fail('expected the decision to be refused');
  return r;
}

describe('sign-off: decide()', () => {
  it('fixtures: the interim marker and the no-notification proposal both await sign-off', () => {
    expect(INTERIM).to.deep.include({ status: 'pending-sign-off', interim: true, vulnerabilitiesConsidered: null });
    expect(PROPOSED).to.deep.include({ status: 'pending-sign-off', interim: false });
    expect(PROPOSED.signOff).to.deep.include({ reasons: ['no-notification'], approverId: HEAD.id, deputyId: DEPUTY.id, decision: null });
  });

  describe('§5.2: only the Head of Service for the area, or the configured deputy, decides', () => {
    for (const by of [HEAD, DEPUTY])
      it(`${by.name} may approve and reject`, () => {
        expect(mayDecide(INTERIM, by.id)).to.equal(true);
        expect(ok(INTERIM, by, APPROVE).signOff!.decision!.by).to.deep.equal(by);
        expect(ok(PROPOSED, by, REJECT).signOff!.decision!.by).to.deep.equal(by);
      });

    for (const by of OTHERS)
      it(`${by.name} may not: NotApprover`, () => {
        expect(mayDecide(INTERIM, by.id)).to.equal(false);
        for (const input of [APPROVE, REJECT]) expect(refused(INTERIM, by, input).error.code).to.equal('NotApprover');
      });

    it('with no deputy configured, nobody else slips through (not even an empty id)', () => {
      const noDeputy: Measure = { ...INTERIM, signOff: { ...INTERIM.signOff!, deputyId: null } };
      expect(refused(noDeputy, DEPUTY, APPROVE).error.code).to.equal('NotApprover');
      expect(refused(noDeputy, { id: '', name: 'Nobody' }, APPROVE).error.code).to.equal('NotApprover');
      expect(mayDecide(noDeputy, HEAD.id)).to.equal(true);
    });

    it('a measure that needs no sign-off cannot be decided: NoSignOff', () => {
      const none: Measure = { ...PROPOSED, signOff: null, status: 'active' };
      expect(refused(none, HEAD, APPROVE).error.code).to.equal('NoSignOff');
      expect(mayDecide(none, HEAD.id)).to.equal(false);
    });
  });

  it('already decided: AlreadyDecided, naming who decided, for the other approver and for a second click', () => {
    const decided = ok(INTERIM, HEAD, APPROVE);
    for (const [by, input] of [
      [DEPUTY, REJECT],
      [HEAD, APPROVE],
    ] as const) {
      const r = refused(decided, by, input);
      expect(r.error.code).to.equal('AlreadyDecided');
      expect(r.error.message).to.include('Jo Head').and.to.include('approved');
    }
  });

  it('reject needs a reason (R-signoff-reject-reason): none, blank or a single short word is refused', () => {
    for (const reason of ['', '    ', 'no']) {
      const r = refused(PROPOSED, HEAD, { ...REJECT, reason });
      expect(r.error.code, JSON.stringify(reason)).to.equal('ReasonRequired');
    }
  });

  describe('§6: approval needs vulnerabilities and reasonable adjustments considered', () => {
    it('refused when nothing is recorded on the measure or given with the decision', () => {
      for (const vulnerabilitiesConsidered of ['', '   ']) {
        const r = refused(INTERIM, HEAD, { ...APPROVE, vulnerabilitiesConsidered });
        expect(r.error.code).to.equal('VulnerabilitiesRequired');
        expect(r.error.message).to.include('§6');
      }
    });

    it('given with the decision: recorded on the measure', () => {
      expect(ok(INTERIM, HEAD, APPROVE).vulnerabilitiesConsidered).to.equal(APPROVE.vulnerabilitiesConsidered);
    });

    it('already recorded on the measure by the proposer: approval needs nothing more, and the record is kept', () => {
      const m = ok(PROPOSED, DEPUTY, { ...APPROVE, vulnerabilitiesConsidered: '' });
      expect(m.vulnerabilitiesConsidered).to.equal(PROPOSED.vulnerabilitiesConsidered);
    });
  });

  it('approving the interim §5.1 marker: in force, no longer interim, review six months after the decision (§8)', () => {
    const m = ok(INTERIM, HEAD, APPROVE);
    expect(m.status).to.equal('active');
    expect(m.interim).to.equal(false);
    expect(m.reviewDue).to.equal('2027-05-26T10:05:00.000Z');
    expect(m.signOff!.decision).to.deep.equal({ outcome: 'approved', by: HEAD, at: DECIDED.toISOString(), reason: null });
  });

  it('approving a proposal keeps the review date the proposer chose (at most six months, checked then)', () => {
    const m = ok(PROPOSED, HEAD, APPROVE);
    expect(m.status).to.equal('active');
    expect(m.reviewDue).to.equal(PROPOSED.reviewDue);
  });

  it('rejecting the interim marker lifts it, with the reason recorded', () => {
    const m = ok(INTERIM, DEPUTY, REJECT);
    expect(m.status).to.equal('lifted');
    expect(m.interim).to.equal(false);
    expect(m.signOff!.decision).to.deep.equal({ outcome: 'rejected', by: DEPUTY, at: DECIDED.toISOString(), reason: REJECT.reason });
  });

  it('rejecting a proposal that was never in force: rejected', () => {
    const m = ok(PROPOSED, HEAD, { ...REJECT, reason: '  Not exceptional enough to withhold the letter.  ' });
    expect(m.status).to.equal('rejected');
    expect(m.signOff!.decision!.reason).to.equal('Not exceptional enough to withhold the letter.');
    expect(m.reviewDue).to.equal(PROPOSED.reviewDue);
  });

  it('the measure passed in is not changed (the store writes the returned copy with its ETag)', () => {
    for (const original of [INTERIM, PROPOSED]) {
      const before = structuredClone(original);
      ok(original, HEAD, APPROVE);
      ok(original, DEPUTY, REJECT);
      refused(original, OTHERS[0]!, APPROVE);
      expect(original).to.deep.equal(before);
      expect(original.signOff!.decision).to.equal(null);
    }
  });
});
