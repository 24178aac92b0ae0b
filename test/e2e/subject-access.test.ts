import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { referenceFor, submissionKey } from '../../src/domain/reference';
import { DRAFT_NOTICE, type SubjectAccessFile } from '../../src/domain/subject-access';
import type { AuditEvent } from '../../src/domain/records';
import { ONLY_DATA_PROTECTION } from '../../src/app/subject-access/export';
import { FILE_CONSENT_CARD } from '../../src/teams/file-consent';
import { PEOPLE, TENANT, startWithEveryone, violentIncident, type Harness, type PersonKey } from '../support/harness';
import { acceptOfferedFile, UploadTarget } from '../support/upload-target';

const OTHER_NARRATIVE = 'OTHER-CUSTOMER-NARRATIVE kicked the gate';

/**
 * `export <customer ref>` against the real bot and the embedded Cosmos server (docs/rules.md#R-export-everything): two
 * customers whose references differ by one trailing digit, the file offered in the personal chat and uploaded to a
 * loopback stand-in for OneDrive, which the test reads back.
 */
describe('the subject access export (end to end)', function () {
  this.timeout(60_000);
  let h: Harness;
  let oneDrive: UploadTarget;
  let reference = '';

  const report = async (formId: string, overrides: Record<string, string>) => {
    expect((await h.invoke('incident.submit', violentIncident(formId, overrides), 'megan')).status).to.equal(200);
    return referenceFor(submissionKey(TENANT, PEOPLE.megan.aadObjectId, formId));
  };
  const partition = async (key: string) =>
    (
      await h.bot.cosmos.containers.cases.items
        .query<{ id: string; type: string; action?: string }>({
          query: 'SELECT * FROM c WHERE c.customerKey = @k',
          parameters: [{ name: '@k', value: key }],
        })
        .fetchAll()
    ).resources;
  const exportsOf = async (key: string) => (await partition(key)).filter((d) => d.type === 'audit' && d.action === 'subject-access.exported');
  const said = async (text: string, who: PersonKey) => (await h.message(text, who)).replies.map((r) => r.body.text);

  before(async () => {
    oneDrive = await new UploadTarget().start();
    h = await startWithEveryone();
    reference = await report(randomUUID(), { customerRef: 'T004512' });
    await report(randomUUID(), { customerRef: 'T0045120', customerName: 'Other Person', description: OTHER_NARRATIVE });
    // A case manager views the case: the view is in the audit trail the customer gets.
    await h.message(`case ${reference}`, 'alex');
  });

  after(async () => {
    await h.stop();
    await oneDrive.stop();
  });

  it('is refused to anyone but the data protection team and admins, plainly, with nothing offered or audited', async () => {
    for (const who of ['megan', 'stranger'] as const) expect(await said('export T004512', who)).to.deep.equal([ONLY_DATA_PROTECTION]);
    expect(h.connector.received.filter((r) => JSON.stringify(r.body).includes(FILE_CONSENT_CARD))).to.deep.equal([]);
    expect(await exportsOf('T004512')).to.deep.equal([]);
  });

  it('asks for a reference, refuses a malformed one, and says when nothing is held, writing nothing', async () => {
    expect(await said('export', 'lynne')).to.deep.equal(['Say whose records: export <customer ref>, e.g. export T004512.']);
    expect((await said('export T0045*', 'lynne'))[0]).to.match(/^That is not a customer reference: .* Nothing was exported\.$/);
    expect(await said('export t 999 999', 'lynne')).to.deep.equal([
      'Nothing is held about T999999 in the bot (check the reference against the housing system). If the request was received today, the answer is due by Tuesday 29 December 2026 (one calendar month, UK GDPR Article 12(3)).',
    ]);
    expect(await partition('T999999')).to.deep.equal([]);
  });

  it('offers the data protection team a draft of everything held about that customer only, audited in their records', async () => {
    const replies = await said('export T004512', 'lynne');
    expect(replies).to.have.length(1);
    expect(replies[0]).to.match(/^A DRAFT subject access export for T004512 \(subject-access-T004512-2026-11-26\.json, \d+ records\) is ready\. /);
    expect(replies[0]).to.include('redact third-party data (staff names, other people) before anything is sent');
    expect(replies[0]).to.include('Nothing has been sent to the customer.');
    // 26 November + one month is Saturday 26 December; Monday 28 is the Boxing Day bank holiday: due Tuesday 29.
    expect(replies[0]).to.include('the answer is due by Tuesday 29 December 2026');
    expect(await exportsOf('T004512')).to.have.length(1);
    expect(await exportsOf('T0045120')).to.deep.equal([]);

    const offered = await acceptOfferedFile(h, 'lynne', oneDrive, 'json');
    expect(offered.name).to.equal('subject-access-T004512-2026-11-26.json');
    const text = offered.bytes.toString('utf8');
    expect(text.startsWith('{\n  "notice": "DRAFT FOR REVIEW'), 'the draft notice first, pretty-printed').to.equal(true);
    const file = JSON.parse(text) as SubjectAccessFile;
    expect(file).to.include({
      notice: DRAFT_NOTICE,
      customerReference: 'T004512',
      receivedOn: '2026-11-26',
      dueBy: '2026-12-29',
      preparedBy: 'Lynne Robbins',
    });
    expect(file.incidents.map((i) => i.reference)).to.deep.equal([reference]);
    expect(file.incidents[0]).to.include({ customerName: 'Jordan Example', crimeReference: 'CR/12345/26' });
    expect(file.measures.map((m) => m.kind)).to.deep.equal(['pairs-visit']);
    const trail = file.auditTrail as unknown as AuditEvent[];
    expect(trail.map((e) => e.action)).to.include.members(['incident.reported', 'case.viewed']);
    expect(trail.find((e) => e.action === 'case.viewed')!.actor.name).to.equal('Alex Wilber');
    expect(file.notices.length, 'the sign-off cards about them').to.be.greaterThan(0);
    expect(file.counts).to.deep.include({ incidents: 1, measures: 1, other: 0 });
    // Nothing of the other customer, whose reference begins the same.
    expect(text).not.to.include('T0045120');
    expect(text).not.to.include('OTHER-CUSTOMER-NARRATIVE');
    expect(text).not.to.include('Other Person');
  });

  it('an admin may export too', async () => {
    expect((await said('export T0045120', 'alex'))[0]).to.match(/^A DRAFT subject access export for T0045120 /);
    expect(await exportsOf('T0045120')).to.have.length(1);
  });
});
