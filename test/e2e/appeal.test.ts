import { expect } from 'chai';
import {
  PEOPLE,
  TENANT,
  cardOf,
  cardText,
  expectNothingStoredAndStillAnswering,
  measuresOf,
  startWithEveryone,
  violentIncident,
  type Harness,
  type PersonKey,
} from '../support/harness';
import type { Recorded } from '../support/connector';
import { conversationPath, proactiveTo, waitFor as waitForRecorded } from '../support/proactive';
import { waitUntil } from '../support/wait';
import type { Appeal } from '../../src/domain/appeal';
import type { Measure } from '../../src/domain/measure';

const appealCardTo = (who: PersonKey) => (r: Recorded) => proactiveTo(who)(r) && String(r.body.summary).startsWith('Appeal to decide');
/** A card sent to this person replaced by its appeal's card as it is now (their sign-off cards are updated too). */
const appealUpdateTo = (who: PersonKey) => (r: Recorded) =>
  r.method === 'PUT' && r.path.startsWith(conversationPath(who)) && cardText(r.body).includes('Against:');
const REASONS = 'Read the grounds and the contact log again: the restriction is not borne out.';

/**
 * Appeals (§7) over HTTP: the real server, embedded Cosmos and the fake Bot Connector. A §4.2 incident, a contact
 * restriction the customer is not told of (§5.2), signed off by Megan (Head of Service): its appeal goes to Adele
 * (deputy) and Isaiah (alternate), never to Megan.
 */
