import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { MEASURE_KIND_IDS } from '../../src/domain/measure';
import { alertCodesFrom, neutralised, NOT_TOLD, REGISTER_HEADER, registerRows, TOLD, type RegisterRecord } from '../../src/domain/register';
import { ALERT_CODES, ALERT_CODES_FILE, loadAlertCodes } from '../../src/app/register/alert-codes';
import { registerCsv } from '../../src/app/register/export';

const NOW = new Date('2026-11-26T10:00:00Z');

function record(overrides: Partial<RegisterRecord> = {}): RegisterRecord {
  return {
    id: 'UB-REG1-AAA:warning',
    customerKey: 'T000001',
    kind: 'warning',
    status: 'active',
    interim: false,
    instructions: 'Remind the customer of the policy at each contact.',
    reviewDue: '2027-03-01T09:00:00.000Z',
    notifyCustomer: true,
    proposedAt: '2026-10-01T10:00:00.000Z',
    firstIncident: 'UB-REG1-AAA',
    ...overrides,
  };
}

const parsed = (csv: string): string[][] => parse(csv, { bom: true });

describe('the register (docs/rules.md#R-register-export)', () => {
  describe('person alert codes (docs/person-alert-codes.json)', () => {
    const file = () => JSON.parse(readFileSync(ALERT_CODES_FILE, 'utf8')) as { codes: { kind: string; code: string; source: unknown }[] };

    it('gives every kind of measure exactly one code, and no two kinds the same one', () => {
      const { codes } = file();
      expect(codes.map((c) => c.kind).sort()).to.deep.equal([...MEASURE_KIND_IDS].sort());
      expect(new Set(codes.map((c) => c.code)).size).to.equal(codes.length);
      expect([...ALERT_CODES.keys()].sort()).to.deep.equal([...MEASURE_KIND_IDS].sort());
    });

    it('are the landlord’s own, as no published UK Housing Data Standards list was found to cite', () => {
      for (const c of file().codes) expect(c.source, c.kind).to.equal('landlord');
    });

    it('refuses a mapping with a kind missing or twice, a code shared, an unknown kind or an uncited standard, naming each', () => {
      const { codes } = file();
      const [first, second, ...rest] = codes;
      const bad = (list: unknown[]) => () => alertCodesFrom({ notes: [], codes: list });
      expect(bad([first, ...rest])).to.throw(`kind "${second!.kind}" has 0 codes`);
      expect(bad([first, first, second, ...rest])).to.throw(`kind "${first!.kind}" has 2 codes`);
      expect(bad([first, { ...second, code: first!.code }, ...rest])).to.throw(`code "${first!.code}" is given to more than one kind`);
      expect(bad([...codes, { ...first, kind: 'eviction', code: 'UBP-X' }])).to.throw('codes.5.kind');
      expect(bad([{ ...first, source: { standard: 'UK Housing Data Standards', citation: ' ' } }, second, ...rest])).to.throw('codes.0.source');
      expect(bad([{ ...first, code: '=CMD' }, second, ...rest])).to.throw('codes.0.code');
      expect(
        alertCodesFrom({
          notes: [],
          codes: [{ ...first, source: { standard: 'UK Housing Data Standards', citation: 'HDS v3.5 PersonAlert' } }, second, ...rest],
        }).get(first!.kind as 'warning')?.source,
      ).to.deep.equal({ standard: 'UK Housing Data Standards', citation: 'HDS v3.5 PersonAlert' });
    });

    it('stop the bot starting when the file cannot be read or parsed, naming the file', () => {
      expect(() => loadAlertCodes('/nonexistent/person-alert-codes.json')).to.throw('/nonexistent/person-alert-codes.json cannot be used');
      expect(() => loadAlertCodes(__filename)).to.throw('cannot be used');
    });
  });

  describe('rows', () => {
    it('one per measure in force: reference, code, description, instructions, start and review days (UK), whether told', () => {
      const rows = registerRows(
        [
          record(),
          record({
            id: 'UB-REG2-AAA:pairs-visit',
            customerKey: 'T000002',
            kind: 'pairs-visit',
            interim: true,
            status: 'pending-sign-off',
            instructions: 'Visit in pairs only.',
            // 23:30 UTC in summer is the next day in the UK.
            proposedAt: '2026-07-01T23:30:00.000Z',
            reviewDue: '2027-01-01T09:00:00.000Z',
            firstIncident: 'UB-REG2-AAA',
          }),
          record({
            id: 'UB-REG3-AAA:contact-restriction',
            customerKey: 'T000003',
            kind: 'contact-restriction',
            notifyCustomer: false,
            proposedAt: '2026-09-01T10:00:00.000Z',
            decidedAt: '2026-09-03T15:00:00.000Z',
            firstIncident: 'UB-REG3-AAA',
          }),
        ],
        ALERT_CODES,
        NOW,
      );
      const code = (kind: 'warning' | 'pairs-visit' | 'contact-restriction') => ALERT_CODES.get(kind)!;
      expect(rows).to.deep.equal([
        [
          'T000001',
          code('warning').code,
          code('warning').label,
          'Remind the customer of the policy at each contact.',
          '2026-10-01',
          '2027-03-01',
          TOLD,
        ],
        ['T000002', code('pairs-visit').code, code('pairs-visit').label, 'Visit in pairs only.', '2026-07-02', '2027-01-01', TOLD],
        ['T000003', code('contact-restriction').code, code('contact-restriction').label, record().instructions, '2026-09-03', '2027-03-01', NOT_TOLD],
      ]);
      expect(NOT_TOLD).to.equal('No — not told (no-notification exception, §5.2)');
    });

    it('leaves out measures not in force: lifted, rejected, lapsed, past review, and a proposal not yet interim', () => {
      const out = [
        record({ id: 'a', status: 'lifted' }),
        record({ id: 'b', status: 'rejected' }),
        record({ id: 'c', status: 'lapsed' }),
        record({ id: 'd', status: 'active', reviewDue: '2026-11-26T09:00:00.000Z' }),
        record({ id: 'e', status: 'pending-sign-off', interim: false }),
      ];
      expect(registerRows([...out, record({ id: 'kept' })], ALERT_CODES, NOW)).to.have.length(1);
    });

    it('sorted by customer reference, then kind, then start date', () => {
      const rows = registerRows(
        [
          record({ id: '1', customerKey: 'T2', kind: 'warning' }),
          record({ id: '2', customerKey: 'T1', kind: 'recharge' }),
          record({ id: '3', customerKey: 'T1', kind: 'warning', proposedAt: '2026-10-02T10:00:00.000Z' }),
          record({ id: '4', customerKey: 'T1', kind: 'warning' }),
        ],
        ALERT_CODES,
        NOW,
      );
      expect(rows.map((r) => `${r[0]} ${r[1]} ${r[4]}`)).to.deep.equal([
        `T1 ${ALERT_CODES.get('warning')!.code} 2026-10-01`,
        `T1 ${ALERT_CODES.get('warning')!.code} 2026-10-02`,
        `T1 ${ALERT_CODES.get('recharge')!.code} 2026-10-01`,
        `T2 ${ALERT_CODES.get('warning')!.code} 2026-10-01`,
      ]);
    });
  });

  describe('CSV injection (OWASP): text cells a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      it(`a cell starting with ${JSON.stringify(start)} gets a leading quote, the rest kept`, () => {
        const text = `${start}HYPERLINK("http://x","y")`;
        expect(neutralised(text)).to.equal(`'${text}`);
        const [row] = registerRows([record({ instructions: text })], ALERT_CODES, NOW);
        expect(row![3]).to.equal(`'${text}`);
        expect(parsed(registerCsv([row!]))[1]![3]).to.equal(`'${text}`);
      });
    }

    it('leaves every other cell as it is: references with "-" and "/" inside, a "-" or "=" later in the text, dates', () => {
      for (const text of ['T-0001/2', 'A1-B', 'Use email - not phone', 'Total = 2', ' =not first', "'already quoted"])
        expect(neutralised(text)).to.equal(text);
      const [row] = registerRows([record({ customerKey: 'AB-12/3', instructions: 'Call first - then visit' })], ALERT_CODES, NOW);
      expect(row!.slice(0, 1).concat(row!.slice(3, 6))).to.deep.equal(['AB-12/3', 'Call first - then visit', '2026-10-01', '2027-03-01']);
    });
  });

  describe('CSV (RFC 4180, UTF-8 with a byte order mark)', () => {
    it('quotes commas, quotes and line breaks, and reads back exactly', () => {
      const awkward = 'Say "no", firmly,\r\nthen leave;\nnote é 𝒜 — §5.3';
      const rows = registerRows([record({ instructions: awkward })], ALERT_CODES, NOW);
      const csv = registerCsv(rows);
      expect(csv.startsWith('\uFEFF')).to.equal(true);
      expect(csv).to.include('"Say ""no"", firmly,\r\nthen leave;\nnote é 𝒜 — §5.3"');
      expect(csv.endsWith('\r\n')).to.equal(true);
      expect(parsed(csv)).to.deep.equal([REGISTER_HEADER, ...rows]);
    });

    it('is just the header when nothing is in force', () => {
      expect(parsed(registerCsv([]))).to.deep.equal([REGISTER_HEADER]);
    });
  });
});
