import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { runDigest } from '../../src/app/digest/job';
import type { Appeal } from '../../src/domain/appeal';
import { digestEntryId, digestPartition, type DigestSubscription } from '../../src/domain/digest';
import type { Measure, MeasureKind, MeasureStatus } from '../../src/domain/measure';
import { outboxEntry, type OutboxEntry } from '../../src/domain/outbox';
import type { CategoryId } from '../../src/domain/policy';
import type { Recorded } from '../support/connector';
import { PEOPLE, TENANT, cardOf, cardText, startWithEveryone, violentIncident, type Harness, type PersonKey } from '../support/harness';
import { sampleIncident } from '../support/fixtures';
import { withMethods } from '../support/memory-ports';
import { waitFor } from '../support/proactive';
import { waitUntil } from '../support/wait';

/**
 * The weekly digest in team channels (docs/rules.md#R-digest-subscription, #R-digest-figures, #R-digest-once), over
 * HTTP with the real server, embedded Cosmos and the fake Bot Connector. Records are written straight to Cosmos in
 * their stored shapes across weeks, areas, categories and statuses (and one incident is reported through the bot);
 * each is tagged with where the digest must count it, so the expected figures are written down, not recomputed.
 */

const TEAM = '19:team-housing@thread.tacv2';
const GENERAL = '19:housing-general@thread.tacv2';
const REPAIRS = '19:housing-repairs@thread.tacv2';
const channelKey = (team: string, channel: string) => `team:${team}:channel:${channel}`;
/** Where a proactive post to a channel goes: a new thread in the channel, not a reply to any message. */
const postPath = (channel: string) => `/v3/conversations/${encodeURIComponent(channel)}/activities`;
const postedTo = (channel: string) => (r: Recorded) => r.method === 'POST' && r.path === postPath(channel);

/** Monday 30 November 2026, 08:00 London (GMT): the digest reports Monday 23 to Sunday 29 November, beside 16–22 November. */
const SLOT = new Date('2026-11-30T08:00:00Z');

const SECRET_NAME = 'Jordan Digestible';
const SECRET_TEXT = 'NARRATIVE-NOT-FOR-CHANNELS';

// --- the seeded records -----------------------------------------------------------------------------------------

let n = 0;
const customer = () => `D${String(++n).padStart(5, '0')}`;

function incident(reportedAt: string, category: CategoryId, serviceArea: string) {
  const key = customer();
  const reference = `UB-D${String(n).padStart(2, '0')}-XYZ`;
  return sampleIncident({
    id: reference,
    reference,
    customerKey: key,
    customerRef: key,
    customerName: SECRET_NAME,
    description: `${SECRET_TEXT}: shouted and threatened staff at the office.`,
    reportedAt,
    category,
    serviceArea,
  });
}

/** Incidents: 4 seeded in the reporting week and 2 in the week before (the bot's own report adds one to the first). */
const INCIDENTS = [
  incident('2026-11-23T00:00:00.000Z', 'aggressive', 'housing-management'), // reporting: its first instant
  incident('2026-11-29T23:59:59.000Z', 'demands', 'repairs'), // reporting: its last second
  incident('2026-11-24T09:00:00.000Z', 'persistence', 'repairs'), // reporting
  incident('2026-11-25T09:00:00.000Z', 'aggressive', 'income'), // reporting
  incident('2026-11-16T00:00:00.000Z', 'demands', 'housing-management'), // previous
  incident('2026-11-22T23:59:00.000Z', 'aggressive', 'repairs'), // previous
  incident('2026-11-15T23:59:00.000Z', 'aggressive', 'housing-management'), // two weeks before: not counted
  incident('2026-11-30T00:00:00.000Z', 'aggressive', 'housing-management'), // this week: the next digest's
  incident('2025-11-25T09:00:00.000Z', 'demands', 'repairs'), // a year ago
];