describe('appeals by card buttons (end to end)', () => {
  let h: Harness;
  before(async () => {
    h = await startWithEveryone();
  });
  after(() => h.stop());
  beforeEach(() => h.connector.clear());

  const waitFor = (what: string, match: (r: Recorded) => boolean, count = 1) => waitForRecorded(h, what, match, count);
  const pending = async () =>
    (
      await h.bot.cosmos.containers.cases.items
        .query<number>('SELECT VALUE COUNT(1) FROM c WHERE c.type = "outbox" AND c.status = "pending"')
        .fetchAll()
    ).resources[0] ?? 0;
  /** Nothing more will be sent: no entry pending and the dispatcher idle. */
  const outboxSettled = () =>
    waitUntil(
      'the outbox settles',
      async () => (await pending()) === 0 && (await h.bot.dispatcher.runOnce()) === 0 && (await pending()) === 0,
      15_000,
    );
  const read = async <T>(id: string, customerKey: string) =>
    (await h.bot.cosmos.containers.cases.item(id, customerKey).read<T & { _etag: string }>()).resource!;

  let forms = 0;
  /** A contact restriction in force for `customerRef`, in `area`, proposed by `proposer` and signed off by `approver`. */
  async function restrictionInForce(customerRef: string, area = 'housing-management', proposer: PersonKey = 'lynne', approver: PersonKey = 'megan') {
    const reported = await h.invoke(
      'incident.submit',
      violentIncident(`appeal-e2e-incident-${++forms}`, {
        customerRef,
        serviceArea: area,
        category: 'demands',
        behaviours: 'excessive-correspondence',
        safetyFlags: '',
        actions: '',
        crimeReference: '',
      }),
      'stranger',
    );
    const reference = /UB-\w{3}-\w{3}/.exec(cardText(reported.body.value))![0];
    const proposed = await h.invoke(
      'measure.propose',
      {
        incidentRef: reference,
        formId: `appeal-e2e-proposal-${forms}`,
        kind: 'contact-restriction',
        reasons: 'Forty emails in a week to six officers about the same closed complaint.',
        reviewDate: '2027-05-01',
        notifyCustomer: 'no',
        noNotificationJustification: 'He has said he will turn up at the office and threaten the officer named in any letter.',
        priorWarningSkipReason: 'Warned in person on 2 November; he repeated the threats then.',
        vulnerabilitiesConsidered: 'No vulnerabilities known to the officer or recorded in the housing system.',
        channels: 'email,telephone',
        singlePointOfContact: 'Jo Smith',
      },
      proposer,
    );
    expect(cardText(proposed.body.value)).to.include('awaiting Head of Service sign-off');
    const measureId = (await measuresOf(h, customerRef))[0]!.id;
    const approved = await h.invoke('signoff.decide', { measureId, customerKey: customerRef, outcome: 'approve' }, approver);
    expect(cardText(approved.body.value)).to.include('Approved');
    return { reference, measureId };
  }

  /** Records an appeal from the case card, as a case manager does: case → Record an appeal → the form → submit. */
  async function appealFromCase(reference: string, customerKey: string, measureId: string, who: PersonKey = 'lynne'): Promise<string> {
    const kase = cardOf((await h.message(`case ${reference}`, who)).replies[0]!.body);
    const button = (kase.actions as { title: string; verb: string; data: Record<string, unknown> }[]).find((a) => a.title === 'Record an appeal')!;
    expect(button.data).to.deep.equal({ customerKey });
    const form = await h.invoke(button.verb, button.data, who);
    expect(cardText(form.body.value)).to.include('Record an appeal (§7)');
    const submit = (form.body.value.actions as { verb: string; data: Record<string, string> }[])[0]!;
    const res = await h.invoke(
      submit.verb,
      {
        ...submit.data,
        measureId,
        appellant: 'representative',
        representativeName: 'Jo Advocate',
        channel: 'letter',
        receivedOn: '2026-11-26',
        grounds: 'Email and telephone are fine, but he cannot reach Jo Smith, who works part time: he asks for any officer.',
      },
      who,
    );
    expect(cardText(res.body.value)).to.include('Appeal recorded: a decision is due by Thursday 10 December 2026.');
    const { resources } = await h.bot.cosmos.containers.cases.items
      .query<Appeal>({ query: 'SELECT * FROM c WHERE c.type = "appeal" AND c.measureId = @m', parameters: [{ name: '@m', value: measureId }] })
      .fetchAll();
    return resources[0]!.id;
  }

  it('case → record → cards to the independent deciders only → wrong person refused → an illegal variation refused in the form → overturned: check, notices, cards', async () => {
    const { reference, measureId } = await restrictionInForce('T400001');
    const appealId = await appealFromCase(reference, 'T400001', measureId);
    const ref = { appealId, customerKey: 'T400001' };

    const [toAdele] = await waitFor('the appeal card to Adele (deputy)', appealCardTo('adele'));
    await waitFor('the appeal card to Isaiah (alternate)', appealCardTo('isaiah'));
    const sent = cardOf(toAdele!.body);
    expect(sent.refresh).to.deep.include({ userIds: [PEOPLE.adele.id, PEOPLE.isaiah.id] });
    expect(cardText(sent)).to.include('Due Thursday 10 December 2026').and.include('Waiting for Adele Vance (deputy) or Isaiah Langer');
    expect(cardText(sent)).not.to.include('Uphold'); // buttons only through refresh, for the deciders
    expect(cardText((await h.invoke('appeal.refresh', ref, 'adele')).body.value))
      .to.include('Uphold…')
      .and.include('cannot reach Jo Smith');

    // Megan signed the measure off: never its appeal's decider (self-approval), and nothing changes.
    const before = await read<Appeal>(appealId, 'T400001');
    const wrong = await h.invoke('appeal.decide', { ...ref, outcome: 'uphold', upholdReasons: REASONS }, 'megan');
    expect(wrong.status).to.equal(403);
    expect(wrong.body.value.code).to.equal('NotDecider');
    expect((await read<Appeal>(appealId, 'T400001'))._etag).to.equal(before._etag);

    // Vary: the form, then new terms leaving no way of contact (§6): refused in the form, nothing changes.
    const form = await h.invoke('appeal.vary-form', ref, 'adele');
    expect(cardText(form.body.value)).to.include('New terms on appeal (§7): Contact restrictions');
    const submit = (form.body.value.actions as { verb: string; data: Record<string, string> }[])[0]!;
    const illegal = await h.invoke(
      submit.verb,
      {
        ...submit.data,
        kind: 'contact-restriction',
        reasons: REASONS,
        reviewDate: '2027-05-01',
        notifyCustomer: 'yes',
        channels: '',
        vulnerabilitiesConsidered: 'None known; checked the housing system.',
      },
      'adele',
    );
    expect(cardText(illegal.body.value)).to.include('Not varied').and.include('At least one way to contact us must remain (§6)');
    expect((await read<Measure>(measureId, 'T400001')).status).to.equal('active');

    const overturned = await h.invoke('appeal.decide', { ...ref, outcome: 'overturn', overturnReasons: REASONS }, 'isaiah');
    expect(cardText(overturned.body.value)).to.include('the measure is overturned and lifted');
    expect(await read<Measure>(measureId, 'T400001')).to.deep.include({ status: 'lifted', liftedOnAppeal: { appealId, replacedBy: null } });
    expect(cardText((await h.message('check T400001', 'stranger')).replies[0]!.body)).to.include('No warning markers in force.');

    // The proposer (Lynne) and every case manager (Alex, Lynne) are told, to write to the customer (§7).
    for (const who of ['lynne', 'alex'] as const) {
      const [notice] = await waitFor(`${who} told`, (r) => proactiveTo(who)(r) && String(r.body.summary).startsWith('Appeal overturned'));
      expect(cardText(notice!.body)).to.include('Isaiah Langer decided the appeal').and.include('Housing Ombudsman');
    }
    // Both cards sent to the deciders now show the outcome.
    for (const who of ['adele', 'isaiah'] as const) {
      const [update] = await waitFor(`${who}'s card updated`, appealUpdateTo(who));
      expect(cardText(update!.body)).to.include('overturned');
    }
    await outboxSettled();
    expect(h.connector.received.filter(appealCardTo('megan'))).to.have.length(0);
    const stale = await h.invoke('appeal.decide', { ...ref, outcome: 'uphold', upholdReasons: REASONS }, 'adele');
    expect(cardText(stale.body.value)).to.include('already overturned: nothing was changed');
  });

  it('two deciders at once: exactly one outcome, and the loser is told who decided first', async () => {
    const { reference, measureId } = await restrictionInForce('T400002');
    const appealId = await appealFromCase(reference, 'T400002', measureId);
    const ref = { appealId, customerKey: 'T400002' };
    const [a, b] = await Promise.all([
      h.invoke('appeal.decide', { ...ref, outcome: 'uphold', upholdReasons: REASONS }, 'adele'),
      h.invoke('appeal.decide', { ...ref, outcome: 'overturn', overturnReasons: REASONS }, 'isaiah'),
    ]);
    const texts = [a, b].map((r) => cardText(r.body.value));
    expect(
      texts.filter((t) => t.includes('decided this first') || t.includes('nothing was changed')),
      texts.join('\n---\n'),
    ).to.have.length(1);
    const { resources } = await h.bot.cosmos.containers.cases.items
      .query({ query: 'SELECT * FROM c WHERE c.type = "audit" AND c.id = @id', parameters: [{ name: '@id', value: `${appealId}:decided` }] })
      .fetchAll();
    expect(resources).to.have.length(1);
  });

  it('self-approval refused: a Head of Service who proposed the measure never decides its appeal', async () => {
    // Income: Alex is its Head of Service and a case manager. He proposed it, so Megan (deputy) signed it off; only
    // Isaiah (alternate) took no part.
    const { reference, measureId } = await restrictionInForce('T400003', 'income', 'alex', 'megan');
    const appealId = await appealFromCase(reference, 'T400003', measureId, 'alex');
    expect(await read<Appeal>(appealId, 'T400003')).to.deep.include({ approverId: PEOPLE.isaiah.aadObjectId, deputyId: null });
    for (const who of ['alex', 'megan'] as const) {
      const res = await h.invoke('appeal.decide', { appealId, customerKey: 'T400003', outcome: 'uphold', upholdReasons: REASONS }, who);
      expect(res.status, who).to.equal(403);
    }
    expect((await read<Appeal>(appealId, 'T400003')).status).to.equal('open');
    await waitFor('the appeal card to Isaiah only', appealCardTo('isaiah'));
  });

  it('withdrawal: a case manager records it with its date; the deciders’ cards are updated; a decision after it changes nothing', async () => {
    const { reference, measureId } = await restrictionInForce('T400004');
    const appealId = await appealFromCase(reference, 'T400004', measureId);
    const ref = { appealId, customerKey: 'T400004' };
    await waitFor('the appeal cards', (r) => appealCardTo('adele')(r) || appealCardTo('isaiah')(r), 2);
    expect((await h.invoke('appeal.withdraw', { ...ref, withdrawnOn: '2026-11-26' }, 'adele')).status).to.equal(403);
    const withdrawn = await h.invoke('appeal.withdraw', { ...ref, withdrawnOn: '2026-11-26' }, 'alex');
    expect(cardText(withdrawn.body.value)).to.include('Appeal withdrawn').and.include('Thursday 26 November 2026, recorded by Alex Wilber');
    for (const who of ['adele', 'isaiah'] as const)
      expect(cardText((await waitFor(`${who}'s card updated`, appealUpdateTo(who)))[0]!.body)).to.include('withdrawn');
    const late = await h.invoke('appeal.decide', { ...ref, outcome: 'overturn', overturnReasons: REASONS }, 'adele');
    expect(cardText(late.body.value)).to.include('already withdrawn');
    expect((await read<Measure>(measureId, 'T400004')).status).to.equal('active');
  });

  describe('refused before anything is stored', () => {
    expectNothingStoredAndStillAnswering(() => h);

    it('card data naming no appeal, or malformed → 404 or 400', async () => {
      expect(
        (await h.invoke('appeal.decide', { appealId: 'UB-XXX-XXX:x:appeal:0', customerKey: 'T400001', outcome: 'uphold' }, 'adele')).status,
      ).to.equal(404);
      expect((await h.invoke('appeal.decide', { appealId: 'a/b', customerKey: 'T400001', outcome: 'uphold' }, 'adele')).status).to.equal(400);
      expect((await h.invoke('appeal.record', { customerKey: 'T400001', formId: 'x' }, 'lynne')).status).to.equal(400);
      expect((await h.invoke('appeal.withdraw', { appealId: 42 }, 'lynne')).status).to.equal(400);
    });

    it('in a channel → 403 PersonalChatOnly', async () => {
      const res = await h.post(
        h.activity('invoke', 'lynne', {
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: 'appeal.record', data: { customerKey: 'T400001', formId: 'appeal-form-chan' } } },
          conversation: { id: '19:housing-general@thread.tacv2', conversationType: 'channel', tenantId: TENANT },
        }),
      );
      expect(JSON.stringify(res.body)).to.include('PersonalChatOnly');
    });
  });
});
