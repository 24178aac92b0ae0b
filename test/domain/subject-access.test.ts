import { expect } from 'chai';
import { subjectAccessDueOn, subjectAccessFile } from '../../src/domain/subject-access';

describe('subject access (docs/rules.md#R-export-due)', () => {
  it('is due one calendar month after it was received, at the month end when there is no such date, on a working day', () => {
    expect(subjectAccessDueOn('2027-03-03')).to.equal('2027-04-05'); // 3 April 2027 is a Saturday
    expect(subjectAccessDueOn('2027-01-31')).to.equal('2027-03-01'); // 28 February 2027 is a Sunday
    expect(subjectAccessDueOn('2028-01-31')).to.equal('2028-02-29'); // a leap year, a Tuesday
    expect(subjectAccessDueOn('2026-11-10')).to.equal('2026-12-10');
    expect(subjectAccessDueOn('2026-11-26')).to.equal('2026-12-29'); // Sat 26 Dec, then the Boxing Day holiday on Monday 28
  });

  it('files every record by kind, oldest first; the summary and a move marker are left out; an unknown kind is kept in `other`', () => {
    const file = subjectAccessFile(
      'T004512',
      [
        { type: 'customer', id: 'customer' },
        { type: 'retention-move', id: 'retention-move' },
        { type: 'audit', id: 'b', at: '2026-02-01T00:00:00.000Z' },
        { type: 'audit', id: 'a', at: '2026-01-01T00:00:00.000Z' },
        { type: 'incident', id: 'i', reportedAt: '2026-01-01T00:00:00.000Z' },
        { type: 'something-new', id: 'n' },
      ],
      '2026-11-10',
      'Lynne Robbins',
      new Date('2026-11-10T12:00:00Z'),
    );
    expect(file.auditTrail.map((r) => r.id)).to.deep.equal(['a', 'b']);
    expect(file.counts).to.deep.equal({ incidents: 1, measures: 0, appeals: 0, letters: 0, auditTrail: 2, notices: 0, other: 1 });
    expect(Object.keys(file).slice(0, 2)).to.deep.equal(['notice', 'customerReference']);
  });
});