function measure(id: string, kind: MeasureKind, status: MeasureStatus, serviceArea: string, over: Partial<Measure> = {}): Measure {
  const key = customer();
  return {
    type: 'measure',
    id: `UB-M${id}-XYZ:${kind}`,
    customerKey: key,
    kind,
    status,
    interim: false,
    instructions: `${SECRET_TEXT}: visit in pairs.`,
    reasons: `${SECRET_TEXT}: ${SECRET_NAME} threatened staff.`,
    incidentRefs: [`UB-M${id}-XYZ`],
    serviceArea,
    proposedBy: { id: PEOPLE.lynne.aadObjectId, name: PEOPLE.lynne.name },
    proposedAt: '2026-06-01T09:00:00.000Z',
    reviewDue: '2027-03-01T09:00:00.000Z',
    restriction: null,
    adjustments: [],
    vulnerabilitiesConsidered: null,
    notifyCustomer: true,
    noNotificationJustification: null,
    priorWarningSkipReason: null,
    signOff: null,
    notifyOnDecision: [],
    reporters: [],
    deciders: [],
    policyVersion: 'test',
    ...over,
  };
}
const signOff = (requestedAt: string, serviceArea: string): Measure['signOff'] => ({
  reasons: ['pairs-visit'],
  serviceArea,
  approverId: PEOPLE.megan.aadObjectId,
  deputyId: PEOPLE.adele.aadObjectId,
  requestedAt,
  decision: null,
});

const MEASURES = {
  // Awaiting sign-off: 20 days (interim, in force) and 5 days (a proposal, not in force yet).
  waiting20: measure('01', 'pairs-visit', 'pending-sign-off', 'housing-management', {
    interim: true,
    signOff: signOff('2026-11-10T10:00:00.000Z', 'housing-management'),
  }),
  waiting5: measure('02', 'contact-restriction', 'pending-sign-off', 'repairs', { signOff: signOff('2026-11-25T10:00:00.000Z', 'repairs') }),
  // Active: review due in 5 days (in force), review in March (in force), review passed on Saturday (overdue, lapse not recorded).
  dueSoon: measure('03', 'contact-restriction', 'active', 'repairs', { reviewDue: '2026-12-05T09:00:00.000Z' }),
  inForce: measure('04', 'warning', 'active', 'housing-management'),
  passed: measure('05', 'warning', 'active', 'repairs', { reviewDue: '2026-11-28T09:00:00.000Z' }),
  // Lapsed unreviewed: 20 days ago (overdue), and in September (past the 30 days `reviews` shows).
  lapsed: measure('06', 'referral', 'lapsed', 'housing-management', { reviewDue: '2026-11-10T09:00:00.000Z' }),
  lapsedLongAgo: measure('07', 'referral', 'lapsed', 'repairs', { reviewDue: '2026-09-01T09:00:00.000Z' }),
  lifted: measure('08', 'pairs-visit', 'lifted', 'housing-management'),
};

function appeal(id: string, against: Measure, dueOn: string, status: Appeal['status'] = 'open'): Appeal {
  return {
    type: 'appeal',
    id: `${against.id}:appeal:${id}`,
    customerKey: against.customerKey,
    measureId: against.id,
    measureKind: against.kind,
    status,
    appellant: { kind: 'customer', name: null },
    channel: 'letter',
    receivedOn: '2026-11-10',
    dueOn,
    grounds: `${SECRET_TEXT}: ${SECRET_NAME} says it was not them.`,
    recordedBy: { id: PEOPLE.lynne.aadObjectId, name: PEOPLE.lynne.name },
    recordedAt: '2026-11-10T10:00:00.000Z',
    approverId: PEOPLE.isaiah.aadObjectId,
    deputyId: null,
    decision: null,
    withdrawn: null,
    policyVersion: 'test',
  };
}

