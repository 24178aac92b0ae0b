import { expect } from 'chai';
import { parseReference, referenceFor, submissionKey } from '../../src/domain/reference';
import { REVIEW_INTERVAL_MONTHS, addMonths, reviewDateFrom } from '../../src/domain/dates';
import { MEASURE_KINDS, PAIRS_VISIT_INSTRUCTIONS, interimPairsVisit, isInForce, type Measure } from '../../src/domain/measure';
import type { SafetyFlagId } from '../../src/domain/policy';
import type { Incident } from '../../src/domain/records';
import { TEST_POLICY_VERSION, sampleIncident } from '../support/fixtures';

/** Read out on the phone: no 0/O, 1/I/L or U. */
const PHONE_SAFE = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const FORMAT = new RegExp(`^UB-[${PHONE_SAFE}]{3}-[${PHONE_SAFE}]{3}$`);

describe('incident references (R-incident-reference-format: short, read out on the phone)', () => {
  it('are UB-XXX-XXX from the phone-safe alphabet', () => {
    for (let i = 0; i < 2000; i++) {
      const ref = referenceFor(`key-${i}`, i % 3);
      expect(ref, ref).to.match(FORMAT);
      expect(ref.slice(3), ref).not.to.match(/[01OILU]/);
    }
  });

  it('are deterministic per (submission key, attempt): a duplicate delivery gets the same reference', () => {
    const key = submissionKey('tenant-1', 'user-1', 'form-1');
    expect(referenceFor(key, 0)).to.equal(referenceFor(key, 0));
    expect(referenceFor(key)).to.equal(referenceFor(key, 0));
    expect(referenceFor(key, 3)).to.equal(referenceFor(key, 3));
  });

  it('differ across attempts (a collision retry gets a new reference)', () => {
    const key = submissionKey('tenant-1', 'user-1', 'form-1');
    const refs = [0, 1, 2, 3, 4].map((a) => referenceFor(key, a));
    expect(new Set(refs).size).to.equal(refs.length);
  });

  it('differ across submissions (no collisions among 2,000 keys)', () => {
    const refs = new Set(Array.from({ length: 2000 }, (_, i) => referenceFor(submissionKey('t', 'u', `form-${i}`))));
    expect(refs.size).to.equal(2000);
  });

  it('submission keys depend on tenant, user and form', () => {
    const k = submissionKey('t', 'u', 'f');
    expect(k).to.match(/^[0-9a-f]{64}$/);
    expect(submissionKey('t', 'u', 'f')).to.equal(k);
    expect(new Set([k, submissionKey('t2', 'u', 'f'), submissionKey('t', 'u2', 'f'), submissionKey('t', 'u', 'f2')]).size).to.equal(4);
  });

  describe('parseReference', () => {
    it('accepts what people type', () => {
      for (const typed of ['ub 7k3m9q', 'UB-7K3-M9Q', 'ub-7k3-m9q', '  UB 7K3 M9Q ', '7k3m9q', 'UB7K3M9Q'])
        expect(parseReference(typed), typed).to.equal('UB-7K3-M9Q');
    });

    it('round-trips every generated reference', () => {
      for (let i = 0; i < 200; i++) {
        const ref = referenceFor(`k${i}`);
        expect(parseReference(ref)).to.equal(ref);
        expect(parseReference(ref.toLowerCase().replace(/-/g, ' '))).to.equal(ref);
      }
    });

    it('rejects wrong lengths, ambiguous letters and other text', () => {
      for (const bad of [
        '',
        'UB',
        'UB-7K3-M9',
        'UB-7K3-M9QX',
        'UB-0K3-M9Q',
        'UB-OK3-M9Q',
        'UB-1K3-M9Q',
        'UB-IK3-M9Q',
        'UB-LK3-M9Q',
        'UB-UK3-M9Q',
        'UB-7K3-M9!',
        'hello',
        'XY-7K3-M9Q',
      ])
        expect(parseReference(bad), bad).to.equal(null);
    });
  });
});

describe('dates', () => {
  const utc = (s: string) => new Date(`${s}Z`);

  describe('addMonths clamps to the end of shorter months', () => {
    it('31 Aug + 6 months = 28 Feb (not 3 March)', () => {
      expect(addMonths(utc('2026-08-31T09:15:00'), 6).toISOString()).to.equal('2027-02-28T09:15:00.000Z');
    });

    it('31 Aug + 6 months in a leap year = 29 Feb', () => {
      expect(addMonths(utc('2027-08-31T00:00:00'), 6).toISOString()).to.equal('2028-02-29T00:00:00.000Z');
    });

    it('29 Feb + 12 months = 28 Feb; 29 Feb + 48 months = 29 Feb', () => {
      expect(addMonths(utc('2028-02-29T12:00:00'), 12).toISOString()).to.equal('2029-02-28T12:00:00.000Z');
      expect(addMonths(utc('2028-02-29T12:00:00'), 48).toISOString()).to.equal('2032-02-29T12:00:00.000Z');
    });

    it('31 Mar + 1 = 30 Apr; 31 Mar − 1 = 28 Feb; across the year end; 0 months is the same instant', () => {
      expect(addMonths(utc('2026-03-31T10:00:00'), 1).toISOString()).to.equal('2026-04-30T10:00:00.000Z');
      expect(addMonths(utc('2026-03-31T10:00:00'), -1).toISOString()).to.equal('2026-02-28T10:00:00.000Z');
      expect(addMonths(utc('2026-11-15T10:00:00'), 6).toISOString()).to.equal('2027-05-15T10:00:00.000Z');
      expect(addMonths(utc('2026-11-15T10:00:00'), 0).toISOString()).to.equal('2026-11-15T10:00:00.000Z');
    });

    it('does not change its argument', () => {
      const from = utc('2026-08-31T00:00:00');
      addMonths(from, 6);
      expect(from.toISOString()).to.equal('2026-08-31T00:00:00.000Z');
    });
  });

  it('reviewDateFrom is six months ahead (§8: reviewed every 6 months)', () => {
    expect(REVIEW_INTERVAL_MONTHS).to.equal(6);
    expect(reviewDateFrom(utc('2026-11-20T12:00:00')).toISOString()).to.equal('2027-05-20T12:00:00.000Z');
    expect(reviewDateFrom(utc('2026-08-31T12:00:00')).toISOString()).to.equal('2027-02-28T12:00:00.000Z');
  });
});

