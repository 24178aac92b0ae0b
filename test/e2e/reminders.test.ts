import { expect } from 'chai';
import type { JobReport } from '../../src/app/jobs';
import type { Measure } from '../../src/domain/measure';
import type { Recorded } from '../support/connector';
import { PEOPLE, cardText, startHarness, violentIncident, type Harness, type PersonKey } from '../support/harness';
import { ManualClock } from '../support/jobs';
import { proactiveTo, signOffCardTo, waitFor } from '../support/proactive';
import { waitUntil } from '../support/wait';

const VULNERABILITIES = 'None known; checked the housing system on the day.';
const GROUNDS = 'He says he was not at home that day and the officer has mistaken him for his brother.';

/**
 * The reminders and lapse jobs over HTTP: the real server, embedded Cosmos, the real outbox and the fake Bot Connector,
 * run through the scheduler (as `POST /api/jobs/:name` runs them) with a clock the test moves. On Thursday 26 November
 * 2026 at 10:00 a frontline officer reports violence (§5.1) at two customers in Housing Management (Head of Service
 * Megan Bowen, deputy Adele Vance, alternate Isaiah Langer): T500001's visits in pairs wait for sign-off; T500002's are
 * signed off by Megan at once (review Wednesday 26 May 2027), and appealed the same day (due Thursday 10 December,
 * decided by Adele and Isaiah, as Megan signed it off). Case managers: Alex Wilber (also the admin) and Lynne Robbins.
 */
