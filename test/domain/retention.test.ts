import { expect } from 'chai';
import { anonymised, closedOn, retentionVerdict, whyKept, type CaseRecord } from '../../src/domain/retention';
import { interimPairsVisit, type Measure } from '../../src/domain/measure';
import { sampleIncident } from '../support/fixtures';

const incident = sampleIncident({ reportedAt: '2020-01-10T09:00:00.000Z', occurredAt: '2020-01-09T18:00:00.000Z' });
const base = interimPairsVisit(incident, { approverId: 'hos', deputyId: null })!;
const asRecord = (r: object) => r as CaseRecord;
const measure = (over: Partial<Measure>) => asRecord({ ...base, status: 'lifted', ...over });
const review = (outcome: 'lifted' | 'continued' | 'escalated', at: string) => ({
  id: `${base.id}:review:1`,
  outcome,
  by: { id: 'cm', name: 'Case Manager' },
  at,
  due: base.reviewDue,
  reasons: 'Reasons given at length.',
  nextReview: null,
  referredTo: outcome === 'escalated' ? 'Legal services' : null,
  policyVersion: 'v',
});

describe('retention (docs/rules.md#R-retention-closed)', () => {
  it('keeps a case with a measure in force or awaiting sign-off, anything pending, or a legal hold', () => {
    expect(whyKept([asRecord(incident), measure({ status: 'active' })], false)).to.equal('in-force');
    expect(whyKept([asRecord(incident), measure({ status: 'pending-sign-off' })], false)).to.equal('in-force');
    expect(whyKept([asRecord(incident), { type: 'appeal', id: 'a', status: 'open' }], false)).to.equal('pending');
    expect(whyKept([asRecord(incident), { type: 'outbox', id: 'o', status: 'pending' }], false)).to.equal('pending');
    expect(whyKept([asRecord(incident)], true)).to.equal('pending');
    expect(whyKept([asRecord(incident), measure({ reviews: [review('escalated', '2020-06-01T00:00:00.000Z')] })], false)).to.equal('legal-hold');
    expect(whyKept([asRecord(incident), measure({ status: 'lapsed' }), { type: 'outbox', id: 'o', status: 'sent' }], false)).to.equal(null);
  });

  it('closed on the latest date among its incidents, measures, reviews, lapses and appeals', () => {
    expect(closedOn([asRecord(incident)])?.toISOString()).to.equal('2020-01-10T09:00:00.000Z');
    const reviewed = measure({ reviews: [review('lifted', '2020-07-01T12:00:00.000Z')] });
    expect(closedOn([asRecord(incident), reviewed])?.toISOString()).to.equal('2020-07-01T12:00:00.000Z');
    expect(closedOn([asRecord(incident), measure({ status: 'lapsed' })])?.toISOString()).to.equal(base.reviewDue);
    const appeal = {
      type: 'appeal',
      id: 'a',
      status: 'upheld',
      recordedAt: '2020-02-01T00:00:00.000Z',
      decision: { at: '2021-01-01T00:00:00.000Z' },
      withdrawn: null,
    };
    expect(closedOn([asRecord(incident), appeal])?.toISOString()).to.equal('2021-01-01T00:00:00.000Z');
    // Audit events (a view of the case) do not reopen it.
    expect(closedOn([asRecord(incident), { type: 'audit', id: 'v', at: '2024-01-01T00:00:00.000Z' }])?.toISOString()).to.equal(incident.reportedAt);
    expect(closedOn([])).to.equal(null);
  });

  it('is due from the moment the period has passed, not a millisecond before', () => {
    const records = [asRecord(incident)];
    expect(retentionVerdict(records, false, new Date('2026-01-10T08:59:59.999Z'), 72)).to.deep.equal({ due: false, why: 'not-yet' });
    expect(retentionVerdict(records, false, new Date('2026-01-10T09:00:00.000Z'), 72)).to.deep.equal({
      due: true,
      closedOn: new Date(incident.reportedAt),
    });
    expect(retentionVerdict([], false, new Date('2090-01-01'), 72)).to.deep.equal({ due: false, why: 'empty' });
  });

  it('keeps only what statistics count: no name, narrative, note, crime reference, instructions, reasons, grounds or staff', () => {
    const idOf = (id: string) => `x${id.length}`;
    const copy = anonymised(asRecord(incident), 'anon:1', idOf)!;
    expect(copy).to.include({
      type: 'incident',
      id: `x${incident.id.length}`,
      customerKey: 'anon:1',
      category: 'aggressive',
      serviceArea: 'housing',
    });
    const text = JSON.stringify([
      copy,
      anonymised(measure({ reviews: [review('lifted', '2020-07-01T12:00:00.000Z')] }), 'anon:1', idOf),
      anonymised(
        asRecord({
          type: 'appeal',
          id: 'a',
          measureId: base.id,
          appellant: { kind: 'customer', name: 'Rep Name' },
          grounds: 'G',
          decision: null,
          withdrawn: null,
        }),
        'anon:1',
        idOf,
      ),
      anonymised(
        asRecord({
          type: 'audit',
          id: 'e',
          at: 'now',
          action: 'case.viewed',
          actor: { id: 'p', name: 'Staff' },
          subject: incident.reference,
          details: { x: 1 },
        }),
        'anon:1',
        idOf,
      ),
    ]);
    for (const gone of [
      incident.customerName,
      incident.customerRef,
      incident.description,
      'CR/12345/26',
      incident.reporter.name,
      base.instructions,
      'Reasons given',
      'Rep Name',
      '"G"',
      'Staff',
      incident.reference,
    ])
      expect(text, gone).not.to.include(gone);
    for (const type of ['customer', 'outbox', 'letter', 'retention-move', 'something-new'])
      expect(anonymised({ type, id: 'z' }, 'anon:1', idOf), type).to.equal(null);
  });
});
