import { expect } from 'chai';
import { CosmosClient, type Container } from '@azure/cosmos';
import { EMULATOR_KEY, startEmbeddedCosmos, type EmbeddedCosmos } from '../../src/store/embedded';
import { referenceFor, submissionKey } from '../../src/domain/reference';
import { latestReviewDate, type Measure } from '../../src/domain/measure';
import { ukDate } from '../../src/domain/time';
import type { OutboxEntry } from '../../src/domain/outbox';
import type { CustomerSummary } from '../../src/domain/summary';
import { FakeConnector } from '../support/connector';
import { startCosmosProxy, waitUntil, type CosmosProxy, type Fault } from '../support/cosmos-proxy';
import { PEOPLE, TENANT, activityFor, cardText, startHarness, violentIncident, type Harness, type PersonKey, type Posted } from '../support/harness';

/**
 * Where Cosmos batches are not atomic (the embedded server, COSMOS_ATOMIC_BATCH=false), a failure at any step of a
 * report, a proposal or a decision must leave it either not done at all, or — within one outbox poll of a bot running
 * again — done completely: its audit event once, its notifications delivered, its cards updated. The Cosmos server
 * outlives the bot instances; a proxy in front of it lets k requests through and then fails (a crash after the k-th
 * request, as Cosmos sees it) or fails just one (a passing 503), for every k a successful run makes.
 */
