import { expect } from 'chai';
import {
  LETTER_INCIDENTS_MAX,
  LETTER_KIND_IDS,
  letterFor,
  type LetterDraft,
  type LetterFacts,
  type LetterKind,
  type LetterValuesByKind,
} from '../../src/domain/letters';
import { interimPairsVisit, type Measure } from '../../src/domain/measure';
import { lapse } from '../../src/domain/review';
import { decide } from '../../src/domain/signoff';
import {
  ABUSE,
  APPEAL_REASONS,
  DAMAGE,
  HISTORY,
  HEAD,
  LETTER_CASES,
  NOT_TOLD,
  PAIRS,
  PERSISTENCE,
  PROPOSED,
  RECHARGE,
  REFERRAL,
  RESTRICTION_ADVOCATE,
  RESTRICTION_ALL,
  REVIEWED,
  VIOLENCE,
  WARNING_ABUSE,
  WARNING_PERSISTENCE,
  appealed,
  reviewed,
  varied,
} from '../support/letter-cases';

const facts = (incidents = [VIOLENCE], now = PROPOSED): LetterFacts => ({ incidents, now });
function letter(measure: Measure, f: LetterFacts = facts()): LetterDraft {
  const d = letterFor({ about: 'measure', measure }, f);
  if (!d) throw new Error('expected a letter');
  return d;
}
/** The draft's values for one kind, typed: fails when the letter is another kind. */
function valuesOf<K extends LetterKind>(d: LetterDraft | null, kind: K): LetterValuesByKind[K] {
  expect(d?.kind).to.equal(kind);
  return d!.values as LetterValuesByKind[K];
}

describe('letters: which decision writes which letter (R-letter-which)', () => {
  it('every letter kind is written by some decision', () => {
    const written = new Set(LETTER_CASES.map((c) => letterFor(c.decision, c.facts)?.kind));
    expect([...written].sort()).to.deep.equal([...LETTER_KIND_IDS].sort());
    for (const c of LETTER_CASES) expect(letterFor(c.decision, c.facts)?.kind, c.name).to.equal(c.kind);
  });

  it('none when not telling the customer was signed off (§5.2), whatever the decision', () => {
    expect(NOT_TOLD.status).to.equal('active');
    expect(letterFor({ about: 'measure', measure: NOT_TOLD }, facts([PERSISTENCE]))).to.equal(null);
    expect(letterFor({ about: 'review', measure: reviewed(NOT_TOLD, {}) }, facts([PERSISTENCE], REVIEWED))).to.equal(null);
    expect(letterFor({ about: 'appeal', ...appealed(NOT_TOLD, { outcome: 'uphold', reasons: APPEAL_REASONS }) }, facts([PERSISTENCE]))).to.equal(
      null,
    );
  });

  it('none for a referral: the Community Safety Policy’s, not this one’s (§4.1, §8)', () => {
    expect(REFERRAL.status).to.equal('active');
    expect(letterFor({ about: 'measure', measure: REFERRAL }, facts())).to.equal(null);
  });

  it('none when sign-off rejects: the customer was never told of it', () => {
    const interim = interimPairsVisit(VIOLENCE, { approverId: HEAD.id, deputyId: null })!;
    const rejected = decide(interim, HEAD, { outcome: 'reject', reason: 'Not a §5.1 incident.', vulnerabilitiesConsidered: '' }, PROPOSED);
    if (!rejected.ok) throw new Error(rejected.error.message);
    expect(rejected.value.status).to.equal('lifted');
    expect(letterFor({ about: 'measure', measure: rejected.value }, facts())).to.equal(null);
  });

  it('too early or no decision is an error, not a silent none: awaiting sign-off, lapsed', () => {
    const interim = interimPairsVisit(VIOLENCE, { approverId: HEAD.id, deputyId: null })!;
    expect(() => letterFor({ about: 'measure', measure: interim }, facts())).to.throw(/pending-sign-off: write it when it is decided/);
    const lapsed = lapse(PAIRS, new Date('2027-06-01T09:00:00Z')).measure;
    expect(() => letterFor({ about: 'measure', measure: lapsed }, facts())).to.throw(/as lapsed/);
    expect(() => letterFor({ about: 'review', measure: PAIRS }, facts())).to.throw(/no review to write about/);
  });

  it('a continuation needing sign-off is written once signed off: continued if approved, ended if rejected (§5.2, §8)', () => {
    const continued = reviewed(PAIRS, { nextReview: '2027-08-31' });
    expect(continued.status).to.equal('pending-sign-off');
    expect(() => letterFor({ about: 'review', measure: continued }, facts([VIOLENCE], REVIEWED))).to.throw(/not final/);
    const approve = (outcome: 'approve' | 'reject') => {
      const r = decide(continued, HEAD, { outcome, reason: 'Reviewed the incidents.', vulnerabilitiesConsidered: 'None known.' }, REVIEWED);
      if (!r.ok) throw new Error(r.error.message);
      return letter(r.value, facts([VIOLENCE], REVIEWED));
    };
    const yes = approve('approve');
    expect(valuesOf(yes, 'review-continued').reviewDate).to.equal('Tuesday 31 August 2027');
    expect(yes.id).to.equal(`${PAIRS.id}:review:1:letter`);
    expect(approve('reject').kind).to.equal('review-lifted');
  });
});

