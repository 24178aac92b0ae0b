import { expect } from 'chai';
import {
  clockFrom,
  PEOPLE,
  cardText,
  measuresOf,
  startHarness,
  startWithEveryone,
  violentIncident,
  type Harness,
  type PersonKey,
} from '../support/harness';
import { conversationPath, proactiveTo, signOffCardTo, waitFor } from '../support/proactive';
import { waitUntil } from '../support/wait';
import type { Measure } from '../../src/domain/measure';
import type { OutboxEntry } from '../../src/domain/outbox';

const pendingOutboxEntries = async (h: Harness) =>
  (
    await h.bot.cosmos.containers.cases.items
      .query<number>('SELECT VALUE COUNT(1) FROM c WHERE c.type = "outbox" AND c.status = "pending"')
      .fetchAll()
  ).resources[0] ?? 0;

/**
 * Waits until nothing more will be sent: no outbox entry is pending and the dispatcher has no delivery in hand (runOnce
 * returns once every lane is idle; pending is counted again after it, for follow-ups those deliveries wrote). Then a
 * test can assert what did not happen.
 */
async function outboxSettled(h: Harness, ms = 15_000): Promise<void> {
  await waitUntil(
    'the outbox settles: no entry pending, the dispatcher idle',
    async () => (await pendingOutboxEntries(h)) === 0 && (await h.bot.dispatcher.runOnce()) === 0 && (await pendingOutboxEntries(h)) === 0,
    ms,
  );
}

/**
 * §5.1 / §5.2 sign-off over HTTP: the real server, embedded Cosmos, and the fake Bot Connector recording proactive
 * messages and card updates.
 */