describe('reminders and lapses (end to end)', function () {
  this.timeout(60_000);
  let h: Harness;
  const clock = new ManualClock(Date.parse('2026-11-26T10:00:00Z'));
  const ids: Record<'waiting' | 'signed', string> = { waiting: '', signed: '' };

  /** Runs a job now, at the clock's time, as the scheduler does for `POST /api/jobs/:name`. */
  async function run(job: 'reminders' | 'lapses', at: string): Promise<JobReport> {
    clock.set(at);
    const started = await h.bot.scheduler.runNow(job);
    if (started.outcome !== 'started') return expect.fail(`${job} did not start: ${started.outcome}`);
    return started.done;
  }
  const pending = async () =>
    (
      await h.bot.cosmos.containers.cases.items
        .query<number>('SELECT VALUE COUNT(1) FROM c WHERE c.type = "outbox" AND c.status = "pending"')
        .fetchAll()
    ).resources[0] ?? 0;
  /** Waits until nothing more will be sent, so a test can count what was. */
  const settled = () =>
    waitUntil(
      'the outbox settles',
      async () => (await pending()) === 0 && (await h.bot.dispatcher.runOnce()) === 0 && (await pending()) === 0,
      15_000,
    );
  /** Proactive messages whose summary (the notice's title) starts so, by recipient. */
  const received = (title: string) => (r: Recorded) => r.method === 'POST' && String(r.body.summary).startsWith(title);
  const who = (records: Recorded[]) => records.map((r) => (Object.keys(PEOPLE) as PersonKey[]).find((p) => proactiveTo(p)(r))).sort();
  /** After the run settles: exactly these people got one message with this title, and nobody else any. */
  async function exactlyOnce(title: string, people: PersonKey[]): Promise<Recorded[]> {
    await waitFor(h, title, received(title), people.length);
    await settled();
    const got = h.connector.received.filter(received(title));
    expect(who(got), title).to.deep.equal([...people].sort());
    expect(h.connector.received.filter((r) => r.method === 'POST').length, 'nothing else was sent').to.equal(got.length);
    return got;
  }

  before(async () => {
    h = await startHarness({ OUTBOX_POLL_MS: '50', JOBS_TICK_MS: '3600000' }, { now: clock.now });
    for (const p of Object.keys(PEOPLE) as PersonKey[]) await h.message('help', p);
    for (const [which, customerRef] of [
      ['waiting', 'T500001'],
      ['signed', 'T500002'],
    ] as const) {
      const res = await h.invoke('incident.submit', violentIncident(`reminders-e2e-${which}`, { customerRef }), 'stranger');
      ids[which] = `${/UB-\w{3}-\w{3}/.exec(cardText(res.body.value))![0]}:pairs-visit`;
    }
    await waitFor(h, 'sign-off cards to Megan', signOffCardTo('megan'), 2);
    const approved = await h.invoke(
      'signoff.decide',
      { measureId: ids.signed, customerKey: 'T500002', outcome: 'approve', vulnerabilitiesConsidered: VULNERABILITIES },
      'megan',
    );
    expect(cardText(approved.body.value)).to.include('Approved');
    // Its letter went the same day (docs/rules.md#R-letter-sent): no letter reminder joins the review's.
    const letter = { reference: ids.signed.split(':')[0], letterId: `${ids.signed}:letter`, slot: 0, 'sentOn-0': '2026-11-26', 'sentHow-0': 'post' };
    expect(cardText((await h.invoke('letter.sent', letter, 'lynne')).body.value)).to.include('recorded as sent');
    const appeal = await h.invoke(
      'appeal.record',
      {
        customerKey: 'T500002',
        formId: 'reminders-e2e-appeal',
        measureId: ids.signed,
        appellant: 'customer',
        channel: 'email',
        receivedOn: '2026-11-26',
        grounds: GROUNDS,
      },
      'lynne',
    );
    expect(cardText(appeal.body.value)).to.include('a decision is due by Thursday 10 December 2026');
    await settled();
  });
  after(() => h.stop());
  beforeEach(() => h.connector.clear());

  it('sign-off: the decider and deputy are reminded once the next working day; a second run sends nothing more', async () => {
    expect(await run('reminders', '2026-11-27T09:00:00Z')).to.deep.include({ workingTime: 1, due: 0, queued: 0 });
    expect(await run('reminders', '2026-11-27T10:00:00Z')).to.deep.include({ due: 1, queued: 2, failed: 0 });
    const [toMegan] = await exactlyOnce('Sign-off waiting: customer T500001', ['megan', 'adele']);
    expect(cardText(toMegan!.body))
      .to.include('since Thursday 26 November 2026 at 10:00')
      .and.include('Waiting for Megan Bowen (Head of Service) or Adele Vance (deputy).')
      .and.include('Type “pending”')
      .and.not.include(violentIncident('x').description);

    h.connector.clear();
    expect(await run('reminders', '2026-11-27T11:00:00Z')).to.deep.include({ due: 1, queued: 0 });
    await settled();
    expect(h.connector.received.filter((r) => r.method === 'POST')).to.deep.equal([]);
  });

  it('nothing at all outside working time', async () => {
    expect(await run('reminders', '2026-11-27T17:30:00Z')).to.deep.equal({ workingTime: 0, considered: 0, due: 0, queued: 0, failed: 0 });
    expect(await run('reminders', '2026-11-28T10:00:00Z')).to.deep.include({ workingTime: 0 });
    await settled();
    expect(h.connector.received.filter((r) => r.method === 'POST')).to.deep.equal([]);
  });

  it('sign-off: after 3 working days the case managers are told once', async () => {
    expect(await run('reminders', '2026-12-01T10:00:00Z')).to.deep.include({ due: 1, queued: 2 });
    const [toLynne] = await exactlyOnce('Sign-off still waiting after 3 working days: customer T500001', ['alex', 'lynne']);
    expect(cardText(toLynne!.body)).to.include(`Type “case ${ids.waiting.split(':')[0]}”`);
    h.connector.clear();
    expect(await run('reminders', '2026-12-02T10:00:00Z')).to.deep.include({ queued: 0 });
    await settled();
    expect(h.connector.received.filter((r) => r.method === 'POST')).to.deep.equal([]);
  });

  it('appeal: its deciders 2 working days before and on the due date; overdue, the case managers and the admin, once each', async () => {
    expect(await run('reminders', '2026-12-08T09:00:00Z')).to.deep.include({ queued: 2 });
    await exactlyOnce('Appeal due Thursday 10 December 2026: customer T500002', ['adele', 'isaiah']);
    h.connector.clear();
    expect(await run('reminders', '2026-12-10T09:00:00Z')).to.deep.include({ queued: 2 });
    await exactlyOnce('Appeal due today: customer T500002', ['adele', 'isaiah']);
    h.connector.clear();
    expect(await run('reminders', '2026-12-11T09:00:00Z')).to.deep.include({ queued: 2 });
    const [overdue] = await exactlyOnce('Appeal overdue: customer T500002', ['alex', 'lynne']);
    expect(cardText(overdue!.body))
      .to.include('Waiting for Adele Vance (deputy) or Isaiah Langer (alternate Head of Service).')
      .and.not.include(GROUNDS);
    h.connector.clear();
    expect(await run('reminders', '2026-12-14T09:00:00Z')).to.deep.include({ queued: 0 });
    await settled();
    expect(h.connector.received.filter((r) => r.method === 'POST')).to.deep.equal([]);
  });

  it('review: 14 days and 1 day before, to every case manager (its proposer is not one), once each', async () => {
    expect(await run('reminders', '2027-05-12T08:00:00Z')).to.deep.include({ queued: 2 });
    const [first] = await exactlyOnce('Review due Wednesday 26 May 2027: customer T500002', ['alex', 'lynne']);
    expect(cardText(first!.body)).to.include('Type “reviews”').and.include(`its proposer, ${PEOPLE.stranger.name}, is not one`);
    h.connector.clear();
    expect(await run('reminders', '2027-05-12T09:00:00Z')).to.deep.include({ queued: 0 });
    expect(await run('reminders', '2027-05-25T08:00:00Z')).to.deep.include({ queued: 2 });
    await exactlyOnce('Review due Wednesday 26 May 2027: customer T500002', ['alex', 'lynne']);
  });

  it('lapses: an active measure past its review date becomes lapsed, with its audit event, once', async () => {
    const measure = async () => (await h.bot.cosmos.containers.cases.item(ids.signed, 'T500002').read<Measure>()).resource!;
    const audits = async () =>
      (
        await h.bot.cosmos.containers.cases.items
          .query<string>({ query: 'SELECT VALUE c.id FROM c WHERE c.type = "audit" AND c.customerKey = "T500002" AND ENDSWITH(c.id, ":lapsed")' })
          .fetchAll()
      ).resources;
    expect(await run('lapses', '2027-05-26T09:05:00Z')).to.deep.equal({ considered: 0, customers: 0, lapsed: 0, unsettled: 0, failed: 0 });
    expect((await measure()).status).to.equal('active');
    expect(await run('lapses', '2027-05-26T10:05:00Z')).to.deep.equal({ considered: 1, customers: 1, lapsed: 1, unsettled: 0, failed: 0 });
    expect(await measure()).to.deep.include({ status: 'lapsed', interim: false });
    expect(await audits()).to.deep.equal([`${ids.signed}:lapsed`]);
    expect(await run('lapses', '2027-05-26T11:05:00Z')).to.deep.include({ considered: 0 });
    expect(await audits()).to.have.length(1);
  });
});
