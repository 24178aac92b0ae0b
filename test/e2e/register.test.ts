import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { interimPairsVisit, type Measure } from '../../src/domain/measure';
import type { AuditEvent } from '../../src/domain/records';
import { NOT_TOLD, REGISTER_HEADER, TOLD } from '../../src/domain/register';
import { ALERT_CODES } from '../../src/app/register/alert-codes';
import { GOVERNANCE_PARTITION, ONLY_CASE_MANAGERS_REGISTER } from '../../src/app/register/export';
import { FILE_CONSENT_CARD } from '../../src/teams/file-consent';
import { sampleIncident } from '../support/fixtures';
import { PEOPLE, startWithEveryone, violentIncident, type Harness } from '../support/harness';
import { proactiveTo } from '../support/proactive';
import { acceptOfferedFile, UploadTarget } from '../support/upload-target';

const INJECTION = '=HYPERLINK("http://x","Click for details")';

/** A measure as the store holds it, written straight to Cosmos (the register only reads). */
function stored(ref: string, customerKey: string, overrides: Partial<Measure>): Measure {
  const base = interimPairsVisit(sampleIncident({ id: ref, reference: ref, customerKey }), { approverId: null, deputyId: null })!;
  return { ...base, ...overrides };
}

/**
 * `register` against the real bot and the embedded Cosmos server: the file goes to the case manager's personal chat as
 * a Teams file offer; accepting it uploads the CSV to a loopback stand-in for OneDrive, which the test parses back.
 */
describe('the register (end to end; docs/rules.md#R-register-export)', function () {
  this.timeout(60_000);
  let h: Harness;
  let oneDrive: UploadTarget;

  before(async () => {
    oneDrive = await new UploadTarget().start();
    h = await startWithEveryone();

    // Through the real flow: a §5.1 report puts visits in pairs in force at once (interim, awaiting sign-off).
    const reported = await h.invoke('incident.submit', violentIncident(randomUUID(), { customerRef: 'T004512' }), 'megan');
    expect(reported.status).to.equal(200);
    // Stored shapes: one in force with a formula in its instructions and the customer not told, and ones not in force.
    const cases = h.bot.cosmos.containers.cases;
    const decided = { outcome: 'approved' as const, by: { id: 'hos', name: 'Head' }, at: '2026-11-02T16:00:00.000Z', reason: null };
    const measures = [
      stored('UB-RG01-AAA', 'T000777', {
        id: 'UB-RG01-AAA:contact-restriction',
        kind: 'contact-restriction',
        status: 'active',
        interim: false,
        instructions: INJECTION,
        reasons: 'REASONS-NEVER-EXPORTED',
        vulnerabilitiesConsidered: 'VULNERABILITY-NEVER-EXPORTED',
        notifyCustomer: false,
        noNotificationJustification: 'JUSTIFICATION-NEVER-EXPORTED',
        proposedAt: '2026-11-01T10:00:00.000Z',
        reviewDue: '2027-04-30T09:00:00.000Z',
        signOff: {
          reasons: ['no-notification'],
          serviceArea: 'housing-management',
          approverId: 'hos',
          deputyId: null,
          requestedAt: '2026-11-01T10:00:00.000Z',
          decision: decided,
        },
      }),
      stored('UB-RG02-AAA', 'T000888', { id: 'UB-RG02-AAA:pairs-visit', status: 'lifted', interim: false }),
      stored('UB-RG03-AAA', 'T000888', { id: 'UB-RG03-AAA:pairs-visit', status: 'rejected', interim: true }),
      stored('UB-RG04-AAA', 'T000888', { id: 'UB-RG04-AAA:pairs-visit', status: 'lapsed', interim: false }),
      stored('UB-RG05-AAA', 'T000888', { id: 'UB-RG05-AAA:warning', kind: 'warning', status: 'active', reviewDue: '2026-11-01T09:00:00.000Z' }),
    ];
    for (const m of measures) await cases.items.create(m);
  });

  after(async () => {
    await h.stop();
    await oneDrive.stop();
  });

  const exports = async () =>
    (
      await h.bot.cosmos.containers.cases.items
        .query<AuditEvent>({
          query: 'SELECT * FROM c WHERE c.customerKey = @key AND c.type = "audit"',
          parameters: [{ name: '@key', value: GOVERNANCE_PARTITION }],
        })
        .fetchAll()
    ).resources;

  it('is refused to anyone but a case manager, plainly, with nothing offered or audited', async () => {
    const res = await h.message('register', 'stranger');
    expect(res.replies.map((r) => r.body.text)).to.deep.equal([ONLY_CASE_MANAGERS_REGISTER]);
    expect(h.connector.received.filter((r) => proactiveTo('stranger')(r) && JSON.stringify(r.body).includes(FILE_CONSENT_CARD))).to.deep.equal([]);
    expect(await exports()).to.deep.equal([]);
  });

  it('offers a case manager the CSV of every measure in force, audited; accepted, it reads back as the data', async () => {
    const res = await h.message('register', 'alex');
    expect(res.replies.map((r) => r.body.text)).to.deep.equal([
      'The register of 2 measures in force (register-2026-11-26.csv) is ready. I have sent it to your personal chat with me: accept the file there to download it.',
    ]);

    const file = await acceptOfferedFile(h, 'alex', oneDrive, 'csv');
    expect(file.name).to.equal('register-2026-11-26.csv');
    const text = file.bytes.toString('utf8');
    expect(text.startsWith('\uFEFF'), 'UTF-8 with a byte order mark').to.equal(true);
    for (const secret of ['NEVER-EXPORTED', 'hammer', 'Jordan Example', 'CR/12345/26']) expect(text).not.to.include(secret);
    const rows = parse(text, { bom: true });
    const pairs = ALERT_CODES.get('pairs-visit')!;
    const restriction = ALERT_CODES.get('contact-restriction')!;
    expect(rows).to.deep.equal([
      REGISTER_HEADER,
      ['T000777', restriction.code, restriction.label, `'${INJECTION}`, '2026-11-02', '2027-04-30', NOT_TOLD],
      ['T004512', pairs.code, pairs.label, 'Visit and meet this customer in pairs only. Do not visit alone.', '2026-11-26', '2027-05-26', TOLD],
    ]);

    const [event, ...more] = await exports();
    expect(more).to.deep.equal([]);
    expect(event).to.deep.include({
      type: 'audit',
      customerKey: GOVERNANCE_PARTITION,
      actor: { id: PEOPLE.alex.aadObjectId, name: PEOPLE.alex.name },
      action: 'register.exported',
      subject: 'register-2026-11-26.csv',
      details: { rows: 2, complete: true },
    });
    expect(Date.parse(event!.at)).to.be.at.least(Date.parse('2026-11-26T10:00:00Z'));
  });
});
