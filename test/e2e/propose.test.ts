import { expect } from 'chai';
import { cardText, clockFrom, startHarness, violentIncident, type Harness } from '../support/harness';
import type { Measure } from '../../src/domain/measure';

/** Case managers open a case and propose measures (§5.2, §5.3); the policy's refusals come back in the form. */
describe('case and measure proposals (end to end)', () => {
  let h: Harness;
  let reference = '';
  before(async () => {
    h = await startHarness({ OUTBOX_POLL_MS: '50' }, { now: clockFrom() });
    for (const who of ['alex', 'megan', 'adele', 'lynne', 'stranger'] as const) await h.message('help', who);
    // A §4.2 incident reported by a frontline member of staff.
    const res = await h.invoke(
      'incident.submit',
      violentIncident('propose-form-0001', {
        customerRef: 'T300001',
        category: 'demands',
        behaviours: 'excessive-correspondence',
        safetyFlags: '',
        actions: '',
        crimeReference: '',
        vulnerabilityKnown: 'yes',
        vulnerabilityNote: 'Dyslexia: finds letters hard to read',
      }),
      'stranger',
    );
    reference = /UB-\w{3}-\w{3}/.exec(cardText(res.body.value))![0];
  });
  after(() => h.stop());

  const measures = async () => {
    const { resources } = await h.bot.cosmos.containers.cases.items
      .query<Measure>({ query: 'SELECT * FROM c WHERE c.type = "measure" AND c.customerKey = "T300001"' })
      .fetchAll();
    return resources;
  };

  it('case <ref>: full details for a case manager, audited; refused to other staff (need-to-know)', async () => {
    const full = cardText((await h.message(`case ${reference.toLowerCase()}`, 'lynne')).replies[0]!.body);
    expect(full).to.include('Jordan Example');
    expect(full).to.include('Propose a measure');
    const { resources } = await h.bot.cosmos.containers.cases.items
      .query({
        query: 'SELECT * FROM c WHERE c.type = "audit" AND c.action = "case.viewed" AND c.subject = @r',
        parameters: [{ name: '@r', value: reference }],
      })
      .fetchAll();
    expect(resources).to.have.length(1);
    const refused = (await h.message(`case ${reference}`, 'stranger')).replies[0]!.body;
    expect(refused.text).to.include('need-to-know');
    expect(JSON.stringify(refused)).not.to.include('Jordan Example');
  });

  it('staff who are not case managers cannot open the proposal form or propose (403), nothing stored', async () => {
    expect((await h.invoke('measure.form', { incidentRef: reference }, 'stranger')).status).to.equal(403);
    expect((await h.invoke('measure.propose', { incidentRef: reference, formId: 'form-abcdefgh', kind: 'warning' }, 'stranger')).status).to.equal(
      403,
    );
    expect(await measures()).to.have.length(0);
  });

  it('refusals come back in the form: no channel left, vulnerabilities not considered, no prior warning (§5.3, §6)', async () => {
    const form = await h.invoke('measure.form', { incidentRef: reference }, 'lynne');
    expect(cardText(form.body.value)).to.include('Dyslexia'); // known vulnerability surfaced (§6), third party suggested
    const formId = (form.body.value.actions as { data: { formId: string } }[])[0]!.data.formId;
    const res = await h.invoke(
      'measure.propose',
      {
        incidentRef: reference,
        formId,
        kind: 'contact-restriction',
        reasons: '14 emails a week about the same closed complaint',
        reviewDate: '2027-03-01',
        notifyCustomer: 'yes',
        channels: 'writing,email',
        adjustments: 'difficulty-writing',
      },
      'lynne',
    );
    const text = cardText(res.body.value);
    expect(text).to.include('Not proposed');
    expect(text).to.include('ruled out by a recorded reasonable adjustment');
    expect(text).to.include('Record how the customer’s vulnerabilities');
    expect(text).to.include('has not been warned first');
    expect(await measures()).to.have.length(0);
  });

  it('a warning first (no sign-off: in force at once), then a restriction keeping the phone open; no-notification goes to the Head of Service', async () => {
    const warning = {
      incidentRef: reference,
      formId: 'warn-form-0001',
      kind: 'warning',
      reasons: 'Volume of emails is unreasonable (§4.2)',
      reviewDate: '2027-05-01',
      notifyCustomer: 'yes',
      vulnerabilitiesConsidered: 'Dyslexia noted: letter will be read to them by phone as well.',
    };
    const warn = await h.invoke('measure.propose', warning, 'lynne');
    expect(cardText(warn.body.value)).to.include('in force');
    const restrict = await h.invoke(
      'measure.propose',
      {
        incidentRef: reference,
        formId: 'restrict-form-0001',
        kind: 'contact-restriction',
        reasons: 'Emails continued after the warning',
        reviewDate: '2027-05-01',
        notifyCustomer: 'no',
        noNotificationJustification: 'Customer has told staff they will escalate to threats if contacted again about restrictions.',
        vulnerabilitiesConsidered: 'Dyslexia: telephone left open so they can always reach us.',
        adjustments: 'difficulty-writing',
        channels: 'telephone,email',
        singlePointOfContact: 'Jo Smith',
        maxContactsCount: '2',
        maxContactsPer: 'week',
      },
      'lynne',
    );
    expect(cardText(restrict.body.value)).to.include('awaiting Head of Service sign-off');
    const stored = await measures();
    expect(stored.map((m) => [m.kind, m.status]).sort()).to.deep.equal([
      ['contact-restriction', 'pending-sign-off'],
      ['warning', 'active'],
    ]);
    const pending = stored.find((m) => m.kind === 'contact-restriction')!;
    expect(pending.signOff).to.include({ approverId: '00000000-0000-0000-0000-0000000000021', deputyId: '00000000-0000-0000-0000-0000000000022' });
    expect(pending.signOff!.reasons).to.deep.equal(['no-notification']);
    expect(pending.instructions).to.include('Emergencies, urgent repairs and health and safety issues can always be reported');
    // Double click: same form, same measure.
    await h.invoke('measure.propose', warning, 'lynne');
    expect(await measures()).to.have.length(2);
    // check: the warning is in force; the restriction awaits sign-off and is not yet in force.
    const check = cardText((await h.message('check T300001', 'alex')).replies[0]!.body);
    expect(check).to.include('Warning that behaviour is unacceptable');
    expect(check).to.include('Awaiting Head of Service sign-off');
    expect(cardText((await h.message('pending', 'megan')).replies[0]!.body)).to.include('customer not to be told');
  });
});