describe('letters: what each letter states', () => {
  it('visits in pairs: the incident by date, how and behaviour, the §5.1 circumstances, the review date (§5.1, §8)', () => {
    const v = valuesOf(letter(PAIRS), 'visits-in-pairs');
    expect(v).to.deep.include({
      letterDate: 'Monday 30 November 2026',
      customerName: 'Sam O’Neill',
      customerRef: 'T004512',
      reviewDate: 'Wednesday 26 May 2027',
      pairsVisit: true,
      restriction: false,
      aggression: true,
      earlierIncidents: false,
      advocate: false,
      appealBy: false,
    });
    expect(v.incidents).to.deep.equal([
      {
        date: 'Friday 20 November 2026',
        reference: 'UB-7K3-M9Q',
        how: 'at a visit or meeting at your home',
        category: 'Aggressive or abusive behaviour',
        behaviours: 'physical violence or harassment and intimidation or threatening behaviour towards staff members by any means',
        circumstances: { list: 'physical violence and threat of violence' },
        actions: { done: 'ended the visit or meeting' },
      },
    ]);
  });

  it('never the account of what happened, nor the reasons staff wrote (R-letter-incidents)', () => {
    for (const c of LETTER_CASES) {
      const json = JSON.stringify(letterFor(c.decision, c.facts));
      for (const i of c.facts.incidents) {
        expect(json, c.name).not.to.include(i.description.slice(0, 40));
        if (i.crimeReference) expect(json, c.name).not.to.include(i.crimeReference);
      }
      const m = c.decision.measure;
      expect(json, c.name).not.to.include(m.reasons);
      if (m.vulnerabilitiesConsidered) expect(json, c.name).not.to.include(m.vulnerabilitiesConsidered);
    }
  });

  it('a warning for abuse carries the tenancy clause; for persistence, the §5.3 actions and the §4.3 reminder', () => {
    const abuse = valuesOf(letter(WARNING_ABUSE, facts([ABUSE])), 'warning');
    expect(abuse).to.deep.include({ aggression: true, demandsOrPersistence: false, feedbackReminder: false, warning: true });
    expect(abuse.incidents[0]!.actions).to.deep.equal({ done: 'warned you that this behaviour was unacceptable and ended the phone call' });
    const persistence = valuesOf(letter(WARNING_PERSISTENCE, facts([PERSISTENCE])), 'warning');
    expect(persistence).to.deep.include({ aggression: false, demandsOrPersistence: true, feedbackReminder: true });
  });

  it('contact limits: what is limited, what stays open, appeals only through the ways left open (§5.3, §6, §7)', () => {
    const v = valuesOf(letter(RESTRICTION_ALL, facts(HISTORY)), 'contact-restriction');
    expect(v.restriction).to.deep.equal({
      channelsOpen: 'letter or email',
      channelsClosed: { list: 'telephone or in person' },
      singlePointOfContact: { name: 'Jo Smith, Tenancy Officer' },
      limitedTimes: { times: 'Tuesdays and Thursdays, 10am to 12 noon' },
      maxContacts: { limit: '3 times a week' },
      declineWithoutNewEvidence: true,
      maxIssues: { limit: '1 issue a quarter' },
      thirdParty: { name: 'Pat Green (Citizens Advice)' },
    });
    expect(v.appealHow).to.equal('by letter or by email');
    const open = valuesOf(letter(RESTRICTION_ADVOCATE, facts([PERSISTENCE])), 'contact-restriction');
    expect(open.restriction && open.restriction.channelsClosed).to.equal(false);
    expect(valuesOf(letter(PAIRS), 'visits-in-pairs').appealHow).to.equal('by letter, by email, by telephone, in person or through our online form');
  });

  it(`lists the newest ${LETTER_INCIDENTS_MAX} incidents and counts the earlier ones; a missing incident is an error`, () => {
    const v = valuesOf(letter(RESTRICTION_ALL, facts(HISTORY)), 'contact-restriction');
    expect(v.incidents.map((i) => i.reference)).to.deep.equal(HISTORY.slice(-LETTER_INCIDENTS_MAX).map((i) => i.reference));
    expect(v.earlierIncidents).to.deep.equal({ count: 5 });
    expect(() => letter(RESTRICTION_ALL, facts(HISTORY.slice(0, -1)))).to.throw(`Incident ${HISTORY.at(-1)!.reference}, which measure`);
    expect(() => letter(PAIRS, facts([{ ...VIOLENCE, customerKey: 'SOMEONE-ELSE' }]))).to.throw(/was not given/);
  });

  it('recharge (§4.1): the damage and its circumstances', () => {
    const v = valuesOf(letter(RECHARGE, facts([DAMAGE])), 'recharge');
    expect(v).to.deep.include({ recharge: true, pairsVisit: false, warning: false, restriction: false });
    expect(v.incidents[0]!.circumstances).to.deep.equal({ list: 'deliberate damage to property' });
  });

  it('an appeal deadline only where one is given, a day after the letter (§7 sets none)', () => {
    const withDeadline = (appealBy: string | null) => valuesOf(letter(WARNING_ABUSE, { ...facts([ABUSE]), appealBy }), 'warning').appealBy;
    expect(withDeadline(null)).to.equal(false);
    expect(withDeadline('2026-12-31')).to.deep.equal({ date: 'Thursday 31 December 2026' });
    expect(() => withDeadline('2026-11-30')).to.throw(/after the letter's date/);
    expect(() => withDeadline('31/12/2026')).to.throw(/YYYY-MM-DD/);
  });
});

describe('letters: appeal and review outcomes (§7, §8)', () => {
  it('upheld: the reasons, who appealed, the terms that stand', () => {
    const d = letterFor({ about: 'appeal', ...appealed(RESTRICTION_ALL, { outcome: 'uphold', reasons: APPEAL_REASONS }) }, facts(HISTORY));
    const v = valuesOf(d, 'appeal-upheld');
    expect(v).to.deep.include({
      appealedMeasure: 'the limits we set on how you contact us',
      appealReceived: 'Friday 18 December 2026',
      appellant: 'Sam Advocate',
      reasons: APPEAL_REASONS,
      decidedOn: 'Monday 4 January 2027',
      reviewDate: 'Friday 28 May 2027',
    });
    expect(d!.addressee.copyTo).to.deep.equal({ name: 'Sam Advocate', as: 'appeal representative' });
  });

  it('varied: the new terms, their review date and their (lack of) adjustments', () => {
    const d = letterFor({ about: 'appeal', ...varied(RESTRICTION_ALL) }, facts(HISTORY));
    const v = valuesOf(d, 'appeal-varied');
    expect(v.restriction && v.restriction.channelsOpen).to.equal('telephone');
    expect(v.restriction && v.restriction.limitedTimes).to.deep.equal({ times: 'Tuesdays, 9am to 11am' });
    expect(v.reasons).to.equal('The telephone suits him better; Tuesday mornings only.');
    expect(d!.adviseOtherFormat).to.equal(false);
  });

  it('an undecided appeal is an error', () => {
    const decided = appealed(RESTRICTION_ALL, { outcome: 'uphold', reasons: APPEAL_REASONS });
    expect(() => letterFor({ about: 'appeal', ...decided, appeal: { ...decided.appeal, decision: null } }, facts(HISTORY))).to.throw(/not decided/);
  });

  it('escalated: who it was referred to and the next review', () => {
    const v = valuesOf(
      letterFor({ about: 'review', measure: reviewed(WARNING_ABUSE, { outcome: 'escalate', referredTo: 'the police' }) }, facts([ABUSE], REVIEWED)),
      'review-escalated',
    );
    expect(v).to.deep.include({ referredTo: 'the police', reviewedOn: 'Wednesday 3 March 2027', reviewDate: 'Tuesday 31 August 2027' });
  });
});

describe('letters: advocates and other formats (R-letter-advocate, §6)', () => {
  it('a named third party gets a copy; "needs an advocate" with no name says "your advocate"', () => {
    const named = letter(RESTRICTION_ALL, facts(HISTORY));
    expect(named.values.advocate).to.deep.equal({ name: 'Pat Green (Citizens Advice)' });
    const unnamed = letter(RESTRICTION_ADVOCATE, facts([PERSISTENCE]));
    expect(unnamed.values.advocate).to.deep.equal({ name: 'your advocate' });
    expect(unnamed.addressee).to.deep.equal({ customer: 'Pat Jones', copyTo: { name: null, as: 'advocate' } });
  });

  it('any recorded adjustment says the letter may be needed in another format, naming the adjustments for staff', () => {
    expect(letter(RESTRICTION_ADVOCATE, facts([PERSISTENCE]))).to.deep.include({
      adviseOtherFormat: true,
      adjustments: ['Difficulty using the telephone (e.g. hearing or speech impairment)', 'Needs an advocate or third party to communicate'],
    });
    expect(letter(WARNING_PERSISTENCE, facts([PERSISTENCE])).adviseOtherFormat).to.equal(true);
    expect(letter(PAIRS)).to.deep.include({ adviseOtherFormat: false, adjustments: [] });
  });
});
