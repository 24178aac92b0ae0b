import { expect } from 'chai';
import type { Measure } from '../../src/domain/measure';
import { reviewDay } from '../../src/domain/review';
import type { Recorded } from '../support/connector';
import { proactiveTo, signOffCardTo, waitFor as waitForRecorded } from '../support/proactive';
import { TENANT, cardText, clockFrom, startHarness, violentIncident, type Harness, type PersonKey } from '../support/harness';
import { waitUntil } from '../support/wait';

const VULNERABILITIES = 'None known; checked the housing system on the day.';
const REASONS = 'Two abusive calls in April: the risk to staff remains.';

/**
 * Six-monthly reviews (§8) over HTTP: the real server, embedded Cosmos and the fake Bot Connector, with a clock the test
 * moves past review dates. Visits in pairs on two customers in Income and Tenancy Support (Head of Service Alex Wilber,
 * also a case manager; deputy Megan Bowen), both signed off by Megan on Thursday 26 Nov 2026: due Wednesday 26 May 2027.
 */
describe('six-monthly reviews and lapses (end to end)', function () {
  this.timeout(60_000);
  let h: Harness;
  const real = clockFrom();
  let shift = 0;
  /** Moves the bot's clock to this instant (it runs on at real speed from there). */
  const jumpTo = (iso: string) => (shift = new Date(iso).getTime() - real().getTime());
  const measures: Record<'reviewed' | 'lapsing', string> = { reviewed: '', lapsing: '' };
  const CUSTOMERS = { reviewed: 'T300001', lapsing: 'T300002' } as const;

  const readMeasure = async (which: keyof typeof measures) =>
    (await h.bot.cosmos.containers.cases.item(measures[which], CUSTOMERS[which]).read<Measure>()).resource!;
  const auditIds = async (prefix: string) =>
    (
      await h.bot.cosmos.containers.cases.items
        .query<string>({
          query: 'SELECT VALUE c.id FROM c WHERE c.type = "audit" AND STARTSWITH(c.id, @prefix)',
          parameters: [{ name: '@prefix', value: prefix }],
        })
        .fetchAll()
    ).resources;
  const waitFor = async (what: string, match: (r: Recorded) => boolean): Promise<Recorded> => (await waitForRecorded(h, what, match))[0]!;
  const reply = async (text: string, who: PersonKey) => {
    const r = (await h.message(text, who)).replies[0]!.body;
    return r.attachments ? cardText(r) : String(r.text);
  };
  const decideReview = (who: PersonKey, outcome: string, fields: object) =>
    h.invoke('review.decide', { measureId: measures.reviewed, customerKey: CUSTOMERS.reviewed, round: 0, outcome, ...fields }, who);

  before(async () => {
    h = await startHarness({ OUTBOX_POLL_MS: '50' }, { now: () => new Date(real().getTime() + shift) });
    for (const who of ['alex', 'megan', 'isaiah', 'lynne', 'stranger'] as const) await h.message('help', who);
    for (const which of ['reviewed', 'lapsing'] as const) {
      const form = violentIncident(`review-e2e-${which}`, { customerRef: CUSTOMERS[which], serviceArea: 'income' });
      const res = await h.invoke('incident.submit', form, 'stranger');
      measures[which] = `${/UB-\w{3}-\w{3}/.exec(cardText(res.body.value))![0]}:pairs-visit`;
      const approved = await h.invoke(
        'signoff.decide',
        { measureId: measures[which], customerKey: CUSTOMERS[which], outcome: 'approve', vulnerabilitiesConsidered: VULNERABILITIES },
        'megan',
      );
      expect(cardText(approved.body.value)).to.include('Approved');
    }
    // The first sign-off cards (to Alex and Megan, for each customer) are out before anything below is counted.
    const firstCards = (r: Recorded) => signOffCardTo('alex')(r) || signOffCardTo('megan')(r);
    await waitUntil('the first sign-off cards delivered', () => h.connector.received.filter(firstCards).length === 4);
    jumpTo('2027-05-12T09:00:00Z');
  });
  after(() => h.stop());
  beforeEach(() => h.connector.clear());

  it('reviews: case managers only, personal chat only, what is due with its weekday and date', async () => {
    expect(await reply('reviews', 'stranger')).to.include('Customer Experience team');
    const channel = h.activity('message', 'alex', {
      text: 'reviews',
      conversation: { id: '19:housing-general@thread.tacv2', conversationType: 'channel', tenantId: TENANT },
    });
    expect(String((await h.post(channel)).replies[0]!.body.text)).to.include('only works in a personal chat');
    const list = await reply('reviews', 'alex');
    expect(list).to.include(`customer ${CUSTOMERS.reviewed}`).and.include(`customer ${CUSTOMERS.lapsing}`);
    expect(list).to.include('Review due Wednesday 26 May 2027');
    expect((await h.invoke('review.open', { measureId: measures.reviewed, customerKey: CUSTOMERS.reviewed }, 'megan')).status).to.equal(403);
  });

  it('two clicks at once give one outcome; visits in pairs continued are signed off afresh, not by their reviewer', async () => {
    const card = cardText((await h.invoke('review.open', { measureId: measures.reviewed, customerKey: CUSTOMERS.reviewed }, 'alex')).body.value);
    expect(card).to.include('Continue…').and.include('Escalate…').and.include('Lift…');
    const [a, b] = await Promise.all([
      decideReview('alex', 'continue', { continueNextReview: '2027-11-01', continueReasons: REASONS }),
      decideReview('alex', 'escalate', { referredTo: 'Legal services', escalateNextReview: '2027-10-01', escalateReasons: REASONS }),
    ]);
    const texts = [a, b].map((r) => cardText(r.body.value));
    expect(
      texts.filter((t) => t.includes('your click changed nothing')),
      texts.join('\n---\n'),
    ).to.have.length(1);
    expect(await auditIds(`${measures.reviewed}:review:`)).to.deep.equal([`${measures.reviewed}:review:1`]);

    const renewed = await readMeasure('reviewed');
    expect(renewed).to.deep.include({ status: 'pending-sign-off', interim: true });
    expect(await reply(`check ${CUSTOMERS.reviewed}`, 'stranger')).to.include('Visit in pairs only.');
    // Alex reviewed it, so Megan (who signed it off before) and Isaiah are asked; Lynne, a case manager, is told.
    await waitFor('renewal card to Megan', signOffCardTo('megan'));
    await waitFor('renewal card to Isaiah', signOffCardTo('isaiah'));
    await waitFor('Lynne told', (r) => proactiveTo('lynne')(r) && cardText(r.body).includes('reviewed it on'));
    expect(h.connector.received.filter(signOffCardTo('alex'))).to.deep.equal([]);

    const decide = (who: PersonKey) =>
      h.invoke(
        'signoff.decide',
        { measureId: measures.reviewed, customerKey: CUSTOMERS.reviewed, outcome: 'approve', vulnerabilitiesConsidered: VULNERABILITIES },
        who,
      );
    expect((await decide('alex')).body.value.code).to.equal('NotApprover');
    expect(cardText((await decide('megan')).body.value)).to.include('Approved');
    const approved = await readMeasure('reviewed');
    expect(approved).to.deep.include({ status: 'active', reviewDue: renewed.reviewDue });
    expect(approved.reviewDue).to.match(/^2027-1[01]-01T0[89]:00:00.000Z$/);
  });

  it('past its review date: check warns for 30 days and writes nothing; case and reviews record the lapse once', async () => {
    jumpTo('2027-06-01T09:00:00Z');
    const prompt = `Visits in pairs lapsed unreviewed on ${reviewDay('2027-05-26T10:00:00Z')}: ask the Customer Experience team before visiting alone.`;
    expect(await reply(`check ${CUSTOMERS.lapsing}`, 'stranger')).to.include(prompt);
    expect((await readMeasure('lapsing')).status, 'check is a read').to.equal('active');

    const reference = measures.lapsing.split(':')[0]!;
    expect(await reply(`case ${reference}`, 'alex')).to.include('lapsed on 26 May 2027, not reviewed');
    expect((await readMeasure('lapsing')).status).to.equal('lapsed');
    expect(await reply('reviews', 'alex')).to.include('Lapsed on Wednesday 26 May 2027, not reviewed');
    await reply(`case ${reference}`, 'alex');
    expect(await auditIds(`${measures.lapsing}:lapsed`)).to.deep.equal([`${measures.lapsing}:lapsed`]);
    expect(await reply(`check ${CUSTOMERS.lapsing}`, 'stranger')).to.include(prompt);

    jumpTo('2027-06-26T11:00:00Z');
    expect(await reply(`check ${CUSTOMERS.lapsing}`, 'stranger')).to.include('No warning markers in force.');
  });
});
