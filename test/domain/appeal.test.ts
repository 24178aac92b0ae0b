import { expect } from 'chai';
import {
  APPEAL_TEXT_MAX,
  appealId,
  appealable,
  checkAppeal,
  decideAppeal,
  inForceSince,
  isOverdue,
  mayDecideAppeal,
  openAppeal,
  withdraw,
  type Appeal,
  type AppealDecisionInput,
  type AppealValues,
} from '../../src/domain/appeal';
import { independentDeciders, involvedIn } from '../../src/domain/independence';
import { ALWAYS_OPEN, interimPairsVisit, type Measure } from '../../src/domain/measure';
import { build, checkProposal, type ProposalValues } from '../../src/domain/proposal';
import type { Person } from '../../src/domain/records';
import { RECORD_ID_PATTERN } from '../../src/domain/records';
import { decide } from '../../src/domain/signoff';
import type { OpenAppeal } from '../../src/domain/summary';
import { appealDueOn } from '../../src/domain/working-days';
import { termsOf, variationId } from '../../src/domain/variation';
import { TEST_POLICY_VERSION, sampleIncident, samplePersistenceIncident } from '../support/fixtures';

const HEAD: Person = { id: 'hos-housing', name: 'Jo Head' };
const DEPUTY: Person = { id: 'dep-housing', name: 'Sam Deputy' };
const ALTERNATE: Person = { id: 'hos-repairs', name: 'Robin Repairs' };
const CASE_MANAGER: Person = { id: 'cm-1', name: 'Casey Manager' };
const STRANGER: Person = { id: 'user-9', name: 'Sam Frontline' };
const AREA = { headOfService: HEAD.id, deputy: DEPUTY.id, alternates: [ALTERNATE.id] };

/** Friday 19 December 2025, 10:00 UK: the appeal arrives today; due Wednesday 7 January 2026 (§7). */
const NOW = new Date('2025-12-19T10:00:00Z');
const fail = (what: string): never => expect.fail(what);

/** §5.1 violence on 20 Nov 2025: interim visits in pairs, signed off by the Head of Service on 26 Nov. */
const VIOLENCE = sampleIncident({ reportedAt: '2025-11-20T11:05:00.000Z', occurredAt: '2025-11-20T10:40:00.000Z' });
const SIGNED = (() => {
  const interim = interimPairsVisit(VIOLENCE, { approverId: HEAD.id, deputyId: DEPUTY.id })!;
  const d = decide(
    interim,
    HEAD,
    { outcome: 'approve', reason: '', vulnerabilitiesConsidered: 'None known; checked Active H.' },
    new Date('2025-11-26T10:05:00Z'),
  );
  return d.ok ? d.value : fail(d.error.message);
})();

/** A §5.3 contact restriction proposed by a case manager on 1 Dec 2025, in force at once (no sign-off needed). */
const RESTRICTION_TERMS: ProposalValues = {
  kind: 'contact-restriction',
  reasons: 'Fourteen emails this month about the closed damp complaint (UB-4HX-2TW).',
  reviewDate: '2026-05-01',
  vulnerabilitiesConsidered: 'Anxiety noted; email kept open as the channel he prefers.',
  notifyCustomer: 'yes',
  priorWarningSkipReason: 'Warned by phone on 3 Nov; the warning letter was not recorded here.',
  channels: 'email,writing',
  singlePointOfContact: 'Jo Smith',
  maxContactsCount: '3',
  maxContactsPer: 'week',
};
const PERSISTENCE = samplePersistenceIncident({ reportedAt: '2025-11-30T09:00:00.000Z' });
function restriction(values: ProposalValues = RESTRICTION_TERMS, now = new Date('2025-12-01T09:00:00Z')): Measure {
  const checked = checkProposal(values, { incidents: [PERSISTENCE], priorWarning: false, now, policyVersion: TEST_POLICY_VERSION });
  if (!checked.ok) return fail(JSON.stringify(checked.error));
  return build(checked.value, 'UB-4HX-2TW:contact-restriction:abc1234567', 'housing', CASE_MANAGER, [PERSISTENCE.reporter], {
    approverId: null,
    deputyId: null,
  });
}
const RESTRICTION = restriction();

const VALUES: AppealValues = {
  measureId: RESTRICTION.id,
  appellant: 'representative',
  representativeName: 'Jo\u200B Advocate',
  channel: 'letter',
  receivedOn: '2025-12-19',
  grounds: 'Email is the only way he can manage since his stroke; the single point of contact never answers.',
};

