import { expect } from 'chai';
import { submitIncident } from '../../src/app/incidents/report';
import { decideSignOff } from '../../src/app/signoff/decide';
import type { Actor } from '../../src/app/context';
import type { OutboxEntry } from '../../src/domain/outbox';
import { emptySummary, summarise } from '../../src/domain/summary';
import { FIXED_NOW, PEOPLE, TENANT, cardText, violentIncident, type PersonKey } from '../support/harness';
import { memoryApp, type MemoryApp } from '../support/memory-ports';

const actor = (who: PersonKey): Actor => ({ id: PEOPLE[who].aadObjectId, name: PEOPLE[who].name, tenantId: TENANT });
const CUSTOMER = 'T004512';

async function report(app: MemoryApp, formId: string, who: PersonKey = 'stranger', over: Record<string, string> = {}): Promise<string> {
  const res = await submitIncident(app.ctx, actor(who), violentIncident(formId, over));
  return /UB-\w{3}-\w{3}/.exec(cardText('card' in res ? res.card : {}))![0];
}

const pairsVisits = (app: MemoryApp) => app.measures.values().filter((m) => m.kind === 'pairs-visit');
const outbox = (app: MemoryApp) => app.customers.outbox();
const sends = (app: MemoryApp) => outbox(app).filter((e) => e.action.kind === 'show');

/** One instruction per kind per customer (docs/rules.md#R-one-marker-per-kind), and a summary that is exact. */
describe('use cases over in-memory ports: one visits-in-pairs measure per customer', () => {
  let app: MemoryApp;
  beforeEach(async () => {
    app = await memoryApp(FIXED_NOW);
  });

  it('a further §5.1 report joins the measure awaiting sign-off: the cards sent are updated, nobody is asked twice', async () => {
    const first = await report(app, 'form-join-1');
    const second = await report(app, 'form-join-2', 'alex');
    const [marker] = pairsVisits(app);
    expect(pairsVisits(app)).to.have.length(1);
    expect(marker!).to.deep.include({ id: `${first}:pairs-visit`, status: 'pending-sign-off', interim: true, incidentRefs: [first, second] });
    expect(marker!.notifyOnDecision.map((p) => p.id)).to.deep.equal([PEOPLE.stranger.aadObjectId, PEOPLE.alex.aadObjectId]);
    expect(sends(app).map((e) => e.id)).to.have.length(2);
    const updates = outbox(app).filter((e) => e.action.kind === 'update');
    expect(updates.map((e) => [e.id, e.action])).to.deep.equal(
      ['megan', 'adele'].map((who) => [
        `${marker!.id}:update:${second}:${PEOPLE[who as PersonKey].aadObjectId}`,
        { kind: 'update', of: `${marker!.id}:signoff:${PEOPLE[who as PersonKey].aadObjectId}` },
      ]),
    );
    const summary = await app.customers.summary(CUSTOMER);
    expect(summary).to.deep.include({ incidentCount: 2, measureCount: 1 });
    expect(summary.markers.map((m) => [m.id, m.incidentCount])).to.deep.equal([[marker!.id, 2]]);
  });

  it('two §5.1 reports at the same moment: exactly one measure and one set of sign-off cards', async () => {
    const refs = await Promise.all(['form-race-1', 'form-race-2', 'form-race-3'].map((f) => report(app, f)));
    expect(pairsVisits(app)).to.have.length(1);
    expect([...pairsVisits(app)[0]!.incidentRefs].sort()).to.deep.equal([...refs].sort());
    expect(sends(app)).to.have.length(2);
    expect((await app.customers.summary(CUSTOMER)).incidentCount).to.equal(3);
  });

  it('in force: the incident is added, the review date stands, and the case managers are told the behaviour persisted (§8)', async () => {
    const first = await report(app, 'form-force-1');
    await decideSignOff(app.ctx, actor('megan'), {
      measureId: `${first}:pairs-visit`,
      customerKey: CUSTOMER,
      outcome: 'approve',
      vulnerabilitiesConsidered: 'None known; checked the housing system on the day.',
    });
    const reviewDue = pairsVisits(app)[0]!.reviewDue;
    const second = await report(app, 'form-force-2');
    const [marker] = pairsVisits(app);
    expect(pairsVisits(app)).to.have.length(1);
    expect(marker!).to.deep.include({ status: 'active', reviewDue, incidentRefs: [first, second] });
    const told = outbox(app).filter((e) => e.id.startsWith(`${second}:persisted:`));
    const managers = (await app.ctx.directory.caseManagers()).map((p) => p.id);
    expect(managers).to.include(PEOPLE.alex.aadObjectId);
    expect(told.map((e) => (e.recipient as { personId: string }).personId)).to.deep.equal(managers);
    expect(JSON.stringify(told[0]!.action)).to.include('Behaviour persisted');
  });

  it('lapsed unreviewed (§8): that one is recorded as lapsed and visits in pairs start again, asked afresh', async () => {
    const first = await report(app, 'form-lapse-1');
    const m = pairsVisits(app)[0]!;
    app.measures.put({ ...m, status: 'active', interim: false, reviewDue: '2026-01-01T00:00:00.000Z' });
    // The summary is as the decision that made it active left it.
    const { value: summary, version } = await app.customers.read(CUSTOMER);
    await app.customers.commit({ value: summary, version }, summarise(summary, { changed: [pairsVisits(app)[0]!] }), []);
    const second = await report(app, 'form-lapse-2');
    const byId = new Map(pairsVisits(app).map((x) => [x.id, x]));
    expect(byId.get(`${first}:pairs-visit`)!.status).to.equal('lapsed');
    expect(byId.get(`${second}:pairs-visit`)!).to.deep.include({ status: 'pending-sign-off', interim: true, incidentRefs: [second] });
    expect((await app.customers.summary(CUSTOMER)).markers.map((x) => x.id)).to.deep.equal([`${second}:pairs-visit`]);
    expect(sends(app)).to.have.length(4);
  });

  it('a report that is not §5.1 counts in the summary and opens no measure', async () => {
    await report(app, 'form-plain-1', 'stranger', { safetyFlags: '', actions: '', crimeReference: '', behaviours: 'derogatory-remarks' });
    expect(app.measures.values()).to.have.length(0);
    expect(await app.customers.summary(CUSTOMER)).to.deep.include({ incidentCount: 1, markers: [] });
  });

  it('retries and double clicks never count twice: the summary equals one built from the records', async () => {
    for (const f of ['form-exact-1', 'form-exact-1', 'form-exact-2', 'form-exact-2', 'form-exact-3']) await report(app, f);
    await Promise.all([report(app, 'form-exact-4'), report(app, 'form-exact-4')]);
    const incidents = [...app.customers.incidents.values()].sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));
    const rebuilt = summarise(emptySummary(CUSTOMER), { incidents, created: app.measures.values() });
    const summary = await app.customers.summary(CUSTOMER);
    expect(summary.incidentCount).to.equal(4);
    expect(summary).to.deep.equal(rebuilt);
  });

  it('every outbox entry has a distinct id, and every update names a card that was queued', async () => {
    await report(app, 'form-ids-1');
    await report(app, 'form-ids-2');
    const all: OutboxEntry[] = outbox(app);
    expect(new Set(all.map((e) => e.id)).size).to.equal(all.length);
    const shown = new Set(sends(app).map((e) => e.id));
    for (const e of all) if (e.action.kind === 'update') expect(shown.has(e.action.of), e.id).to.equal(true);
  });
});
