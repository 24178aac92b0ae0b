import { expect } from 'chai';
import { EMULATOR_KEY, startEmbeddedCosmos, type EmbeddedCosmos } from '../../src/store/embedded';
import type { OutboxEntry } from '../../src/domain/outbox';
import { startCosmosProxy, waitUntil, type CosmosProxy } from '../support/cosmos-proxy';
import { PEOPLE, cardOf, cardText, startHarness, violentIncident, type Harness, type PersonKey } from '../support/harness';

const personalPath = (who: PersonKey) => `/v3/conversations/${encodeURIComponent(`a:personal-${PEOPLE[who].id}`)}/activities`;

/** Deadlines, bounded dependencies and back-pressure: no slow dependency holds a person, a lane or shutdown. */
describe('limits: deadlines, bounded calls, back-pressure', () => {
  describe('a Cosmos that accepts connections and never answers', () => {
    let cosmos: EmbeddedCosmos;
    let proxy: CosmosProxy;
    let h: Harness;
    beforeEach(async () => {
      cosmos = await startEmbeddedCosmos();
      proxy = await startCosmosProxy(cosmos.endpoint);
      h = await startHarness({
        COSMOS_ENDPOINT: proxy.url,
        COSMOS_KEY: EMULATOR_KEY,
        COSMOS_ATOMIC_BATCH: 'false',
        COSMOS_TIMEOUT_MS: '800',
        GRAPH_TIMEOUT_MS: '800',
        ACTION_DEADLINE_MS: '1000',
        MESSAGE_DEADLINE_MS: '2000',
        CONNECTOR_TIMEOUT_MS: '1000',
        MAX_TURNS_IN_FLIGHT: '4',
        RESERVED_TURNS: '2',
        OUTBOX_POLL_MS: '60000',
      });
      await h.message('help', 'alex');
    });
    afterEach(async () => {
      proxy.release();
      await h.stop();
      await proxy.close();
      await cosmos.close();
    });

    it('a submission is answered (not a 5xx, not a hang) with what is true: not confirmed, press again; pressing again records it once', async () => {
      proxy.hang();
      const data = violentIncident('limits-form-0001', { customerRef: 'T700001' });
      const res = await h.invoke('incident.submit', data);
      expect(res.status).to.equal(200);
      const card = res.body.value;
      // The reference claim was issued before Cosmos stopped answering: it may have been recorded.
      expect(cardText(card)).to.include('Not confirmed yet');
      const retry = (card.actions as { verb: string; data: Record<string, unknown> }[])[0]!;
      expect(retry).to.deep.include({ verb: 'incident.submit' });
      expect(retry.data).to.deep.equal(data);
      proxy.release();
      const again = await h.invoke(retry.verb, retry.data);
      expect(cardText(again.body.value)).to.match(/UB-\w{3}-\w{3}/);
      const { resources } = await h.bot.cosmos.containers.cases.items
        .query({ query: 'SELECT * FROM c WHERE c.type = "incident" AND c.customerKey = "T700001"' })
        .fetchAll();
      expect(resources).to.have.length(1);
    });

    it('a read-only command is answered "nothing was saved" with a text reply', async () => {
      proxy.hang();
      const res = await h.message('check T700002');
      expect(res.status).to.equal(200);
      expect(String(res.replies[0]!.body.text)).to.include('nothing was saved');
      expect(res.replies[0]!.body.textFormat).to.equal('plain');
    });

    it('beyond the turns in flight: reads get a cheap 503 + Retry-After, while incident reports still get in', async () => {
      proxy.hang();
      // Two `check`s fill the capacity left for reads (4 in flight, 2 reserved); each waits on Cosmos.
      const held = [h.message('check T700003'), h.message('check T700004')];
      await waitUntil('both checks are waiting on Cosmos', () => proxy.heldCount() >= 2);
      const busy = await h.message('check T700005');
      expect(busy.status).to.equal(503);
      expect(busy.body).to.deep.include({ code: 'Busy' });
      // The report form needs no Cosmos: it is answered from the reserved capacity.
      const form = await h.invoke('incident.form', {});
      expect(form.status).to.equal(200);
      expect(cardText(form.body.value)).to.include('Submit report');
      proxy.release();
      for (const r of await Promise.all(held)) expect(r.status).to.equal(200);
      expect((await h.message('help')).status).to.equal(200);
    });
  });

  describe('the Bot Connector', () => {
    let h: Harness;
    beforeEach(async () => {
      h = await startHarness({ CONNECTOR_TIMEOUT_MS: '300', OUTBOX_POLL_MS: '50' });
      for (const who of ['megan', 'adele'] as const) await h.message('help', who);
      h.connector.clear();
    });
    afterEach(() => h.stop());

    const signOffEntry = async (customerKey: string, who: PersonKey) => {
      const { resources } = await h.bot.cosmos.containers.cases.items
        .query<OutboxEntry>({
          query: 'SELECT * FROM c WHERE c.type = "outbox" AND c.customerKey = @k AND c.recipient.personId = @p',
          parameters: [
            { name: '@k', value: customerKey },
            { name: '@p', value: PEOPLE[who].aadObjectId },
          ],
        })
        .fetchAll();
      return resources[0];
    };

    it('a reply in a turn is one bounded call too: a 503 from the connector is not retried behind the person’s back', async () => {
      h.connector.script(personalPath('alex'), { status: 503 }, { status: 503 });
      const res = await h.message('help', 'alex');
      expect(res.status).to.equal(200);
      expect(h.connector.calls.filter((p) => p.startsWith(personalPath('alex')))).to.have.length(1);
    });

    it('a send that never answers is given up after its timeout, retried, and delivered: the lane is not held', async () => {
      h.connector.script(personalPath('megan'), { status: 'hang' });
      await h.invoke('incident.submit', violentIncident('limits-form-0101', { customerRef: 'T700101' }));
      await waitUntil('the sign-off card reaches Megan on a later attempt', () =>
        h.connector.received.some((r) => r.path.startsWith(personalPath('megan'))),
      );
      const entry = (await signOffEntry('T700101', 'megan'))!;
      await waitUntil('the delivery is recorded', async () => (await signOffEntry('T700101', 'megan'))?.status === 'sent');
      expect(entry.attempts).to.be.at.least(2);
    });

    it('one retry policy: each outbox attempt is exactly one HTTP call (the connector client does not retry on its own)', async () => {
      h.connector.script(personalPath('megan'), { status: 503 }, { status: 503 });
      await h.invoke('incident.submit', violentIncident('limits-form-0102', { customerRef: 'T700102' }));
      await waitUntil('delivered after two 503s', async () => (await signOffEntry('T700102', 'megan'))?.status === 'sent', 20_000);
      const entry = (await signOffEntry('T700102', 'megan'))!;
      expect(entry.attempts).to.equal(3);
      expect(h.connector.calls.filter((p) => p.startsWith(personalPath('megan')))).to.have.length(3);
    });
  });

  it('shutdown ends while the connector never answers; the message stays pending for the next start', async () => {
    const cosmos = await startEmbeddedCosmos(); // outlives the bot
    const h = await startHarness({
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: EMULATOR_KEY,
      COSMOS_ATOMIC_BATCH: 'false',
      CONNECTOR_TIMEOUT_MS: '300',
    });
    try {
      await h.message('help', 'megan');
      h.connector.clear();
      h.connector.script(personalPath('megan'), ...Array.from({ length: 50 }, () => ({ status: 'hang' as const })));
      await h.invoke('incident.submit', violentIncident('limits-form-0103', { customerRef: 'T700103' }));
      await waitUntil('the send to Megan is in flight', () => h.connector.calls.some((p) => p.startsWith(personalPath('megan'))));
      await h.bot.close();
      const { resources } = await h.bot.cosmos.containers.cases.items.query<OutboxEntry>('SELECT * FROM c WHERE c.type = "outbox"').fetchAll();
      expect(resources.map((e) => e.status)).to.include('pending');
    } finally {
      await h.connector.stop();
      await cosmos.close();
    }
  });

  it('the reply to a message is plain text: Markdown typed by a person is shown as typed', async () => {
    const h = await startHarness();
    try {
      const res = await h.message('check [x](https://evil.example)');
      expect(res.replies[0]!.body.textFormat).to.equal('plain');
      expect(() => cardOf(res.replies[0]!.body)).to.throw();
    } finally {
      await h.stop();
    }
  });
});
