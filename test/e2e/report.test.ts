import { expect } from 'chai';
import { policyVersion } from '../../src/domain/policy';
import { clockFrom, cardOf, cardText, startHarness, violentIncident, type Harness } from '../support/harness';

/** The first slice end to end over HTTP: real restify server, embedded Cosmos, real @azure/cosmos, fake Bot Connector. */
describe('report an incident from Teams chat (end to end)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({}, { now: clockFrom() });
  });
  after(() => h.stop());
  beforeEach(() => h.connector.clear());

  const count = async (type: string) => {
    const { resources } = await h.bot.cosmos.containers.cases.items
      .query<number>({ query: 'SELECT VALUE COUNT(1) FROM c WHERE c.type = @t', parameters: [{ name: '@t', value: type }] })
      .fetchAll();
    return resources[0] ?? 0;
  };

  const formIdFromReport = async (): Promise<string> => {
    const res = await h.message('report');
    expect(res.status).to.equal(200);
    const card = cardOf(res.replies[0]!.body);
    const submit = (card.actions as { verb: string; data: { formId: string } }[]).find((a) => a.verb === 'incident.submit')!;
    return submit.data.formId;
  };

  it('welcomes on install with the commands', async () => {
    const res = await h.post(h.activity('conversationUpdate', 'alex', { membersAdded: [{ id: '28:bot-id' }] }));
    expect(res.status).to.equal(200);
    expect(h.connector.received).to.have.length(1);
    expect(h.connector.received[0]!.path).to.match(/^\/v3\/conversations\/a%3Apersonal-user-id-0\/activities/);
    expect(cardText(cardOf(h.connector.received[0]!.body))).to.include('check <customer ref>');
  });

  it('answers help, and anything unknown with help', async () => {
    await h.message('help');
    await h.message('what is this?');
    expect(h.connector.received).to.have.length(2);
    expect(cardText(cardOf(h.connector.received[0]!.body))).to.include('my reports');
    expect(cardText(cardOf(h.connector.received[1]!.body))).to.include('Sorry, I don’t know “what is this?”');
  });

  it('reports a §5.1 incident: reference, guidance, stored incident + audit + interim pairs-visit marker, check shows it', async () => {
    const formId = await formIdFromReport();
    const form = cardOf(h.connector.received.find((r) => r.body.summary === 'Report an incident')!.body);
    expect(cardText(form)).to.include('Physical violence or harassment');
    expect(cardText(form)).not.to.include('Requesting unrealistic deadlines'); // §4.2 examples only on the demands form

    const res = await h.invoke('incident.submit', violentIncident(formId));
    expect(res.status).to.equal(200);
    expect(res.body.type).to.equal('application/vnd.microsoft.card.adaptive');
    const text = cardText(res.body.value);
    const reference = /UB-[2-9A-Z]{3}-[2-9A-Z]{3}/.exec(text)?.[0];
    expect(reference, text).to.be.a('string');
    expect(text).to.include('Report received');
    expect(text).to.include('refuse to see them'); // §5.1
    expect(text).to.include('in pairs');

    const { resource: incident } = await h.bot.cosmos.containers.cases.item(reference!, 'T004512').read();
    expect(incident).to.include({
      type: 'incident',
      customerRef: 'T004512',
      category: 'aggressive',
      channel: 'home-visit',
      crimeReference: 'CR/12345/26',
    });
    expect(incident!.occurredAt).to.equal('2026-11-25T14:30:00.000Z');
    expect(incident!.reporter).to.deep.equal({ id: '00000000-0000-0000-0000-0000000000020', name: 'Alex Wilber' });
    const { resource: audit } = await h.bot.cosmos.containers.cases.item(`${reference}:reported`, 'T004512').read();
    expect(audit).to.include({ type: 'audit', action: 'incident.reported', subject: reference });
    const { resource: marker } = await h.bot.cosmos.containers.cases.item(`${reference}:pairs-visit`, 'T004512').read();
    expect(marker).to.include({ kind: 'pairs-visit', status: 'pending-sign-off', interim: true });
    expect(marker!.reviewDue).to.match(/^2027-05-26T10:00/); // six months (§8)

    const check = cardText(cardOf((await h.message('check t004512', 'stranger')).replies[0]!.body));
    expect(check).to.include('Visit in pairs only.');
    expect(check).to.include('interim, pending sign-off');
    expect(check).not.to.include('hammer'); // need-to-know: no narrative (docs/rules.md#R-roles-check-need-to-know)
    expect(check).not.to.include('Jordan Example');

    expect(cardText(cardOf((await h.message('my reports')).replies[0]!.body))).to.include(reference!);
    expect(cardText(cardOf((await h.message('my reports', 'stranger')).replies[0]!.body))).to.include('You have not reported any incidents yet.');
  });

  it('check with no markers says so, and a bad reference is explained', async () => {
    const [none, bad, empty] = [
      (await h.message('check ZZ999')).replies[0]!.body,
      (await h.message('check ;drop')).replies[0]!.body,
      (await h.message('check')).replies[0]!.body,
    ];
    expect(cardText(cardOf(none))).to.include('No warning markers in force.');
    expect(bad.text).to.include('is not a customer reference');
    expect(empty.text).to.include('check T004512');
  });

  it('switching category keeps what was typed and shows that category’s behaviours (§4.2)', async () => {
    const formId = await formIdFromReport();
    const res = await h.invoke('incident.form', { ...violentIncident(formId), category: 'demands' });
    const text = cardText(res.body.value);
    expect(text).to.include('Requesting unrealistic deadlines');
    expect(text).to.include('Jordan Example');
    expect(text).not.to.include('Physical violence or harassment');
  });

  it('an invalid submission returns the same form with values kept and a message per field, and stores nothing', async () => {
    const before = await count('incident');
    const formId = await formIdFromReport();
    const res = await h.invoke(
      'incident.submit',
      violentIncident(formId, { customerName: '', occurredDate: '2026-11-27', behaviours: 'unrealistic-deadlines', description: 'x'.repeat(4001) }),
    );
    expect(res.status).to.equal(200);
    const text = cardText(res.body.value);
    expect(text).to.include('Please correct the 4 fields');
    expect(text).to.include('Enter the customer’s name');
    expect(text).to.include('cannot be in the future');
    expect(text).to.include('Choose the behaviours from the list');
    expect(text).to.include('4000 characters or fewer');
    expect(text).to.include('T004512'); // kept
    expect(await count('incident')).to.equal(before);
  });

  it('the same submission delivered twice at once yields one incident and the same reference', async () => {
    const before = await count('incident');
    const formId = await formIdFromReport();
    const data = violentIncident(formId, { customerRef: 'T777001' });
    const [a, b] = await Promise.all([h.invoke('incident.submit', data), h.invoke('incident.submit', data)]);
    const refA = /UB-\w{3}-\w{3}/.exec(cardText(a.body.value))![0];
    const refB = /UB-\w{3}-\w{3}/.exec(cardText(b.body.value))![0];
    expect(refA).to.equal(refB);
    expect(await count('incident')).to.equal(before + 1);
    const again = await h.invoke('incident.submit', data);
    expect(cardText(again.body.value)).to.include('recorded once, under the same reference');
    expect(await count('incident')).to.equal(before + 1);
    expect(await count('audit')).to.be.greaterThan(0);
  });

  it('the incident and its interim marker record the policy version, with the configured adoption date and the text’s hash', async () => {
    const other = await startHarness({ POLICY_ADOPTED_ON: '2025-04-01' });
    try {
      const res = await other.invoke('incident.submit', violentIncident('policy-version-form-1', { customerRef: 'T888001' }));
      const reference = /UB-\w{3}-\w{3}/.exec(cardText(res.body.value))![0];
      const cases = other.bot.cosmos.containers.cases;
      const incident = (await cases.item(reference, 'T888001').read<{ policyVersion: string }>()).resource!;
      const marker = (await cases.item(`${reference}:pairs-visit`, 'T888001').read<{ policyVersion: string }>()).resource!;
      expect(incident.policyVersion).to.equal(policyVersion('2025-04-01'));
      expect(marker.policyVersion).to.equal(incident.policyVersion);
    } finally {
      await other.stop();
    }
  });
});