const APPEALS = [
  appeal('1', MEASURES.dueSoon, '2026-12-02'), // repairs: due this week
  appeal('2', MEASURES.inForce, '2026-11-27'), // housing: overdue
  appeal('3', MEASURES.passed, '2026-12-06'), // repairs: due this week (Sunday)
  appeal('4', MEASURES.lapsedLongAgo, '2026-11-20'), // repairs, its measure not among those the digest lists: overdue
  appeal('5', MEASURES.inForce, '2026-11-20', 'upheld'), // decided: not counted
  appeal('6', MEASURES.inForce, '2026-12-07'), // due next week: neither
];

function notice(createdAt: string, status: OutboxEntry['status']): OutboxEntry {
  const key = INCIDENTS[0]!.customerKey;
  const entry = outboxEntry(
    `notice-${randomUUID()}`,
    key,
    { kind: 'person', personId: 'nobody' },
    { kind: 'send', card: {}, summary: SECRET_NAME },
    new Date(createdAt),
  );
  return { ...entry, status, nextAttemptAt: '2099-01-01T00:00:00.000Z' };
}

const NOTICES = [
  notice('2026-11-24T12:00:00.000Z', 'failed'), // counted
  notice('2026-11-29T23:59:00.000Z', 'failed'), // counted
  notice('2026-11-20T12:00:00.000Z', 'failed'), // the week before
  notice('2026-11-25T12:00:00.000Z', 'sent'),
  notice('2026-11-25T12:00:00.000Z', 'pending'),
];

// --- reading the card -------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const textOfCell = (cell: Json) => ((cell.items as Json[])[0]!.inlines as Json[]).map((i) => String(i.text)).join('');

/** Each section of a digest card: its heading, and its rows as label → [this week, the week before]. */
function tablesOf(card: Json): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  for (const container of (card.body as Json[]).filter((e) => e.type === 'Container')) {
    const [heading, table] = container.items as Json[];
    const rows = (table!.rows as Json[]).map((r) => (r.cells as Json[]).map(textOfCell));
    sections.set(textOfCell({ items: [heading] }), new Map(rows.map(([label, ...counts]) => [label!, counts])));
  }
  return sections;
}

