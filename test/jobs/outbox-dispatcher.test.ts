import { expect } from 'chai';
import pino from 'pino';
import { OutboxDispatcher, type DispatcherDeps } from '../../src/jobs/outbox-dispatcher';
import { outboxEntry, type Subject } from '../../src/domain/outbox';
import type { Directory, DirectoryPerson, Installation, Installer } from '../../src/app/ports';
import { DeliveryError, type Messenger } from '../../src/app/messenger';
import { personKey } from '../../src/store/conversations';
import { waitUntil } from '../support/wait';
import { MemoryConversations, MemoryOutbox } from '../support/memory-ports';

type Card = Record<string, unknown>;

const CUSTOMER = 'T004512';
const ALEX = 'alex-0001';
const CASE_MANAGER: DirectoryPerson = { id: 'case-manager-0001', name: 'Casey Manager' };
const cardSaying = (text: string): Card => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] });
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

const notice = (id: string, personId = ALEX) =>
  outboxEntry(id, CUSTOMER, { kind: 'person', personId }, { kind: 'send', card: cardSaying(id), summary: `notice ${id}` }, new Date());
const show = (id: string, measureId: string) =>
  outboxEntry(id, CUSTOMER, { kind: 'person', personId: ALEX }, { kind: 'show', subject: { measureId }, summary: 'Sign-off needed' }, new Date());
const update = (id: string, of: string) =>
  outboxEntry(id, CUSTOMER, { kind: 'person', personId: ALEX }, { kind: 'update', of }, new Date(), { fallback: false });

/** Teams: records what was sent and updated; can refuse the next attempts, or hold sends until released. */
class FakeMessenger implements Messenger {
  readonly sent: { to: unknown; card: Card; summary: string; activityId: string }[] = [];
  readonly updated: { to: unknown; activityId: string; card: Card }[] = [];
  /** What the next attempts throw, in order. */
  readonly failures: Error[] = [];
  /** Sends wait for this while it is set (a slow Teams). */
  gate: Promise<void> | null = null;
  waiting = 0;
  onSend: (summary: string) => void = () => undefined;

  async send(reference: Record<string, unknown>, card: Card, summary: string): Promise<string> {
    this.waiting++;
    await this.gate;
    this.waiting--;
    const failure = this.failures.shift();
    if (failure) throw failure;
    const activityId = `activity-${this.sent.length + 1}`;
    this.sent.push({ to: reference.key, card, summary, activityId });
    this.onSend(summary);
    return activityId;
  }

  async update(reference: Record<string, unknown>, activityId: string, card: Card): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.updated.push({ to: reference.key, activityId, card });
  }
}

/** Conversations in memory, and a way to make one reachable (its reference names it, so sends can be told apart). */
class FakeConversations extends MemoryConversations {
  reachable(key: string): void {
    this.records.set(key, { id: key, reference: { key }, userId: null, updatedAt: new Date().toISOString(), dead: null });
  }
}

const directory: Directory = {
  person: async (id) => ({ id, name: `Person ${id}` }),
  isCaseManager: async (id) => id === CASE_MANAGER.id,
  isAdmin: async () => false,
  isDataProtection: async () => false,
  admins: async () => [],
  caseManagers: async () => [CASE_MANAGER],
  serviceAreas: async () => [],
};

const unavailable = () => new DeliveryError(503, null, 'Service Unavailable');

/** Graph installing the app: answers in turn from `answers` (installed, when they run out), recording who it was asked for. */
class FakeInstaller implements Installer {
  readonly asked: string[] = [];
  readonly answers: Extract<Installation, { installed: false }>[] = [];
  async reach(personId: string): Promise<Installation> {
    this.asked.push(personId);
    return this.answers.shift() ?? { installed: true, reference: { key: `chat-with-${personId}` } };
  }
}