function checked(values: AppealValues = VALUES, measure: Measure | null = RESTRICTION, open: OpenAppeal[] = [], now = NOW) {
  return checkAppeal(values, { measure, open, now });
}
function errorsOf(values: AppealValues, measure: Measure | null = RESTRICTION, open: OpenAppeal[] = []) {
  const r = checked(values, measure, open);
  return r.ok ? fail('expected the appeal to be refused') : r.error;
}

/** The appeal against `m`, recorded by the case manager and asked of the first two independent of the measure's history. */
function recorded(m: Measure = RESTRICTION, values: AppealValues = { ...VALUES, measureId: m.id }): Appeal {
  const r = checked(values, m);
  if (!r.ok) return fail(JSON.stringify(r.error));
  const id = appealId(m.id, CASE_MANAGER.id, 'form-0001');
  return openAppeal(
    r.value,
    { id, customerKey: m.customerKey, by: CASE_MANAGER, now: NOW, policyVersion: TEST_POLICY_VERSION },
    independentDeciders(AREA, involvedIn(m)),
  );
}

const DECIDED = new Date('2025-12-22T15:00:00Z');
const REASONS = 'Spoke to the customer and his advocate: the restriction stands as set.';
function decided(a: Appeal, m: Measure, by: Person, input: AppealDecisionInput) {
  const r = decideAppeal(a, m, by, input, DECIDED, TEST_POLICY_VERSION);
  return r.ok ? r.value : fail(`${r.error.code}: ${r.error.message}`);
}
function refused(a: Appeal, m: Measure, by: Person, input: AppealDecisionInput = { outcome: 'uphold', reasons: REASONS }) {
  const r = decideAppeal(a, m, by, input, DECIDED, TEST_POLICY_VERSION);
  return r.ok ? fail('expected the decision to be refused') : r.error;
}

/** New terms as the variation form sends them: email only, no single point of contact. */
function variation(m: Measure, over: ProposalValues = {}) {
  const values = {
    ...termsOf(m, DECIDED),
    reasons: 'Email only suits his disability; a named contact is not needed.',
    singlePointOfContact: '',
    channels: 'email',
    ...over,
  };
  const c = checkProposal(values, { incidents: [PERSISTENCE], priorWarning: true, now: DECIDED, policyVersion: TEST_POLICY_VERSION });
  return c.ok ? c.value : fail(JSON.stringify(c.error));
}