describe('the weekly digest in team channels (end to end)', function () {
  this.timeout(60_000);
  let h: Harness;

  const inChannel = (text: string, who: PersonKey = 'alex', channel = GENERAL, team = TEAM, extra: object = {}) =>
    h.post(
      h.activity('message', who, {
        text: `<at>UB Bot</at> ${text}`,
        entities: [{ type: 'mention', text: '<at>UB Bot</at>', mentioned: { id: '28:bot-id', name: 'UB Bot' } }],
        // A channel message: the thread's id, as Teams gives it.
        conversation: { id: `${channel};messageid=${randomUUID()}`, conversationType: 'channel', tenantId: TENANT },
        channelData: { tenant: { id: TENANT }, team: { id: team }, channel: { id: channel } },
        ...extra,
      }),
    );
  const answer = async (res: Awaited<ReturnType<Harness['post']>>) => {
    expect(res.status).to.equal(200);
    const body = res.replies[0]!.body;
    return body.attachments ? cardText(cardOf(body)) : String(body.text);
  };
  const subscription = async (channel: string, team = TEAM) => {
    const { resources } = await h.bot.cosmos.containers.conversations.items
      .query<DigestSubscription>({
        query: 'SELECT * FROM c WHERE c.type = "digest-subscription" AND c.channelKey = @key',
        parameters: [{ name: '@key', value: channelKey(team, channel) }],
      })
      .fetchAll();
    return resources[0] ?? null;
  };
  const conversation = async (key: string) => (await h.bot.cosmos.containers.conversations.item(key, key).read()).resource ?? null;

  before(async () => {
    h = await startWithEveryone();
  });
  after(() => h.stop());

  describe('commands', () => {
    it('in a personal chat or a group chat, the digest commands say they work in a team channel; nothing is stored', async () => {
      for (const text of ['digest subscribe', 'digest unsubscribe', 'digest preview'])
        expect(await answer(await h.message(text, 'alex'))).to.include('only works in a channel of a team');
      const group = h.activity('message', 'alex', {
        text: 'digest subscribe',
        conversation: { id: '19:group-chat@thread.v2', conversationType: 'groupChat', tenantId: TENANT },
      });
      expect(await answer(await h.post(group))).to.include('only works in a channel of a team');
      const { resources } = await h.bot.cosmos.containers.conversations.items
        .query('SELECT * FROM c WHERE c.type = "digest-subscription"')
        .fetchAll();
      expect(resources).to.deep.equal([]);
    });

    it('anyone but an admin is told who can, by name; nothing is stored', async () => {
      for (const text of ['digest subscribe', 'digest unsubscribe', 'digest preview']) {
        const said = await answer(await inChannel(text, 'megan'));
        expect(said).to.equal('Only the bot’s administrators can change or preview this channel’s weekly digest: ask Alex Wilber.');
      }
      expect(await subscription(GENERAL)).to.equal(null);
    });

    it('an unknown service area is refused, naming the areas there are; nothing is stored', async () => {
      const said = await answer(await inChannel('digest subscribe Estates <b>now</b>'));
      expect(said).to.include('There is no service area “Estates <b>now</b>”');
      for (const area of ['Housing Management (housing-management)', 'Repairs and Maintenance (repairs)', 'Income and Tenancy Support (income)'])
        expect(said).to.include(area);
      expect(await subscription(GENERAL)).to.equal(null);
    });

    it('an admin subscribes a channel (every area); again with an area changes it; the answer says what and when', async () => {
      expect(await answer(await inChannel('digest subscribe'))).to.equal(
        'Done: this channel now gets the weekly digest for every service area, as a new post counting the week before, the next on Monday 30 November 2026 at 08:00 (UK time). It has counts only, never a customer’s details. Type digest preview to see it now.',
      );
      expect(await subscription(GENERAL)).to.include({ channelKey: channelKey(TEAM, GENERAL), teamId: TEAM, area: null });
      expect((await subscription(GENERAL))!.by).to.deep.equal({ id: PEOPLE.alex.aadObjectId, name: 'Alex Wilber' });
      expect(await answer(await inChannel('digest subscribe'))).to.include('already gets the weekly digest for every service area');

      // By name, any case: one record per channel, whichever thread the command came from.
      expect(await answer(await inChannel('digest subscribe  repairs AND maintenance', 'alex', REPAIRS))).to.include('Repairs and Maintenance');
      expect(await answer(await inChannel('digest subscribe income'))).to.include('for Income and Tenancy Support instead of every service area');
      expect(await subscription(GENERAL)).to.include({ area: 'income' });
      expect(await answer(await inChannel('digest subscribe'))).to.include('for every service area instead of Income and Tenancy Support');
      expect(await subscription(REPAIRS)).to.include({ area: 'repairs' });
    });

    it('the bot added to a team welcomes it with the digest offered; help in a channel lists what works there', async () => {
      const added = await h.post(
        h.activity('conversationUpdate', 'alex', {
          membersAdded: [{ id: '28:bot-id' }],
          conversation: { id: TEAM, conversationType: 'channel', tenantId: TENANT },
          channelData: { tenant: { id: TENANT }, team: { id: TEAM } },
        }),
      );
      const welcome = await answer(added);
      expect(welcome).to.include('digest subscribe').and.include('weekly digest');
      expect(welcome).not.to.include('check <customer ref>');
      const help = await answer(await inChannel('help'));
      for (const usage of ['digest subscribe [service area]', 'digest unsubscribe', 'digest preview', 'help']) expect(help).to.include(usage);
      expect(help).not.to.include('my reports');
      expect(await answer(await h.message('help', 'alex'))).not.to.include('digest subscribe');
    });
  });

  describe('the digest', () => {
    before(async () => {
      const { cases } = h.bot.cosmos.containers;
      for (const doc of [...INCIDENTS, ...Object.values(MEASURES), ...APPEALS, ...NOTICES]) await cases.items.create(doc);
      // One more incident through the bot: §5.1 in Housing Management, reported now (Thursday 26 Nov), so visits in
      // pairs are in force at once and await sign-off (4 days by Monday).
      const res = await h.invoke('incident.submit', violentIncident('digest-e2e', { customerRef: 'T777001', customerName: SECRET_NAME }), 'lynne');
      expect(cardText(res.body.value)).to.match(/UB-\w{3}-\w{3}/);
    });

    it('preview shows this channel’s digest now, by the job’s code, to admins', async () => {
      const preview = await inChannel('digest preview', 'alex', REPAIRS);
      const card = cardOf(preview.replies[0]!.body);
      expect(cardText(card)).to.include('Weekly digest: Repairs and Maintenance');
      expect(tablesOf(card).get('New incidents reported')!.get('All incidents')).to.have.length(2);
    });

    it('each subscribed channel gets ONE new post (a new thread, not a reply) whose figures are the seeded counts', async () => {
      h.connector.clear();
      expect(await runDigest(h.bot.app, SLOT)).to.deep.equal({ subscriptions: 2, queued: 2, alreadyQueued: 0, ended: 0 });
      const [general] = await waitFor(h, 'the digest in General', postedTo(GENERAL));
      const [repairs] = await waitFor(h, 'the digest in Repairs', postedTo(REPAIRS));

      const all = tablesOf(cardOf(general!.body));
      expect(cardText(cardOf(general!.body))).to.include('Weekly digest: all service areas');
      expect(Object.fromEntries(all.get('New incidents reported')!)).to.deep.equal({
        Category: ['23–29 Nov', '16–22 Nov'],
        'Aggressive or abusive behaviour (§4.1)': ['3', '1'],
        'Unreasonable demands (§4.2)': ['1', '1'],
        'Unreasonable persistence (§4.3)': ['1', '0'],
        'All incidents': ['5', '2'],
      });
      expect(Object.fromEntries(all.get('New incidents by service area')!)).to.deep.equal({
        'Service area': ['23–29 Nov', '16–22 Nov'],
        'Housing Management': ['2', '1'],
        'Repairs and Maintenance': ['2', '1'],
        'Income and Tenancy Support': ['1', '0'],
      });
      expect(Object.fromEntries(all.get('Awaiting Head of Service sign-off (§5.2)')!)).to.deep.equal({
        'Decisions awaiting sign-off': ['3'],
        'Waiting 7 days or more': ['1'],
        'Waiting 14 days or more': ['1'],
        'Longest wait': ['20 days'],
      });
      expect(Object.fromEntries(all.get('Appeals (§7)')!)).to.deep.equal({
        'Due this week (by Sunday 6 December 2026)': ['2'],
        'Overdue, not decided': ['2'],
      });
      expect(Object.fromEntries(all.get('Six-monthly reviews (§8)')!)).to.deep.equal({
        'Due in the next 14 days': ['1'],
        'Overdue: review date passed in the last 30 days, not reviewed': ['2'],
      });
      expect(Object.fromEntries(all.get('Measures in force')!)).to.deep.equal({
        'Warning that behaviour is unacceptable': ['1'],
        'Visits and meetings in pairs': ['2'],
        'Contact restrictions': ['1'],
        'Referral to Community Safety / police / legal action': ['0'],
        'Recharge for deliberate damage': ['0'],
        'All measures in force': ['4'],
      });
      expect(Object.fromEntries(all.get('Notices the bot could not deliver')!)).to.deep.equal({ 'Queued 23–29 Nov, not delivered': ['2'] });

      const one = tablesOf(cardOf(repairs!.body));
      expect(cardText(cardOf(repairs!.body))).to.include('Weekly digest: Repairs and Maintenance');
      expect(one.has('New incidents by service area')).to.equal(false);
      expect(one.get('New incidents reported')!.get('All incidents')).to.deep.equal(['2', '1']);
      expect(one.get('New incidents reported')!.get('Unreasonable demands (§4.2)')).to.deep.equal(['1', '0']);
      expect(one.get('Awaiting Head of Service sign-off (§5.2)')!.get('Longest wait')).to.deep.equal(['5 days']);
      expect(Object.fromEntries(one.get('Appeals (§7)')!)).to.deep.equal({
        'Due this week (by Sunday 6 December 2026)': ['2'],
        'Overdue, not decided': ['1'],
      });
      expect(Object.fromEntries(one.get('Six-monthly reviews (§8)')!)).to.deep.equal({
        'Due in the next 14 days': ['1'],
        'Overdue: review date passed in the last 30 days, not reviewed': ['1'],
      });
      expect(one.get('Measures in force')!.get('All measures in force')).to.deep.equal(['1']);
      expect(Object.fromEntries(one.get('Notices the bot could not deliver')!)).to.deep.equal({
        'Queued 23–29 Nov, not delivered (all service areas)': ['2'],
      });
    });

    it('names no customer: no name, customer reference, incident reference or narrative; no buttons that post back', async () => {
      for (const channel of [GENERAL, REPAIRS]) {
        const card = cardOf(h.connector.received.find(postedTo(channel))!.body);
        const text = JSON.stringify(card);
        for (const secret of [SECRET_NAME, SECRET_TEXT, 'T777001', ...INCIDENTS.flatMap((i) => [i.customerKey, i.reference])])
          expect(text, secret).not.to.include(secret);
        expect(text).not.to.match(/UB-\w{3}-\w{3}|Action\.(Execute|Submit)/);
      }
    });

    it('run again (or on another instance) it sends nothing more: one post per channel for the week', async () => {
      expect(await runDigest(h.bot.app, SLOT)).to.deep.equal({ subscriptions: 2, queued: 0, alreadyQueued: 2, ended: 0 });
      expect(await runDigest(h.bot.app, new Date('2026-12-02T15:00:00Z'))).to.include({ queued: 0, alreadyQueued: 2 });
      await h.bot.dispatcher.runOnce();
      for (const channel of [GENERAL, REPAIRS]) {
        expect(h.connector.received.filter(postedTo(channel)), channel).to.have.length(1);
        const { resource } = await h.bot.cosmos.containers.cases
          .item(digestEntryId('2026-W48', channelKey(TEAM, channel)), digestPartition('2026-W48'))
          .read<OutboxEntry>();
        expect(resource).to.include({ status: 'sent', attempts: 1, fallback: false });
      }
    });

    it('a crash after queuing one channel’s digest, and one after queuing both before sending: the next run sends each once', async () => {
      const week = new Date('2026-12-07T08:00:00Z'); // 2026-W49
      let adds = 0;
      const crashing = {
        ...h.bot.app,
        outbox: withMethods(h.bot.app.outbox, {
          add: async (partition, entries) => {
            if (adds++ === 1) throw new Error('the process stopped');
            await h.bot.app.outbox.add(partition, entries);
          },
        }),
        notify: () => undefined, // stopped before handing anything to the dispatcher
      };
      const crashed = await runDigest(crashing, week).then(
        () => null,
        (error: unknown) => error,
      );
      expect(crashed).to.be.an('error').with.property('message', 'the process stopped');
      expect(await runDigest({ ...h.bot.app, notify: () => undefined }, week)).to.include({ queued: 1, alreadyQueued: 1 });
      expect(h.connector.received.filter((r) => postedTo(GENERAL)(r) || postedTo(REPAIRS)(r))).to.have.length(2); // last week's only
      expect(await runDigest(h.bot.app, week)).to.include({ queued: 0, alreadyQueued: 2 });
      await waitFor(h, 'the W49 digests', (r) => postedTo(GENERAL)(r) || postedTo(REPAIRS)(r), 4);
      await h.bot.dispatcher.runOnce();
      for (const channel of [GENERAL, REPAIRS]) expect(h.connector.received.filter(postedTo(channel)), channel).to.have.length(2);
    });
  });

  describe('when the channel goes', () => {
    const ESTATES = '19:team-estates@thread.tacv2';
    const ROTA = '19:estates-rota@thread.tacv2';
    const YARD = '19:estates-yard@thread.tacv2';

    it('a deleted channel (seen by a thread of it) ends its subscription and its record; the team’s other channel keeps its own', async () => {
      await inChannel('digest subscribe', 'alex', ROTA, ESTATES);
      await inChannel('digest subscribe repairs', 'alex', YARD, ESTATES);
      expect(await subscription(ROTA, ESTATES)).to.not.equal(null);
      const deleted = await h.post(
        h.activity('conversationUpdate', 'alex', {
          conversation: { id: ESTATES, conversationType: 'channel', tenantId: TENANT },
          channelData: { tenant: { id: TENANT }, eventType: 'channelDeleted', channel: { id: ROTA }, team: { id: ESTATES } },
        }),
      );
      expect(deleted.status).to.equal(200);
      expect(await subscription(ROTA, ESTATES)).to.equal(null);
      expect(await conversation(channelKey(ESTATES, ROTA))).to.equal(null);
      expect(await subscription(YARD, ESTATES)).to.not.equal(null);
    });

    it('the app removed from the team ends the subscriptions of all its channels', async () => {
      const removed = await h.post(
        h.activity('installationUpdate', 'alex', {
          action: 'remove',
          conversation: { id: ESTATES, conversationType: 'channel', tenantId: TENANT },
          channelData: { tenant: { id: TENANT }, team: { id: ESTATES } },
        }),
      );
      expect(removed.status).to.equal(200);
      expect(await subscription(YARD, ESTATES)).to.equal(null);
      expect(await subscription(GENERAL)).to.not.equal(null); // another team's
    });

    it('a channel Teams answers 404 for: the digest fails with no notice to the case managers, and the next run ends it', async () => {
      const GONE = '19:housing-gone@thread.tacv2';
      await inChannel('digest subscribe', 'alex', GONE);
      h.connector.clear();
      h.connector.script(postPath(GONE), { status: 404 });
      const week = new Date('2026-12-14T08:00:00Z'); // 2026-W50
      expect(await runDigest(h.bot.app, week)).to.include({ subscriptions: 3, queued: 3 });
      const id = digestEntryId('2026-W50', channelKey(TEAM, GONE));
      await waitUntil('the digest to the gone channel failed', async () => {
        const { resource } = await h.bot.cosmos.containers.cases.item(id, digestPartition('2026-W50')).read<OutboxEntry>();
        return resource?.status === 'failed';
      });
      await h.bot.dispatcher.runOnce();
      const { resources: fallbacks } = await h.bot.cosmos.containers.cases.items
        .query({ query: 'SELECT c.id FROM c WHERE STARTSWITH(c.id, @id)', parameters: [{ name: '@id', value: `${id}:fallback:` }] })
        .fetchAll();
      expect(fallbacks).to.deep.equal([]);
      expect(h.connector.received.filter((r) => String(r.body.summary).startsWith('Undelivered'))).to.deep.equal([]);
      expect(await conversation(channelKey(TEAM, GONE))).to.nested.include({ 'dead.status': 404 });

      expect(await runDigest(h.bot.app, new Date('2026-12-21T08:00:00Z'))).to.include({ subscriptions: 3, ended: 1, queued: 2 });
      expect(await subscription(GONE)).to.equal(null);
    });
  });
});