describe('Head of Service sign-off by card buttons (end to end)', () => {
  let h: Harness;
  before(async () => {
    h = await startWithEveryone();
  });
  after(() => h.stop());
  beforeEach(() => h.connector.clear());

  let formCounter = 0;
  async function reportViolence(customerRef: string): Promise<{ reference: string; measureId: string }> {
    const res = await h.invoke('incident.submit', violentIncident(`signoff-form-${++formCounter}`, { customerRef }));
    const reference = /UB-\w{3}-\w{3}/.exec(cardText(res.body.value))![0];
    return { reference, measureId: `${reference}:pairs-visit` };
  }
  const readMeasure = async (id: string, customerKey: string) =>
    (await h.bot.cosmos.containers.cases.item(id, customerKey).read<Measure>()).resource!;
  const readEntry = async (id: string, customerKey: string) =>
    (await h.bot.cosmos.containers.cases.item(id, customerKey).read<OutboxEntry>()).resource ?? null;
  const decideAs = (who: PersonKey, measureId: string, customerKey: string, extra: object) =>
    h.invoke('signoff.decide', { measureId, customerKey, ...extra }, who);

  it('propose (§5.1 incident) → card to Head of Service and deputy → wrong user refused → approve → cards updated, marker in check, reporter told', async () => {
    const { measureId } = await reportViolence('T100001');
    const [toMegan] = await waitFor(h, 'sign-off card to Megan', signOffCardTo('megan'));
    await waitFor(h, 'sign-off card to Adele (deputy)', signOffCardTo('adele'));
    const sent = (toMegan!.body.attachments as { content: Record<string, unknown> }[])[0]!.content;
    expect(sent.refresh).to.deep.include({ userIds: [PEOPLE.megan.id, PEOPLE.adele.id] });
    expect(cardText(sent)).to.include('Waiting for Megan Bowen (Head of Service) or Adele Vance (deputy)');
    expect(cardText(sent)).not.to.include('Approve'); // buttons only through refresh, for the approver

    // The message ids are stored (for updateActivity later), not guessed: the ids the connector answered with.
    const requestIds = ['megan', 'adele'].map((who) => `${measureId}:signoff:${PEOPLE[who as PersonKey].aadObjectId}`);
    await waitUntil('both sign-off message ids are recorded on their outbox entries', async () =>
      (await Promise.all(requestIds.map((id) => readEntry(id, 'T100001')))).every((e) => e?.activityId),
    );
    for (const id of requestIds) expect((await readEntry(id, 'T100001'))!.activityId).to.match(/^activity-\d+$/);

    // Refresh: the approver sees buttons; anyone else sees status only.
    expect(cardText((await h.invoke('signoff.refresh', { measureId, customerKey: 'T100001' }, 'megan')).body.value)).to.include('Approve');
    expect(cardText((await h.invoke('signoff.refresh', { measureId, customerKey: 'T100001' }, 'stranger')).body.value)).not.to.include('Approve');

    // Wrong user: Isaiah is Head of Service for another area. Refused, nothing changes.
    const before = await readMeasure(measureId, 'T100001');
    const wrong = await decideAs('isaiah', measureId, 'T100001', { outcome: 'approve', vulnerabilitiesConsidered: 'none known' });
    expect(wrong.status).to.equal(403);
    expect(wrong.body.value.code).to.equal('NotApprover');
    expect((await readMeasure(measureId, 'T100001'))._etag).to.equal(before._etag);

    // Approve without recording vulnerabilities considered (§6): refused in the card, nothing changes.
    const noVuln = await decideAs('megan', measureId, 'T100001', { outcome: 'approve' });
    expect(cardText(noVuln.body.value)).to.include('Record how vulnerabilities and reasonable adjustments were considered (§6)');
    expect((await readMeasure(measureId, 'T100001')).status).to.equal('pending-sign-off');

    const approved = await decideAs('megan', measureId, 'T100001', {
      outcome: 'approve',
      vulnerabilitiesConsidered: 'No vulnerabilities recorded in Active H; spoke to the housing officer.',
    });
    expect(approved.status).to.equal(200);
    expect(cardText(approved.body.value)).to.include('Approved');
    const stored = await readMeasure(measureId, 'T100001');
    expect(stored).to.include({ status: 'active', interim: false });
    expect(stored.reviewDue).to.match(/^2027-05-26T10:0/); // six months from the decision (§8)
    expect(stored.signOff!.decision).to.include({ outcome: 'approved' });

    // Every copy of the sign-off card is updated in place; the reporter (Alex) is told.
    const updates = await waitFor(h, 'card updates', (r) => r.method === 'PUT', 2);
    for (const u of updates) expect(cardText(u.body)).to.include('Decided by');
    const told = await waitFor(h, 'reporter told', (r) => proactiveTo('alex')(r) && String(r.body.summary).includes('approved'));
    expect(cardText(told[0]!.body)).to.include('Megan Bowen approved it');

    const check = cardText((await h.message('check T100001', 'stranger')).replies[0]!.body);
    expect(check).to.include('Visit in pairs only.');
    expect(check).not.to.include('interim');

    // The deputy's stale card: a clear message, nothing changed.
    const stale = await decideAs('adele', measureId, 'T100001', { outcome: 'reject', reason: 'I disagree with this' });
    expect(cardText(stale.body.value)).to.include('already decided');
    expect((await readMeasure(measureId, 'T100001')).status).to.equal('active');

    expect(cardText((await h.message('pending', 'megan')).replies[0]!.body)).to.include('Nothing is waiting for you.');
  });

  it('two approvals racing → exactly one decision; the loser is told who decided and when', async () => {
    const { measureId } = await reportViolence('T100002');
    const [a, b] = await Promise.all([
      decideAs('megan', measureId, 'T100002', { outcome: 'approve', vulnerabilitiesConsidered: 'None known after checking.' }),
      decideAs('adele', measureId, 'T100002', { outcome: 'reject', reason: 'Evidence is thin; speak to the officer first.' }),
    ]);
    const texts = [cardText(a.body.value), cardText(b.body.value)];
    const losers = texts.filter((t) => t.includes('decided this first') || t.includes('already decided'));
    expect(losers, texts.join('\n---\n')).to.have.length(1);
    const { resources } = await h.bot.cosmos.containers.cases.items
      .query({ query: 'SELECT * FROM c WHERE c.type = "audit" AND c.subject = @id', parameters: [{ name: '@id', value: measureId }] })
      .fetchAll();
    expect(resources).to.have.length(1);
    // Both sign-off cards end up showing the decision, whether they were sent before it or after it.
    await waitFor(h, 'both sign-off cards updated', (r) => r.method === 'PUT' && cardText(r.body).includes('T100002'), 2);
  });

  it('a further §5.1 report joins the measure awaiting sign-off: the cards sent are updated to list it, nobody is asked twice', async () => {
    const first = await reportViolence('T100004');
    await waitFor(h, 'sign-off cards', (r) => signOffCardTo('megan')(r) || signOffCardTo('adele')(r), 2);
    const second = await reportViolence('T100004');
    const updates = await waitFor(h, 'both cards updated', (r) => r.method === 'PUT' && cardText(r.body).includes(second.reference), 2);
    for (const u of updates) expect(cardText(u.body)).to.include(first.reference);
    await outboxSettled(h);
    expect(h.connector.received.filter((r) => signOffCardTo('megan')(r) || signOffCardTo('adele')(r))).to.have.length(2);
    expect((await readMeasure(first.measureId, 'T100004')).incidentRefs).to.deep.equal([first.reference, second.reference]);
    const check = cardText((await h.message('check T100004', 'stranger')).replies[0]!.body);
    expect(check.match(/Visits and meetings in pairs/g)).to.have.length(1);
    expect(check).to.include('2 incidents on record');
  });

  it('independent sign-off: a Head of Service who proposed the measure is not asked and cannot approve it; the next one is', async () => {
    // Alex is a case manager and Head of Service for Income: he proposes visits in pairs on an Income incident.
    const plain = {
      customerRef: 'T100005',
      serviceArea: 'income',
      safetyFlags: '',
      actions: '',
      crimeReference: '',
      behaviours: 'derogatory-remarks',
    };
    const res = await h.invoke('incident.submit', violentIncident(`signoff-form-${++formCounter}`, plain), 'stranger');
    const reference = /UB-\w{3}-\w{3}/.exec(cardText(res.body.value))![0];
    const proposed = await h.invoke('measure.propose', {
      incidentRef: reference,
      formId: `signoff-proposal-${formCounter}`,
      kind: 'pairs-visit',
      reasons: 'Threatened the income officer on the phone and said he would come to the office.',
      reviewDate: '2027-03-01',
      vulnerabilitiesConsidered: 'None known to the officer or in the housing system.',
      notifyCustomer: 'yes',
      priorWarningSkipReason: 'He said he would come to the office: staff need to be safe now.',
    });
    expect(cardText(proposed.body.value)).to.include('Megan Bowen (deputy)');
    const m = (await measuresOf(h, 'T100005'))[0]!;
    // Megan (the deputy) and Isaiah (the first alternate) are asked; Alex is not.
    expect(m.signOff).to.include({ approverId: PEOPLE.megan.aadObjectId, deputyId: PEOPLE.isaiah.aadObjectId });
    await waitFor(h, 'sign-off card to Megan', signOffCardTo('megan'));
    await waitFor(h, 'sign-off card to Isaiah', signOffCardTo('isaiah'));
    expect(h.connector.received.filter(signOffCardTo('alex'))).to.have.length(0);
    const refreshed = cardText((await h.invoke('signoff.refresh', { measureId: m.id, customerKey: 'T100005' }, 'alex')).body.value);
    expect(refreshed).not.to.include('Approve');
    const self = await decideAs('alex', m.id, 'T100005', { outcome: 'approve', vulnerabilitiesConsidered: 'None known after checking.' });
    expect(self.status).to.equal(403);
    expect((await readMeasure(m.id, 'T100005')).status).to.equal('pending-sign-off');
    const megan = cardText((await h.invoke('signoff.refresh', { measureId: m.id, customerKey: 'T100005' }, 'megan')).body.value);
    expect(megan).to.include('Approve…').and.include(reference).and.include('Threatened the income officer');
  });

  it('a further incident reported by a Head of Service asked to decide: they are no longer asked, the next independent one is', async () => {
    const first = await reportViolence('T100006');
    await waitFor(h, 'sign-off cards', (r) => signOffCardTo('megan')(r) || signOffCardTo('adele')(r), 2);
    // Megan, asked as Head of Service, reports a further §5.1 incident for the same customer: she is now involved.
    await h.invoke('incident.submit', violentIncident(`signoff-form-${++formCounter}`, { customerRef: 'T100006' }), 'megan');
    await waitFor(h, 'a card to Isaiah, the first alternate', signOffCardTo('isaiah'));
    const m = await readMeasure(first.measureId, 'T100006');
    expect(m.signOff).to.include({ approverId: PEOPLE.adele.aadObjectId, deputyId: PEOPLE.isaiah.aadObjectId });
    const self = await decideAs('megan', m.id, 'T100006', { outcome: 'approve', vulnerabilitiesConsidered: 'None known after checking.' });
    expect(self.status).to.equal(403);
  });

  it('a reject needs a reason; an interim marker rejected is lifted and check stops showing it', async () => {
    const { measureId } = await reportViolence('T100003');
    expect(cardText((await decideAs('adele', measureId, 'T100003', { outcome: 'reject' })).body.value)).to.include('Give the reason');
    await decideAs('adele', measureId, 'T100003', { outcome: 'reject', reason: 'Reporter confirmed no threat was made.' });
    expect((await readMeasure(measureId, 'T100003')).status).to.equal('lifted');
    expect(cardText((await h.message('check T100003', 'stranger')).replies[0]!.body)).to.include('No warning markers in force.');
  });

  it('card data naming a record that does not exist, or malformed → 404/400, nothing changes', async () => {
    expect((await decideAs('megan', 'UB-XXX-XXX:pairs-visit', 'T100001', { outcome: 'approve' })).status).to.equal(404);
    expect((await decideAs('megan', 'x', 'T100001', { outcome: 'maybe' })).status).to.equal(400);
    expect((await h.invoke('signoff.refresh', { measureId: 42 }, 'megan')).status).to.equal(400);
  });
});