describe('appeals (§7): recording', () => {
  it('accepted: every field recorded, due on the 10th working day after receipt, under the policy version', () => {
    const a = recorded();
    expect(a).to.deep.include({
      type: 'appeal',
      customerKey: 'T009981',
      measureId: RESTRICTION.id,
      measureKind: 'contact-restriction',
      status: 'open',
      appellant: { kind: 'representative', name: 'Jo Advocate' },
      channel: 'letter',
      receivedOn: '2025-12-19',
      dueOn: '2026-01-07',
      grounds: VALUES.grounds,
      recordedBy: CASE_MANAGER,
      recordedAt: NOW.toISOString(),
      decision: null,
      withdrawn: null,
      policyVersion: TEST_POLICY_VERSION,
    });
    expect(a.dueOn).to.equal(appealDueOn(a.receivedOn));
    expect(a.id).to.match(RECORD_ID_PATTERN);
  });

  it('the customer appealing names nobody else; the id derives from the form, so a repeat is the same appeal', () => {
    expect(recorded(RESTRICTION, { ...VALUES, appellant: 'customer', representativeName: 'ignored' }).appellant).to.deep.equal({
      kind: 'customer',
      name: null,
    });
    expect(appealId(RESTRICTION.id, CASE_MANAGER.id, 'form-0001')).to.equal(appealId(RESTRICTION.id, CASE_MANAGER.id, 'form-0001'));
    expect(appealId(RESTRICTION.id, CASE_MANAGER.id, 'form-0002')).not.to.equal(appealId(RESTRICTION.id, CASE_MANAGER.id, 'form-0001'));
  });

  it('due dates count England and Wales working days: Christmas, New Year, the August bank holiday', () => {
    const due = (receivedOn: string, now: string) => {
      const m = { ...RESTRICTION, proposedAt: '2025-01-02T09:00:00.000Z', reviewDue: '2099-01-01T00:00:00.000Z' };
      const r = checkAppeal({ ...VALUES, receivedOn }, { measure: m, open: [], now: new Date(now) });
      return r.ok ? r.value.dueOn : fail(JSON.stringify(r.error));
    };
    expect(due('2025-12-19', '2025-12-19T12:00:00Z')).to.equal('2026-01-07'); // 25, 26 Dec and 1 Jan out
    expect(due('2026-08-21', '2026-08-21T12:00:00Z')).to.equal('2026-09-07'); // Monday 31 August out
    expect(due('2026-03-28', '2026-03-29T12:00:00Z')).to.equal('2026-04-14'); // a Saturday, over the clock change and Easter
  });

  it('every problem at once, each saying what to do', () => {
    const errors = errorsOf({
      measureId: RESTRICTION.id,
      appellant: 'representative',
      representativeName: ' ',
      channel: 'fax',
      receivedOn: '2025-12-20',
      grounds: 'unfair',
    });
    expect(Object.keys(errors).sort()).to.deep.equal(['channel', 'grounds', 'receivedOn', 'representativeName']);
    expect(errors.receivedOn).to.equal('The date received cannot be in the future');
    expect(errors.grounds).to.include('at least 10 characters');
    expect(errorsOf({})).to.include.keys('measureId', 'appellant', 'channel', 'receivedOn', 'grounds');
    expect(errorsOf({ ...VALUES, receivedOn: '2025-02-30' }).receivedOn).to.equal('Enter a real date');
    expect(errorsOf({ ...VALUES, grounds: 'x'.repeat(APPEAL_TEXT_MAX + 1) }).grounds).to.include(`${APPEAL_TEXT_MAX} characters`);
  });

  describe('only a measure in force, one appeal at a time (R-appeal-in-force)', () => {
    const interim = interimPairsVisit(VIOLENCE, { approverId: HEAD.id, deputyId: DEPUTY.id })!;
    const cases: [string, Measure | null][] = [
      ['no measure', null],
      ['an interim marker awaiting sign-off', interim],
      ['a proposal awaiting sign-off', { ...RESTRICTION, status: 'pending-sign-off' }],
      ['a lifted measure', { ...RESTRICTION, status: 'lifted' }],
      ['a measure past its review date (lapsed, §8)', { ...RESTRICTION, reviewDue: '2025-12-18T09:00:00.000Z' }],
    ];
    for (const [what, m] of cases)
      it(`refused: ${what}`, () => {
        expect(errorsOf({ ...VALUES, measureId: m?.id ?? 'x' }, m).measureId).to.include('only a measure in force can be appealed (§7)');
        if (m) expect(appealable(m, NOW)).to.equal(false);
      });

    it('refused while an appeal against the same measure is open, saying when that one is due', () => {
      const open: OpenAppeal = { id: 'a1', measureId: RESTRICTION.id, dueOn: '2026-01-05', approverId: HEAD.id, deputyId: DEPUTY.id };
      expect(errorsOf(VALUES, RESTRICTION, [open]).measureId).to.equal(
        'An appeal against this measure is already open, due Monday 5 January 2026: one appeal at a time (§7)',
      );
      expect(checked(VALUES, RESTRICTION, [{ ...open, measureId: 'another' }]).ok).to.equal(true);
    });
  });

  describe('not received before the measure came into force', () => {
    it('a measure needing no sign-off: from its proposal', () => {
      expect(inForceSince(RESTRICTION)).to.equal('2025-12-01');
      expect(errorsOf({ ...VALUES, receivedOn: '2025-11-30' }).receivedOn).to.equal(
        'The appeal cannot have arrived before the measure came into force (Monday 1 December 2025)',
      );
      expect(checked({ ...VALUES, receivedOn: '2025-12-01' }).ok).to.equal(true);
    });

    it('an interim §5.1 marker: from its report, before it was signed off (the customer is told at once, §5.1)', () => {
      expect(inForceSince(SIGNED)).to.equal('2025-11-20');
      expect(checked({ ...VALUES, measureId: SIGNED.id, receivedOn: '2025-11-21' }, SIGNED).ok).to.equal(true);
    });

    it('a proposal that needed sign-off: from the decision', () => {
      const proposed = {
        ...RESTRICTION,
        id: 'UB-4HX-2TW:pairs-visit:abc',
        signOff: { ...SIGNED.signOff!, decision: { ...SIGNED.signOff!.decision!, at: '2025-12-10T12:00:00.000Z' } },
      };
      expect(inForceSince(proposed)).to.equal('2025-12-10');
    });
  });
});