describe('measures', () => {
  /** The sample §4.1 home-visit incident with these safety flags, occurring and reported on 31 Aug (a month-end) by default. */
  const incident = (safetyFlags: SafetyFlagId[], reportedAt = '2026-08-31T10:00:00.000Z'): Incident =>
    sampleIncident({ safetyFlags, reportedAt, occurredAt: '2026-08-31T09:30:00.000Z' });

  const APPROVER = { approverId: 'hos-housing', deputyId: 'dep-housing' };

  describe('interimPairsVisit (§5.1: visits in pairs at once, pending Head of Service sign-off)', () => {
    for (const flag of ['violence', 'threat-of-violence', 'weapon', 'intoxicated'] as const) {
      it(`a ${flag} incident gets an interim pairs-visit marker`, () => {
        const m = interimPairsVisit(incident([flag]), APPROVER);
        expect(m).not.to.equal(null);
        expect(m).to.deep.include({
          type: 'measure',
          kind: 'pairs-visit',
          status: 'pending-sign-off',
          interim: true,
          customerKey: 'T004512',
          serviceArea: 'housing',
          incidentRefs: ['UB-7K3-M9Q'],
          instructions: PAIRS_VISIT_INSTRUCTIONS,
          proposedAt: '2026-08-31T10:00:00.000Z',
          policyVersion: TEST_POLICY_VERSION,
        });
        expect(m!.proposedBy).to.deep.equal({ id: 'user-1', name: 'Alex Wilber' });
        // §5.2: the Head of Service of the reporter's service area signs it off; the customer is told (§5.1).
        expect(m!.signOff).to.deep.equal({
          reasons: ['pairs-visit'],
          serviceArea: 'housing',
          approverId: 'hos-housing',
          deputyId: 'dep-housing',
          requestedAt: '2026-08-31T10:00:00.000Z',
          decision: null,
        });
        expect(m!.notifyCustomer).to.equal(true);
        expect(m!.reasons).to.include('UB-7K3-M9Q').and.to.include('§5.1');
      });
    }

    it('review is due six months after the report (§8), clamped: 31 Aug → 28 Feb', () => {
      expect(interimPairsVisit(incident(['violence']), APPROVER)!.reviewDue).to.equal('2027-02-28T10:00:00.000Z');
      expect(interimPairsVisit(incident(['weapon'], '2026-11-20T12:00:00.000Z'), APPROVER)!.reviewDue).to.equal('2027-05-20T12:00:00.000Z');
    });

    it('has a stable id per incident, so a retry cannot create a second marker', () => {
      expect(interimPairsVisit(incident(['violence']), APPROVER)!.id).to.equal(interimPairsVisit(incident(['violence', 'weapon']), APPROVER)!.id);
    });

    it('is null for incidents without a §5.1 flag', () => {
      expect(interimPairsVisit(incident([]), APPROVER)).to.equal(null);
      for (const flag of ['hate-motivated', 'property-damage', 'recorded-without-consent'] as const)
        expect(interimPairsVisit(incident([flag]), APPROVER), flag).to.equal(null);
    });

    it('pairs visits need Head of Service sign-off (§5.2, R-marker-kinds)', () => {
      expect(MEASURE_KINDS['pairs-visit'].signOff).to.equal(true);
      expect(MEASURE_KINDS.warning.signOff).to.equal(false);
      expect(MEASURE_KINDS['contact-restriction'].signOff).to.equal(false);
    });
  });

  describe('isInForce (what check shows staff)', () => {
    const NOW = new Date('2026-11-20T12:00:00Z');
    const measure = (over: Partial<Measure>): Measure => ({
      ...interimPairsVisit(incident(['violence'], '2026-08-31T10:00:00.000Z'), APPROVER)!,
      ...over,
    });

    it('an interim marker pending sign-off is in force from the report (staff safety first, §5.1)', () => {
      expect(isInForce(measure({ status: 'pending-sign-off', interim: true }), NOW)).to.equal(true);
    });

    it('a proposal pending sign-off that is not interim is not in force yet', () => {
      expect(isInForce(measure({ status: 'pending-sign-off', interim: false }), NOW)).to.equal(false);
    });

    it('an active measure is in force until its review date, then lapses (§8)', () => {
      expect(isInForce(measure({ status: 'active', interim: false, reviewDue: '2027-02-28T10:00:00.000Z' }), NOW)).to.equal(true);
      expect(isInForce(measure({ status: 'active', interim: false, reviewDue: NOW.toISOString() }), NOW)).to.equal(false);
      expect(isInForce(measure({ status: 'active', interim: false, reviewDue: '2026-11-01T00:00:00.000Z' }), NOW)).to.equal(false);
    });

    it('rejected, lifted and lapsed measures are not in force', () => {
      for (const status of ['rejected', 'lifted', 'lapsed'] as const) expect(isInForce(measure({ status }), NOW), status).to.equal(false);
    });
  });
});
