import { expect } from 'chai';
import { EMULATOR_KEY, startEmbeddedCosmos, type EmbeddedCosmos } from '../../src/store/embedded';
import { startCosmosProxy, type CosmosProxy } from '../support/cosmos-proxy';
import { cardText, clockFrom, startHarness, violentIncident, type Harness } from '../support/harness';
import { waitUntil } from '../support/wait';

const CUSTOMER = 'T500001';
/** A report that is not §5.1: no measure, no cards; just history. */
const plainIncident = (formId: string) =>
  violentIncident(formId, { customerRef: CUSTOMER, behaviours: 'derogatory-remarks', safetyFlags: '', actions: '', crimeReference: '' });

/**
 * `check` and `case` read only what they show, whatever the customer's history (docs/architecture.md#customer-summary):
 * counted at Cosmos's HTTP layer, through the real bot over HTTP. Older history is a button away.
 */
describe('a customer with history: check and case stay bounded, older history pages by card button', function () {
  this.timeout(60_000);
  let cosmos: EmbeddedCosmos;
  let proxy: CosmosProxy;
  let h: Harness;
  const references: string[] = [];

  before(async () => {
    cosmos = await startEmbeddedCosmos();
    proxy = await startCosmosProxy(cosmos.endpoint);
    h = await startHarness(
      { COSMOS_ENDPOINT: proxy.url, COSMOS_KEY: EMULATOR_KEY, COSMOS_ATOMIC_BATCH: 'false', OUTBOX_POLL_MS: '50' },
      { now: clockFrom() },
    );
    for (let i = 1; i <= 12; i++) {
      const res = await h.invoke('incident.submit', plainIncident(`history-form-${String(i).padStart(4, '0')}`), 'stranger');
      references.push(/UB-\w{3}-\w{3}/.exec(cardText(res.body.value))![0]);
    }
    // Nothing in the background from here on, and each person's conversation already remembered: every request
    // counted is the command's own.
    for (const who of ['alex', 'stranger'] as const) await h.message('help', who);
    await h.bot.dispatcher.stop();
    await waitUntil('the last write has cleared its pending list', async () => {
      const { resource } = await h.bot.cosmos.containers.cases.item('customer', CUSTOMER).read<{ pendingEffects?: unknown }>();
      return resource?.pendingEffects === undefined;
    });
    proxy.takeSeen();
  });
  after(async () => {
    await h.stop();
    await proxy.close();
    await cosmos.close();
  });

  it('check: one point read of the summary, no query', async () => {
    const reply = cardText((await h.message(`check ${CUSTOMER}`, 'stranger')).replies[0]!.body);
    expect(reply).to.include('12 incidents on record');
    const seen = proxy.takeSeen();
    expect(seen.map((r) => `${r.method} ${r.container} ${r.query ? 'query' : ''}`)).to.deep.equal(['GET cases ']);
  });

  it('case: the newest other incidents and "N older", from at most four requests and no query', async () => {
    const newest = references.at(-1)!;
    const text = cardText((await h.message(`case ${newest}`, 'alex')).replies[0]!.body);
    for (const r of references.slice(-5, -1)) expect(text).to.include(r);
    expect(text).not.to.include(references[0]);
    expect(text).to.include('7 older incidents not shown.');
    expect(text).to.include('Older incidents');
    const seen = proxy.takeSeen();
    expect(seen.length, JSON.stringify(seen)).to.be.at.most(4);
    expect(seen.filter((r) => r.query)).to.deep.equal([]);
  });

  it('Older incidents pages ten at a time, newest first, each page audited; the last page has no Older button', async () => {
    const newest = references.at(-1)!;
    const first = await h.invoke('case.history', { reference: newest, list: 'incidents' }, 'alex');
    const card = first.body.value;
    const text = cardText(card);
    for (const r of references.slice(2)) expect(text).to.include(r);
    expect(text).not.to.include(references[1]);
    const next = (card.actions as { verb?: string; title: string; data: Record<string, unknown> }[]).find((a) => a.title === 'Older')!;
    expect(next.data).to.include({ reference: newest, list: 'incidents' });
    const second = cardText((await h.invoke('case.history', next.data, 'alex')).body.value);
    expect(second).to.include(references[0]).and.include(references[1]).and.not.include(references[2]);
    expect(second).not.to.include('Older\n');
    const { resources } = await h.bot.cosmos.containers.cases.items
      .query({ query: 'SELECT * FROM c WHERE c.type = "audit" AND c.action = "case.history-viewed"' })
      .fetchAll();
    expect(resources).to.have.length(2);
  });

  it('paging is need-to-know, and bad card data is refused with a clear answer', async () => {
    const newest = references.at(-1)!;
    expect((await h.invoke('case.history', { reference: newest, list: 'incidents' }, 'stranger')).status).to.equal(403);
    const badList = await h.invoke('case.history', { reference: newest, list: 'everything' }, 'alex');
    expect(badList.status).to.equal(400);
    expect(badList.body.value.message).to.include('list must be incidents or measures');
    expect((await h.invoke('case.history', { reference: newest, list: 'incidents', before: 'yesterday' }, 'alex')).status).to.equal(400);
    expect((await h.invoke('case.history', { reference: 'UB-XXX-XXX', list: 'incidents' }, 'alex')).status).to.equal(404);
    const back = await h.invoke('case.show', { reference: newest }, 'alex');
    expect(cardText(back.body.value)).to.include(`Case ${newest}`);
  });
});