describe('recovery from a failure at every Cosmos request of a report, a proposal and a decision', function () {
  this.timeout(240_000);
  let cosmos: EmbeddedCosmos;
  let proxy: CosmosProxy;
  let connector: FakeConnector;
  let direct: CosmosClient;
  let cases: Container;
  const env = () => ({
    COSMOS_ENDPOINT: proxy.url,
    COSMOS_KEY: EMULATOR_KEY,
    COSMOS_ATOMIC_BATCH: 'false',
    COSMOS_TIMEOUT_MS: '1000',
    OUTBOX_POLL_MS: '100',
  });

  before(async () => {
    cosmos = await startEmbeddedCosmos();
    proxy = await startCosmosProxy(cosmos.endpoint);
    connector = await new FakeConnector().start();
    direct = new CosmosClient({ endpoint: cosmos.endpoint, key: EMULATOR_KEY, connectionPolicy: { enableEndpointDiscovery: false } });
    const h = await startHarness(env());
    // Everyone has chatted with the bot (through the shared fake connector), so they can be reached proactively.
    for (const who of ['alex', 'megan', 'adele', 'stranger'] as const) await h.post(activityFor(connector.url, 'message', who, { text: 'help' }));
    await h.stop();
    cases = direct.database('ubp').container('cases');
  });
  after(async () => {
    direct.dispose();
    await connector.stop();
    await proxy.close();
    await cosmos.close();
  });

  const invoke = (h: Harness, who: PersonKey, verb: string, data: object): Promise<Posted> =>
    h.post(activityFor(connector.url, 'invoke', who, { name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data } } }));
  const doc = async <T extends object>(id: string, customerKey: string): Promise<T | undefined> =>
    (await cases.item(id, customerKey).read<T>()).resource;
  const docs = async <T extends object>(customerKey: string, type: string): Promise<T[]> =>
    (
      await cases.items
        .query<T>({
          query: 'SELECT * FROM c WHERE c.customerKey = @k AND c.type = @t',
          parameters: [
            { name: '@k', value: customerKey },
            { name: '@t', value: type },
          ],
        })
        .fetchAll()
    ).resources;
  /** Every listed outbox entry exists and was delivered. */
  const allSent = async (customerKey: string, ids: string[]) => {
    const entries = await docs<OutboxEntry>(customerKey, 'outbox');
    return ids.every((id) => entries.some((e) => e.id === id && e.status === 'sent'));
  };

  let formCounter = 0;
  async function report(h: Harness, customerRef: string): Promise<{ posted: Posted; reference: string }> {
    const formId = `recovery-form-${++formCounter}`;
    const posted = await invoke(h, 'stranger', 'incident.submit', violentIncident(formId, { customerRef }));
    return { posted, reference: referenceFor(submissionKey(TENANT, PEOPLE.stranger.aadObjectId, formId)) };
  }
  const signOffIds = (measureId: string) => [`${measureId}:signoff:${PEOPLE.megan.aadObjectId}`, `${measureId}:signoff:${PEOPLE.adele.aadObjectId}`];

  /** A flow: what is set up first (without faults), the step under test, and whether its result is absent or complete. */
  interface Flow {
    name: string;
    setup(h: Harness, customerRef: string): Promise<Record<string, string>>;
    act(h: Harness, customerRef: string, given: Record<string, string>): Promise<Posted & { reference?: string }>;
    /** 'absent' (did not happen), 'complete', or 'partial' (not yet, or never: the invariant is broken). */
    state(customerRef: string, given: Record<string, string>, reference?: string): Promise<'absent' | 'complete' | 'partial'>;
  }

  const reportFlow: Flow = {
    name: 'report (§5.1: incident, audit, interim marker, two sign-off cards)',
    setup: async () => ({}),
    act: async (h, customerRef) => {
      const { posted, reference } = await report(h, customerRef);
      return { ...posted, reference };
    },
    state: async (customerRef, _given, reference) => {
      const incident = await doc(reference!, customerRef);
      const summary = await doc<CustomerSummary & { pendingEffects?: unknown }>('customer', customerRef);
      if (!incident)
        return (await docs(customerRef, 'measure')).length + (await docs(customerRef, 'audit')).length === 0 && !summary ? 'absent' : 'partial';
      const measureId = `${reference}:pairs-visit`;
      const complete =
        summary?.pendingEffects === undefined &&
        summary?.incidentCount === 1 &&
        summary.markers.map((m) => m.id).join() === measureId &&
        !!(await doc(`${reference}:reported`, customerRef)) &&
        !!(await doc(measureId, customerRef)) &&
        (await allSent(customerRef, signOffIds(measureId)));
      return complete ? 'complete' : 'partial';
    },
  };

  /** No pending effects left on the customer's summary (the record every decision commits through). */
  const settled = async (customerRef: string) => (await doc<{ pendingEffects?: unknown }>('customer', customerRef))?.pendingEffects === undefined;

  const proposeFlow: Flow = {
    name: 'proposal (a referral the customer is not told of: measure, audit, two sign-off cards)',
    setup: async (h, customerRef) => ({ reference: (await report(h, customerRef)).reference }),
    act: (h, _customerRef, given) =>
      invoke(h, 'alex', 'measure.propose', {
        incidentRef: given.reference,
        formId: `recovery-proposal-${++formCounter}`,
        kind: 'referral',
        reasons: 'Threatened an officer with a hammer at a home visit.',
        reviewDate: '2027-04-01',
        vulnerabilitiesConsidered: 'None known to the officer or in the housing system.',
        notifyCustomer: 'no',
        noNotificationJustification: 'Telling him now would put the officer at further risk: police advise not until interview.',
      }),
    state: async (customerRef) => {
      const proposed = (await docs<Measure>(customerRef, 'measure')).filter((m) => m.kind === 'referral');
      if (proposed.length === 0) return 'absent';
      if (proposed.length > 1) return 'partial';
      const m = proposed[0]!;
      const complete =
        (await settled(customerRef)) && !!(await doc(`${m.id}:proposed`, customerRef)) && (await allSent(customerRef, signOffIds(m.id)));
      return complete ? 'complete' : 'partial';
    },
  };

  const decideFlow: Flow = {
    name: 'decision (approve: marker, audit, both sign-off cards updated, reporter told)',
    setup: async (h, customerRef) => {
      const { reference } = await report(h, customerRef);
      const measureId = `${reference}:pairs-visit`;
      await waitUntil('both sign-off cards are sent and their ids recorded', async () =>
        (await Promise.all(signOffIds(measureId).map((id) => doc<OutboxEntry>(id, customerRef)))).every((e) => e?.activityId),
      );
      return { measureId };
    },
    act: (h, customerRef, given) =>
      invoke(h, 'megan', 'signoff.decide', {
        measureId: given.measureId,
        customerKey: customerRef,
        outcome: 'approve',
        vulnerabilitiesConsidered: 'None known; checked the housing system on the day.',
      }),
    state: async (customerRef, given) => {
      const m = (await doc<Measure>(given.measureId!, customerRef))!;
      const audits = (await docs<{ action: string; subject: string }>(customerRef, 'audit')).filter((a) => a.action.startsWith('signoff.'));
      const summary = await doc<CustomerSummary & { pendingEffects?: unknown }>('customer', customerRef);
      if (!m.signOff?.decision) return audits.length === 0 && summary?.pendingEffects === undefined ? 'absent' : 'partial';
      const expected = [
        ...['megan', 'adele'].map((who) => `${m.id}:update:decided:${PEOPLE[who as PersonKey].aadObjectId}`),
        `${m.id}:decided:${PEOPLE.stranger.aadObjectId}`,
      ];
      const complete =
        !!summary &&
        summary.pendingEffects === undefined &&
        summary.markers.some((x) => x.id === m.id && x.status === 'active') &&
        audits.length === 1 &&
        (await allSent(customerRef, expected));
      return complete ? 'complete' : 'partial';
    },
  };

  /** A visits-in-pairs measure approved and in force: what reviews and appeals start from. */
  async function inForce(h: Harness, customerRef: string): Promise<{ measureId: string }> {
    const { measureId } = await decideFlow.setup(h, customerRef);
    await decideFlow.act(h, customerRef, { measureId: measureId! });
    return { measureId: measureId! };
  }

  const reviewFlow: Flow = {
    name: 'review (visits in pairs continued: measure, audit, two sign-off cards asked afresh, a case manager told)',
    setup: inForce,
    act: (h, customerRef, given) =>
      invoke(h, 'lynne', 'review.decide', {
        measureId: given.measureId,
        customerKey: customerRef,
        round: 0,
        outcome: 'continue',
        continueNextReview: ukDate(latestReviewDate(new Date())),
        continueReasons: 'Two abusive calls since: the risk to staff remains.',
      }),
    state: async (customerRef, given) => {
      const m = (await doc<Measure>(given.measureId!, customerRef))!;
      const review = `${m.id}:review:1`;
      if (!m.reviews?.length) return (await doc(review, customerRef)) || !(await settled(customerRef)) ? 'partial' : 'absent';
      const expected = [...signOffIds(review), `${review}:told:${PEOPLE.alex.aadObjectId}`];
      const complete = (await settled(customerRef)) && !!(await doc(review, customerRef)) && (await allSent(customerRef, expected));
      return complete ? 'complete' : 'partial';
    },
  };

  const appealFlow: Flow = {
    name: 'appeal outcome (overturned: appeal and measure changed together, audit, the deciders’ cards updated, people told)',
    setup: async (h, customerRef) => {
      const { measureId } = await inForce(h, customerRef);
      const formId = `recovery-appeal-${++formCounter}`;
      await invoke(h, 'alex', 'appeal.record', {
        customerKey: customerRef,
        formId,
        measureId,
        appellant: 'customer',
        channel: 'letter',
        receivedOn: ukDate(new Date()),
        grounds: 'He says the officer has mistaken him for his brother.',
      });
      const appealId = (await docs<{ id: string }>(customerRef, 'appeal'))[0]!.id;
      const request = `${appealId}:request:${PEOPLE.adele.aadObjectId}`;
      await waitUntil('the appeal card to Adele is sent', async () => !!(await doc<OutboxEntry>(request, customerRef))?.activityId);
      return { measureId: measureId, appealId };
    },
    act: (h, customerRef, given) =>
      invoke(h, 'adele', 'appeal.decide', {
        appealId: given.appealId,
        customerKey: customerRef,
        outcome: 'overturn',
        overturnReasons: 'The officer confirms it was his brother at the door.',
      }),
    state: async (customerRef, given) => {
      const a = given.appealId!;
      const appeal = (await doc<{ status: string }>(a, customerRef))!;
      const audit = await doc(`${a}:decided`, customerRef);
      if (appeal.status === 'open') return audit || !(await settled(customerRef)) ? 'partial' : 'absent';
      const summary = (await doc<CustomerSummary>('customer', customerRef))!;
      const expected = [
        `${a}:update:decided:${PEOPLE.adele.aadObjectId}`,
        `${a}:decided:${PEOPLE.stranger.aadObjectId}`,
        `${a}:decided:${PEOPLE.alex.aadObjectId}`,
      ];
      const complete =
        (await settled(customerRef)) &&
        (await doc<Measure>(given.measureId!, customerRef))!.status === 'lifted' &&
        summary.markers.length === 0 &&
        summary.appeals.length === 0 &&
        !!audit &&
        (await allSent(customerRef, expected));
      return complete ? 'complete' : 'partial';
    },
  };

  let customers = 0;
  /** Runs the step with `fault(k)` armed; `crash` restarts the bot after it, otherwise the same bot recovers. */
  async function trial(flow: Flow, k: number | null, fault: Fault, crash: boolean): Promise<{ requests: number; state: string }> {
    const customerRef = `TR${String(++customers).padStart(5, '0')}`;
    const a = await startHarness(env());
    const given = await flow.setup(a, customerRef);
    await waitUntil('the outbox is idle', async () => (await docs<OutboxEntry>(customerRef, 'outbox')).every((e) => e.status !== 'pending'));
    await a.bot.dispatcher.stop(); // from here on, only the step under test talks to Cosmos
    const before = proxy.forwarded();
    if (k !== null) proxy.failAfter(k, fault, crash ? Infinity : 1);
    const posted = await flow.act(a, customerRef, given);
    const requests = proxy.forwarded() - before;
    expect(posted.status, `${flow.name}, fault after ${k}: an answer, not a server error`).to.equal(200);
    const said = cardText((posted.body as { value: unknown }).value);
    let b: Harness | null = null;
    if (crash) {
      await a.bot.close();
      proxy.heal();
      b = await startHarness(env());
    } else {
      proxy.heal();
      a.bot.dispatcher.start();
    }
    let state = '';
    await waitUntil(`${flow.name}: done completely or not at all, after a fault after request ${k}`, async () => {
      state = await flow.state(customerRef, given, posted.reference);
      return state !== 'partial';
    });
    if (said.includes('Nothing was saved')) expect(state, `“Nothing was saved” (fault after request ${k}) must be true`).to.equal('absent');
    await (b ?? a).stop();
    if (b) await a.connector.stop();
    return { requests, state };
  }

  for (const flow of [reportFlow, proposeFlow, decideFlow, reviewFlow, appealFlow])
    it(flow.name, async () => {
      const clean = await trial(flow, null, 503, false);
      expect(clean.state, 'without faults the step completes').to.equal('complete');
      expect(clean.requests, 'the step makes Cosmos requests').to.be.greaterThan(0);
      const outcomes: string[] = [];
      for (let k = 0; k <= clean.requests; k++) {
        outcomes.push(`crash after ${k}: ${(await trial(flow, k, 'reset', true)).state}`);
        outcomes.push(`503 at ${k + 1}: ${(await trial(flow, k, 503, false)).state}`);
      }
      // Both ends are reached: an early fault leaves nothing, a late one leaves the whole step.
      expect(outcomes.join('\n')).to.match(/crash after 0: absent/);
      expect(outcomes.join('\n')).to.match(/: complete/);
    });
});