describe('appeals (§7): who decides (R-appeal-independent)', () => {
  it('the first two on the area’s list who took no part in the measure’s whole history', () => {
    // The Head of Service signed the marker off: the deputy and the alternate decide its appeal, never the approver.
    expect(recorded(SIGNED)).to.deep.include({ approverId: DEPUTY.id, deputyId: ALTERNATE.id });
    // The deputy decided an earlier appeal on it too: only the alternate is left.
    expect(recorded({ ...SIGNED, deciders: [HEAD.id, DEPUTY.id] })).to.deep.include({ approverId: ALTERNATE.id, deputyId: null });
    // Everyone took part: nobody may decide (the case managers are told).
    expect(recorded({ ...SIGNED, reporters: [ALTERNATE.id], deciders: [HEAD.id, DEPUTY.id] })).to.deep.include({ approverId: null, deputyId: null });
  });

  it('only those two, and only while still independent: a decider who has since taken part may not', () => {
    const a = recorded(SIGNED);
    expect(mayDecideAppeal(a, SIGNED, DEPUTY.id)).to.equal(true);
    expect(mayDecideAppeal(a, SIGNED, ALTERNATE.id)).to.equal(true);
    for (const by of [HEAD, CASE_MANAGER, STRANGER]) {
      expect(mayDecideAppeal(a, SIGNED, by.id), by.name).to.equal(false);
      expect(refused(a, SIGNED, by).code).to.equal('NotDecider');
    }
    const reportedSince = { ...SIGNED, reporters: [...SIGNED.reporters, DEPUTY.id] };
    expect(refused(a, reportedSince, DEPUTY).code).to.equal('NotDecider');
  });
});

describe('appeals (§7): outcomes (R-appeal-outcome)', () => {
  const a = recorded();
  const before = structuredClone({ a, RESTRICTION });

  it('upheld: the measure stands, the decider joins its deciders; reasons, decider and policy version on the appeal', () => {
    const d = decided(a, RESTRICTION, HEAD, { outcome: 'uphold', reasons: `  ${REASONS}  ` });
    expect(d.appeal.status).to.equal('upheld');
    expect(d.appeal.decision).to.deep.equal({
      outcome: 'upheld',
      by: HEAD,
      at: DECIDED.toISOString(),
      reasons: REASONS,
      variedTo: null,
      policyVersion: TEST_POLICY_VERSION,
    });
    expect(d.measure).to.deep.equal({ ...RESTRICTION, deciders: [HEAD.id] });
    expect(d.replacement).to.equal(null);
  });

  it('overturned: the measure is lifted at once, saying so', () => {
    const d = decided(a, RESTRICTION, DEPUTY, { outcome: 'overturn', reasons: REASONS });
    expect(d.appeal.status).to.equal('overturned');
    expect(d.measure).to.deep.include({ status: 'lifted', liftedOnAppeal: { appealId: a.id, replacedBy: null }, deciders: [DEPUTY.id] });
  });

  it('varied: the measure is lifted and replaced, the new terms in force at once with the same history', () => {
    const id = variationId(a.id, RESTRICTION);
    const d = decided(a, RESTRICTION, HEAD, { outcome: 'vary', reasons: REASONS, variation: { checked: variation(RESTRICTION), id } });
    expect(d.appeal.decision).to.deep.include({ outcome: 'varied', variedTo: id });
    expect(d.measure).to.deep.include({ status: 'lifted', liftedOnAppeal: { appealId: a.id, replacedBy: id } });
    const r = d.replacement!;
    expect(r).to.deep.include({
      id,
      kind: 'contact-restriction',
      status: 'active',
      interim: false,
      customerKey: RESTRICTION.customerKey,
      serviceArea: RESTRICTION.serviceArea,
      incidentRefs: RESTRICTION.incidentRefs,
      proposedBy: RESTRICTION.proposedBy,
      proposedAt: DECIDED.toISOString(),
      reporters: RESTRICTION.reporters,
      deciders: [HEAD.id],
      signOff: null,
      policyVersion: TEST_POLICY_VERSION,
    });
    expect(r.restriction).to.deep.include({ channels: ['email'], singlePointOfContact: null });
    expect(id).to.match(RECORD_ID_PATTERN).and.have.length.below(50);
  });

  it('varied into terms that need sign-off (§5.2): signed off by the independent appeal decider', () => {
    const a2 = recorded(SIGNED);
    const terms = variation(SIGNED, {
      reviewDate: '2026-06-01',
      notifyCustomer: 'no',
      noNotificationJustification: 'Telling him would put the neighbour who reported the threats at risk.',
    });
    const d = decided(a2, SIGNED, DEPUTY, { outcome: 'vary', reasons: REASONS, variation: { checked: terms, id: variationId(a2.id, SIGNED) } });
    expect(d.replacement!.status).to.equal('active');
    expect(d.replacement!.signOff).to.deep.include({ reasons: ['pairs-visit', 'no-notification'], approverId: DEPUTY.id, deputyId: null });
    expect(d.replacement!.signOff!.decision).to.deep.include({ outcome: 'approved', by: DEPUTY, at: DECIDED.toISOString() });
    // Everyone before is still involved: the approver of the marker, its reporter, and now the deputy.
    expect([...involvedIn(d.replacement!)].sort()).to.deep.equal([DEPUTY.id, HEAD.id, VIOLENCE.reporter.id].sort());
  });

  it('refused: no reasons; a measure no longer in force; decided or withdrawn already (saying by whom)', () => {
    for (const reasons of ['', '   ', 'unfair'])
      expect(refused(a, RESTRICTION, HEAD, { outcome: 'overturn', reasons }).code).to.equal('ReasonsRequired');
    expect(refused(a, { ...RESTRICTION, status: 'lifted' }, HEAD).code).to.equal('MeasureEnded');
    const upheld = decided(a, RESTRICTION, HEAD, { outcome: 'uphold', reasons: REASONS }).appeal;
    const second = refused(upheld, RESTRICTION, DEPUTY, { outcome: 'overturn', reasons: REASONS });
    expect(second.code).to.equal('AlreadyDecided');
    expect(second.message).to.include('Jo Head').and.include('upheld');
    const gone = withdraw(a, CASE_MANAGER, '2025-12-19', NOW);
    expect(refused(gone.ok ? gone.value : fail('withdrawn'), RESTRICTION, HEAD).code).to.equal('Withdrawn');
  });

  it('changes neither record it is given', () => {
    decided(a, RESTRICTION, HEAD, { outcome: 'vary', reasons: REASONS, variation: { checked: variation(RESTRICTION), id: 'x' } });
    expect({ a, RESTRICTION }).to.deep.equal(before);
  });
});