describe('OutboxDispatcher (pending index, slow scan, cards rendered at delivery)', () => {
  let outbox: MemoryOutbox;
  let messenger: FakeMessenger;
  let conversations: FakeConversations;
  /** The state of each measure a card shows (the card is rendered from it at delivery). */
  let subjects: Map<string, string>;
  let recovered: boolean[];
  let dispatcher: OutboxDispatcher;

  function dispatcherWith(deps: Partial<DispatcherDeps> = {}): OutboxDispatcher {
    dispatcher = new OutboxDispatcher({
      outbox,
      conversations,
      directory,
      messenger,
      now: () => new Date(),
      log: pino({ level: 'silent' }),
      undeliveredNotice: (entry, name, why) => ({ card: cardSaying(`${entry.id} to ${name}: ${why}`), summary: `Undelivered: ${entry.id}` }),
      cardFor: async (subject: Subject) => {
        const id = 'measureId' in subject ? subject.measureId : subject.appealId;
        const state = subjects.get(id);
        return state === undefined ? null : cardSaying(`${id} is ${state}`);
      },
      recover: async (full) => {
        recovered.push(full);
        return 0;
      },
      pollMs: 20,
      scanMs: 60_000,
      random: () => 0, // the shortest backoff: a first retry after 250 ms
      perConversationIntervalMs: 1,
      ...deps,
    });
    return dispatcher;
  }

  /** Starts a dispatcher and waits for its first poll (the index read and the full scan). */
  async function started(deps: Partial<DispatcherDeps> = {}): Promise<OutboxDispatcher> {
    dispatcherWith(deps).start();
    await waitUntil('the first poll', () => outbox.count('scan') >= 1 && outbox.count('dueIndex') >= 1, 2000, 5);
    return dispatcher;
  }

  const status = (id: string) => outbox.get(id).status;

  beforeEach(() => {
    outbox = new MemoryOutbox();
    messenger = new FakeMessenger();
    conversations = new FakeConversations();
    conversations.reachable(personKey(ALEX));
    conversations.reachable(personKey(CASE_MANAGER.id));
    subjects = new Map();
    recovered = [];
  });
  afterEach(() => dispatcher.stop());

  describe('finding work', () => {
    it('a hinted entry is read, claimed and sent at once, with no index write (3 outbox calls)', async () => {
      await started();
      const mark = outbox.calls.length;
      outbox.put(notice('n1'));
      dispatcher.kick([{ id: 'n1', customerKey: CUSTOMER }]);
      await waitUntil('n1 is recorded as sent', () => status('n1') === 'sent', 2000, 5);

      expect(messenger.sent.map((s) => [s.to, s.summary])).to.deep.equal([[personKey(ALEX), 'notice n1']]);
      expect(outbox.get('n1')).to.include({ attempts: 1, activityId: 'activity-1', lastError: null });
      // Polls go on beside it (one index read each); the delivery itself is one read, the claim and the result.
      expect(outbox.calls.slice(mark).filter((c) => c !== 'dueIndex')).to.deep.equal(['read:n1', 'update:n1', 'update:n1']);
      expect(outbox.pointers.size).to.equal(0);
    });

    it('an idle poll is one index read: no scan, no other call; recovery runs before each poll (full only before the scan)', async () => {
      await started();
      await waitUntil('ten polls', () => outbox.count('dueIndex') >= 10, 2000, 5);
      await dispatcher.stop();

      expect(outbox.calls[0]).to.equal('dueIndex');
      expect(outbox.calls.filter((c) => c !== 'dueIndex')).to.deep.equal(['scan']);
      expect(recovered[0]).to.equal(true);
      expect(recovered.slice(1)).to.deep.equal(Array<boolean>(outbox.count('dueIndex') - 1).fill(false));
    });

    it('the full scan runs at start and every scanMs, recovering an entry that has neither hint nor pointer', async () => {
      const scans: number[] = [];
      const scan = outbox.scan.bind(outbox);
      outbox.scan = async (now, limit) => {
        scans.push(Date.now());
        return scan(now, limit);
      };
      outbox.put(notice('lost')); // its hint and pointer were lost in a crash
      dispatcherWith({ scanMs: 150 }).start();

      await waitUntil('three scans', () => scans.length >= 3, 3000, 5);
      await dispatcher.stop();
      expect(outbox.calls.slice(0, 2), 'the first poll scans').to.deep.equal(['dueIndex', 'scan']);
      for (let n = 1; n < scans.length; n++) expect(scans[n]! - scans[n - 1]!, `scan ${n} waits scanMs`).to.be.at.least(149);
      expect(recovered.filter(Boolean)).to.have.length(scans.length);
      expect(status('lost')).to.equal('sent');
      expect(outbox.calls.filter((c) => c.startsWith('point') || c.startsWith('unpoint'))).to.deep.equal([]);
    });

    it('drops stale pointers (sent, failed, missing) and moves one whose entry is leased elsewhere to its time', async () => {
      const sent = { ...notice('was-sent'), status: 'sent' as const };
      const failed = { ...notice('was-failed'), status: 'failed' as const };
      const leased = { ...notice('leased'), attempts: 1, nextAttemptAt: inSeconds(30) };
      for (const e of [sent, failed, leased]) outbox.put(e);
      for (const id of ['was-sent', 'was-failed', 'missing', 'leased']) outbox.pointers.set(id, { id, customerKey: CUSTOMER, due: inSeconds(-1) });

      await started();
      await waitUntil(
        'the pointers are settled',
        () => outbox.pointers.size === 1 && outbox.pointers.get('leased')?.due === leased.nextAttemptAt,
        2000,
        5,
      );
      expect(messenger.sent).to.deep.equal([]);
      expect(outbox.get('leased')).to.deep.equal(leased);
    });

    it('runOnce delivers everything due and says how many it found', async () => {
      outbox.put(notice('a'));
      outbox.put(notice('b', CASE_MANAGER.id));
      expect(await dispatcherWith().runOnce()).to.equal(2);
      expect(messenger.sent.map((s) => s.summary).sort()).to.deep.equal(['notice a', 'notice b']);
      expect(await dispatcher.runOnce()).to.equal(0);
    });
  });

  describe('retries', () => {
    it('a failed attempt points the entry; the index read delivers it when due, then the pointer goes', async () => {
      await started();
      messenger.failures.push(unavailable());
      outbox.put(notice('n1'));
      dispatcher.kick([{ id: 'n1', customerKey: CUSTOMER }]);
      await waitUntil('n1 is sent on its second attempt', () => status('n1') === 'sent', 3000, 5);

      expect(outbox.get('n1')).to.include({ attempts: 2, lastError: null });
      expect(messenger.sent).to.have.length(1);
      const calls = outbox.calls.filter((c) => c.endsWith(':n1'));
      // First attempt: read, claim, point, reschedule. Second (found by the index): read, claim, sent, unpoint.
      expect(calls).to.deep.equal(['read:n1', 'update:n1', 'point:n1', 'update:n1', 'read:n1', 'update:n1', 'update:n1', 'unpoint:n1']);
      expect(outbox.count('scan'), 'no scan was needed').to.equal(1);
      expect(outbox.pointers.size).to.equal(0);
    });

    it('a failing Cosmos call is retried at the next poll (read, claim, index read, scan), and delivery goes on', async () => {
      outbox.failOnce('scan');
      await started();
      await waitUntil('the failed scan is tried again at the next poll, not after scanMs', () => outbox.count('scan') >= 2, 2000, 5);

      outbox.failOnce('read:n1');
      outbox.failOnce('update:n2');
      outbox.failOnce('dueIndex');
      outbox.put(notice('n1'));
      outbox.put(notice('n2', CASE_MANAGER.id));
      dispatcher.kick([
        { id: 'n1', customerKey: CUSTOMER },
        { id: 'n2', customerKey: CUSTOMER },
      ]);
      await waitUntil('both are sent', () => status('n1') === 'sent' && status('n2') === 'sent', 2000, 5);
      expect(messenger.sent).to.have.length(2);
    });
  });

  describe('what is held in memory', () => {
    it('lanes queue pointers, never cards: an entry is read fresh when its turn comes, so a change meanwhile is what goes', async () => {
      await started();
      let release = () => undefined as void;
      messenger.gate = new Promise<void>((resolve) => (release = resolve));
      outbox.put(notice('first'));
      outbox.put(notice('second'));
      dispatcher.kick([{ id: 'first', customerKey: CUSTOMER }]);
      await waitUntil('the first send is under way', () => messenger.waiting === 1, 2000, 5);
      dispatcher.kick([{ id: 'second', customerKey: CUSTOMER }]);
      const lanes = dispatcher['lanes'];
      await waitUntil('the second waits in the lane', () => lanes.get(personKey(ALEX))?.queue.length === 1, 2000, 5);
      expect(lanes.get(personKey(ALEX))!.queue).to.deep.equal([{ id: 'second', customerKey: CUSTOMER, indexed: false }]);

      outbox.put({ ...notice('second'), action: { kind: 'send', card: cardSaying('second, corrected'), summary: 'notice second' } });
      messenger.gate = null;
      release();
      await waitUntil('both are sent', () => messenger.sent.length === 2, 2000, 5);
      expect(messenger.sent[1]!.card).to.deep.equal(cardSaying('second, corrected'));
      expect(outbox.count('read:second'), 'read to find its lane, then again when its turn came').to.equal(2);
    });
  });

  describe('cards rendered at delivery', () => {
    it('show: renders the card from its subject as it is when delivered, and records the activity id', async () => {
      await started();
      subjects.set('m1', 'awaiting sign-off');
      outbox.put(show('s1', 'm1'));
      subjects.set('m1', 'approved'); // decided after the request was queued, before it went
      dispatcher.kick([{ id: 's1', customerKey: CUSTOMER }]);
      await waitUntil('s1 is sent', () => status('s1') === 'sent', 2000, 5);

      expect(messenger.sent.map((s) => s.card)).to.deep.equal([cardSaying('m1 is approved')]);
      expect(outbox.get('s1').activityId).to.equal(messenger.sent[0]!.activityId);
    });

    it('show: a subject that is gone fails the entry, with no fallback notice', async () => {
      await started();
      outbox.put(show('s1', 'deleted-measure'));
      dispatcher.kick([{ id: 's1', customerKey: CUSTOMER }]);
      await waitUntil('s1 fails', () => status('s1') === 'failed', 2000, 5);

      expect(outbox.get('s1').lastError).to.match(/no longer exists/);
      expect(messenger.sent).to.deep.equal([]);
      expect(outbox.count('add'), 'no fallback').to.equal(0);
    });

    it('update: waits (without counting attempts) while its card is still being retried, then updates it as it is then', async () => {
      await started();
      subjects.set('m1', 'awaiting sign-off');
      messenger.failures.push(unavailable());
      messenger.onSend = () => subjects.set('m1', 'approved'); // decided right after the card went
      outbox.put(show('s1', 'm1'));
      dispatcher.kick([{ id: 's1', customerKey: CUSTOMER }]);
      await waitUntil('s1 is put off after its first attempt', () => outbox.get('s1').attempts === 1 && outbox.pointers.has('s1'), 2000, 5);

      outbox.put(update('u1', 's1'));
      dispatcher.kick([{ id: 'u1', customerKey: CUSTOMER }]);
      await waitUntil('u1 waits for s1', () => outbox.pointers.has('u1'), 2000, 5);
      expect(outbox.get('u1')).to.include({ status: 'pending', attempts: 0, lastError: 'waiting for s1 to be sent' });
      expect(outbox.pointers.get('u1')!.due > outbox.get('s1').nextAttemptAt, 'due after the card’s next attempt').to.equal(true);

      await waitUntil('u1 is sent', () => status('u1') === 'sent', 3000, 5);
      expect(messenger.sent.map((s) => s.card)).to.deep.equal([cardSaying('m1 is awaiting sign-off')]);
      expect(messenger.updated).to.deep.equal([{ to: personKey(ALEX), activityId: outbox.get('s1').activityId, card: cardSaying('m1 is approved') }]);
      expect(outbox.get('u1').attempts).to.equal(1);
      expect(outbox.pointers.size).to.equal(0);
    });

    it('update: gives up on a card that failed, with no fallback', async () => {
      await started();
      subjects.set('m1', 'approved');
      outbox.put({ ...show('s1', 'm1'), status: 'failed', lastError: 'Teams answered 403: the bot can no longer reach them' });
      outbox.put(update('u1', 's1'));
      dispatcher.kick([{ id: 'u1', customerKey: CUSTOMER }]);
      await waitUntil('u1 fails', () => status('u1') === 'failed', 2000, 5);

      expect(outbox.get('u1').lastError).to.match(/^the card it updates was not delivered \(Teams answered 403/);
      expect(messenger.sent).to.deep.equal([]);
      expect(messenger.updated).to.deep.equal([]);
      expect(outbox.count('add'), 'no fallback').to.equal(0);
    });
  });

  describe('someone who has never chatted with the bot (R-outbox-install)', () => {
    const forbidden = { installed: false as const, status: 403, retryAfterMs: null, why: 'the app could not be installed for them: grant it' };

    it('the app is installed for them, their chat remembered under their person key, and the message sent there', async () => {
      const installer = new FakeInstaller();
      await started({ installer });
      outbox.put(notice('n1', 'newcomer'));
      outbox.put(notice('n2', 'newcomer'));
      dispatcher.kick([{ id: 'n1', customerKey: CUSTOMER }]);
      dispatcher.kick([{ id: 'n2', customerKey: CUSTOMER }]);
      await waitUntil('both sent', () => status('n1') === 'sent' && status('n2') === 'sent', 2000, 5);

      expect(installer.asked, 'installed once: the second goes straight to the chat remembered').to.deep.equal(['newcomer']);
      expect(conversations.records.get(personKey('newcomer'))).to.deep.include({
        reference: { key: 'chat-with-newcomer' },
        userId: null,
        dead: null,
      });
      expect(messenger.sent.map((s) => [s.to, s.summary])).to.deep.equal([
        ['chat-with-newcomer', 'notice n1'],
        ['chat-with-newcomer', 'notice n2'],
      ]);
    });

    it('Graph refusing fails the entry with its reason, and the case managers are told; nothing is marked dead', async () => {
      const installer = new FakeInstaller();
      installer.answers.push(forbidden);
      await started({ installer });
      outbox.put(notice('n1', 'newcomer'));
      dispatcher.kick([{ id: 'n1', customerKey: CUSTOMER }]);
      await waitUntil('the case manager is told', () => messenger.sent.length === 1, 2000, 5);

      expect(outbox.get('n1')).to.include({ status: 'failed', attempts: 1, lastError: forbidden.why });
      expect(messenger.sent[0]!.card).to.deep.equal(cardSaying(`n1 to Person newcomer: ${forbidden.why}`));
      expect(conversations.records.has(personKey('newcomer'))).to.equal(false);
    });

    it('Graph throttled or silent is retried like any delivery, then the message goes', async () => {
      const installer = new FakeInstaller();
      installer.answers.push(
        { installed: false, status: 503, retryAfterMs: null, why: 'busy' },
        { installed: false, status: null, retryAfterMs: null, why: 'silent' },
      );
      await started({ installer });
      outbox.put(notice('n1', 'newcomer'));
      dispatcher.kick([{ id: 'n1', customerKey: CUSTOMER }]);
      await waitUntil('n1 is sent on its third attempt', () => status('n1') === 'sent', 5000, 5);

      expect(outbox.get('n1')).to.include({ attempts: 3, lastError: null });
      expect(installer.asked).to.deep.equal(['newcomer', 'newcomer', 'newcomer']);
      expect(messenger.sent.map((s) => s.to)).to.deep.equal(['chat-with-newcomer']);
    });

    it('never for someone who removed or blocked the bot, a channel, or a card update: those fail as before', async () => {
      const installer = new FakeInstaller();
      await started({ installer });
      conversations.reachable(personKey('left'));
      await conversations.markDead(personKey('left'), null, new Date());
      conversations.reachable(personKey('blocked'));
      await conversations.markDead(personKey('blocked'), 403, new Date());
      subjects.set('m1', 'approved');
      outbox.put(notice('n1', 'left'));
      outbox.put(notice('n2', 'blocked'));
      outbox.put(
        outboxEntry(
          'n3',
          CUSTOMER,
          { kind: 'conversation', conversationKey: 'conversation:gone' },
          { kind: 'send', card: cardSaying('x'), summary: 'x' },
          new Date(),
        ),
      );
      outbox.put({ ...show('s1', 'm1'), status: 'sent', activityId: 'activity-9', recipient: { kind: 'person', personId: 'newcomer' } });
      outbox.put({ ...update('u1', 's1'), recipient: { kind: 'person', personId: 'newcomer' } });
      dispatcher.kick(['n1', 'n2', 'n3', 'u1'].map((id) => ({ id, customerKey: CUSTOMER })));
      await waitUntil('all four fail', () => ['n1', 'n2', 'n3', 'u1'].every((id) => status(id) === 'failed'), 2000, 5);

      expect(['n1', 'n2', 'n3', 'u1'].map((id) => outbox.get(id).lastError)).to.deep.equal([
        'they removed the bot from their Teams',
        'conversation marked dead (403)',
        'no conversation with the bot yet',
        'no conversation with the bot yet',
      ]);
      expect(installer.asked).to.deep.equal([]);
    });
  });

  describe('undeliverable', () => {
    it('a notice to someone the bot cannot reach fails and falls back to the case managers', async () => {
      await started();
      outbox.put(notice('n1', 'never-chatted'));
      dispatcher.kick([{ id: 'n1', customerKey: CUSTOMER }]);
      await waitUntil('the case manager is told', () => messenger.sent.length === 1, 2000, 5);

      expect(outbox.get('n1')).to.include({ status: 'failed', lastError: 'no conversation with the bot yet' });
      expect(messenger.sent.map((s) => [s.to, s.summary])).to.deep.equal([[personKey(CASE_MANAGER.id), 'Undelivered: n1']]);
    });

    it('the case managers are told even when storing their notices fails at first: the entry is tried again, not marked failed', async () => {
      await started({ leaseMs: 100 });
      outbox.failOnce('add');
      outbox.put(notice('n1', 'never-chatted'));
      dispatcher.kick([{ id: 'n1', customerKey: CUSTOMER }]);
      await waitUntil('n1 fails on its second attempt, after the lease', () => status('n1') === 'failed', 3000, 5);

      expect(outbox.get('n1').attempts).to.equal(2);
      await waitUntil('the notice is sent', () => status(`n1:fallback:${CASE_MANAGER.id}`) === 'sent', 2000, 5);
      expect(messenger.sent.map((s) => s.summary)).to.deep.equal(['Undelivered: n1']);
    });
  });
});