describe('reliable proactive delivery (outbox)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ OUTBOX_POLL_MS: '50' }, { now: clockFrom() });
    for (const who of ['alex', 'megan', 'adele'] as const) await h.message('help', who);
    h.connector.clear();
  });
  afterEach(() => h.stop());

  it('connector answers 429 (Retry-After) then 200 → the card is delivered exactly once', async () => {
    h.connector.script(
      conversationPath('megan'),
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 429, headers: { 'retry-after': '1' } },
    );
    await h.invoke('incident.submit', violentIncident('retry-form-1', { customerRef: 'T200001' }));
    await waitFor(h, 'delivery after 429s', signOffCardTo('megan'), 1, 15_000);
    await outboxSettled(h);
    expect(h.connector.received.filter(signOffCardTo('megan'))).to.have.length(1);
  });

  it('connector answers 403 → the conversation is marked dead and the case managers are told', async () => {
    h.connector.script(conversationPath('megan'), { status: 403 });
    await h.invoke('incident.submit', violentIncident('dead-form-1', { customerRef: 'T200002' }));
    const notice = await waitFor(h, 'case manager (Alex) told', (r) => proactiveTo('alex')(r) && String(r.body.summary).startsWith('Undelivered'));
    expect(cardText(notice[0]!.body)).to.include('403');
    expect(cardText(notice[0]!.body)).to.include('could not be delivered to Megan Bowen'); // named, not an object id
    const { resource } = await h.bot.cosmos.containers.conversations
      .item(`person:${PEOPLE.megan.aadObjectId}`, `person:${PEOPLE.megan.aadObjectId}`)
      .read();
    expect(resource!.dead).to.include({ status: 403 });
    expect(h.connector.received.filter(signOffCardTo('megan'))).to.have.length(0);
  });

  it('a busy conversation does not hold up another person’s notice (one lane per conversation, each paced)', async () => {
    const submitted = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        h.invoke('incident.submit', violentIncident(`lane-form-${i}`, { customerRef: `T2100${String(i).padStart(2, '0')}` })),
      ),
    );
    const reference = /UB-\w{3}-\w{3}/.exec(cardText(submitted[0]!.body.value))![0];
    const t0 = Date.now();
    await h.invoke(
      'signoff.decide',
      { measureId: `${reference}:pairs-visit`, customerKey: 'T210000', outcome: 'approve', vulnerabilitiesConsidered: 'None known after checking.' },
      'adele',
    );
    await waitFor(h, 'reporter told', (r) => proactiveTo('alex')(r) && String(r.body.summary).includes('T210000: approved'));
    const notifiedAfter = Date.now() - t0;
    const cardsToMegan = h.connector.received.filter(signOffCardTo('megan')).length;
    expect(cardsToMegan, 'Megan’s lane is still sending, paced').to.be.below(12);
    expect(notifiedAfter).to.be.below(1000);
    await waitFor(h, 'all of Megan’s cards, in the end', signOffCardTo('megan'), 12);
  });

  it('entries queued while the dispatcher is down are delivered when it starts again', async () => {
    await h.bot.dispatcher.stop();
    await h.invoke('incident.submit', violentIncident('restart-form-1', { customerRef: 'T200003' }));
    // The submission is answered after its entries are written and the (stopped) dispatcher kicked: none was claimed.
    const { resources } = await h.bot.cosmos.containers.cases.items
      .query<OutboxEntry>('SELECT * FROM c WHERE c.type = "outbox" AND c.status = "pending"')
      .fetchAll();
    expect(resources.length).to.be.at.least(2);
    expect(resources.map((e) => e.attempts)).to.deep.equal(resources.map(() => 0));
    expect(h.connector.received.filter(signOffCardTo('megan'))).to.have.length(0);
    h.bot.dispatcher.start(); // the state is all in Cosmos: a restarted dispatcher picks the entries up
    await waitFor(h, 'delivery after restart', signOffCardTo('megan'));
    await waitFor(h, 'delivery after restart', signOffCardTo('adele'));
    await outboxSettled(h);
    expect(h.connector.received.filter(signOffCardTo('megan'))).to.have.length(1); // nothing sent twice
    expect(await h.bot.dispatcher.runOnce()).to.equal(0);
  });
});