describe('appeals (§7): withdrawal, overdue, the variation form', () => {
  const a = recorded();

  it('withdrawn on a day between receipt and today, by whom and when recorded', () => {
    const w = withdraw(a, CASE_MANAGER, '2025-12-19', NOW);
    expect(w.ok && w.value).to.deep.include({ status: 'withdrawn', withdrawn: { on: '2025-12-19', by: CASE_MANAGER, at: NOW.toISOString() } });
    const codes = ['2025-12-20', '2025-12-18', '2025-13-01', ''].map((on) => {
      const r = withdraw(a, CASE_MANAGER, on, NOW);
      return r.ok ? 'ok' : r.error.message;
    });
    expect(codes).to.deep.equal([
      'The date withdrawn cannot be in the future.',
      'The date withdrawn cannot be before the appeal arrived (Friday 19 December 2025).',
      'Enter the date the appeal was withdrawn.',
      'Enter the date the appeal was withdrawn.',
    ]);
    const again = withdraw(w.ok ? w.value : fail('withdrawn'), CASE_MANAGER, '2025-12-19', NOW);
    expect(again.ok || again.error.code).to.equal('Withdrawn');
  });

  it('overdue from the day after it was due (UK days)', () => {
    expect(isOverdue(a, new Date('2026-01-07T23:30:00Z'))).to.equal(false);
    expect(isOverdue(a, new Date('2026-01-08T00:01:00Z'))).to.equal(true);
  });

  it('the form starts from the terms as they stand: checked again, they give the same measure (standard wording rewritten)', () => {
    const terms = termsOf(RESTRICTION, DECIDED);
    expect(terms).to.deep.include({
      kind: 'contact-restriction',
      reasons: '',
      instructions: '',
      reviewDate: '2026-05-01',
      channels: 'email,writing',
      maxContactsCount: '3',
    });
    const again = variation(RESTRICTION, { reasons: RESTRICTION.reasons, singlePointOfContact: 'Jo Smith', channels: 'email,writing' });
    expect(again.restriction).to.deep.equal(RESTRICTION.restriction);
    expect(again.instructions).to.equal(RESTRICTION.instructions);
  });

  it('the form keeps wording of their own, without the line every restriction ends with (it is added again)', () => {
    const own = restriction({ ...RESTRICTION_TERMS, instructions: 'Only Jo Smith replies, by email.' });
    expect(own.instructions).to.equal(`Only Jo Smith replies, by email. ${ALWAYS_OPEN}`);
    expect(termsOf(own, DECIDED).instructions).to.equal('Only Jo Smith replies, by email.');
    // A review date more than six months from the variation is brought within six months (§8).
    expect(termsOf({ ...own, reviewDue: '2026-08-01T08:00:00.000Z' }, DECIDED).reviewDate).to.equal('2026-06-22');
  });
});
