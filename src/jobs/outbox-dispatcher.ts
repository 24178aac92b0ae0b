import type { Logger } from 'pino';
import { LRUCache } from 'lru-cache';
import { afterAttempt, outboxEntry, type AttemptResult, type OutboxEntry, type Subject } from '../domain/outbox';
import type { ConversationRecord, Conversations, Directory, Installer, Outbox, OutboxPointer, Versioned } from '../app/ports';
import { DeliveryError, type Messenger } from '../app/messenger';
import { personKey } from '../store/conversations';

export interface DispatcherDeps {
  outbox: Outbox;
  conversations: Conversations;
  directory: Directory;
  messenger: Messenger;
  now: () => Date;
  log: Logger;
  /** The notice case managers get when a message could not be delivered (docs/rules.md#R-outbox-dead-conversation). */
  undeliveredNotice: (entry: OutboxEntry, recipientName: string, why: string) => { card: Record<string, unknown>; summary: string };
  /** The card of a `show` entry's subject as it is now; null when the subject is gone. */
  cardFor: (subject: Subject, customerKey: string) => Promise<Record<string, unknown> | null>;
  /** How often the pending index is read (OUTBOX_POLL_MS). */
  pollMs?: number;
  /** How often the slow full scan looks for entries whose pointer was lost (OUTBOX_SCAN_MS). */
  scanMs?: number;
  leaseMs?: number;
  /** Where batches are not atomic: completes decisions a failure left half written; `full` before each full scan. */
  recover?: (full: boolean) => Promise<number>;
  /** [0, 1) for retry jitter (Math.random by default). */
  random?: () => number;
  /** Teams allows about 7 messages a second per conversation; stay under it. */
  perConversationIntervalMs?: number;
  /** Installs the app for a person who has never chatted with the bot (docs/rules.md#R-outbox-install); without it they are not reached. */
  installer?: Installer;
}

/** Pointers taken from the index or the scan at once: bounds the work (and memory) in hand. */
const LIMIT = 100;

/** An entry in hand: where it is, and whether the index may hold a pointer to it (to remove once it is done). Never the message. */
interface Ref {
  id: string;
  customerKey: string;
  indexed: boolean;
}

/** What delivering an entry comes to now: cards of `show` and `update` entries are rendered at this moment. */
type Content =
  | { kind: 'send'; card: Record<string, unknown>; summary: string }
  | { kind: 'update'; activityId: string; card: Record<string, unknown> }
  | { kind: 'wait'; until: string; why: string }
  | { kind: 'fail'; why: string };

const refsTo = (pointers: OutboxPointer[], indexed: boolean): Ref[] => pointers.map(({ id, customerKey }) => ({ id, customerKey, indexed }));

function recipientKey(entry: OutboxEntry): string {
  return entry.recipient.kind === 'person' ? personKey(entry.recipient.personId) : entry.recipient.conversationKey;
}

const NOT_YET = 'no conversation with the bot yet';

function deadWhy(dead: NonNullable<ConversationRecord['dead']>): string {
  return dead.status === null ? 'they removed the bot from their Teams' : `conversation marked dead (${dead.status})`;
}

function attemptFailure(error: unknown): AttemptResult {
  return {
    delivered: false,
    status: error instanceof DeliveryError ? error.status : null,
    retryAfterMs: error instanceof DeliveryError ? error.retryAfterMs : null,
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * Delivers outbox entries in-process (docs/architecture.md#outbox). New entries are hinted (`kick`) and delivered at
 * once; entries put off (a retry, an update waiting for its card) get a pointer in the pending index, read every
 * `pollMs`; a slow full scan every `scanMs` finds entries whose pointer a crash lost. Each entry is read fresh and
 * claimed with its ETag (so two instances never both send it), sent, and the result recorded.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private pulling: Promise<unknown> | null = null;
  private again = false;
  private stopped = true;
  private closing = false;
  private nextPollAt = 0;
  private nextScanAt = 0;
  /** Entries to read at once: just written (`kick`), or whose handling failed (tried again at the next poll). */
  private readonly hints = new Map<string, Ref>();
  /**
   * One lane per conversation: entries for a conversation go in order and paced, while other conversations'
   * lanes run at the same time, so a busy chat never holds up another person's safety notice.
   */
  private readonly lanes = new Map<string, { queue: Ref[]; done: Promise<void> }>();
  private readonly queued = new Set<string>();
  /** When each conversation last got a message: only the last interval matters, so entries expire (bounded memory). */
  private readonly lastSent: LRUCache<string, number>;

  constructor(private readonly d: DispatcherDeps) {
    this.lastSent = new LRUCache({ max: 10_000, ttl: Math.max(1, this.interval) });
  }

  private get pollMs(): number {
    return this.d.pollMs ?? 1000;
  }

  private get interval(): number {
    return this.d.perConversationIntervalMs ?? 150;
  }

  start(): void {
    this.stopped = false;
    this.closing = false;
    this.nextPollAt = this.nextScanAt = 0;
    this.schedule(Date.now());
  }

  /** Delivers these new entries now rather than at the next poll. */
  kick(entries: readonly { id: string; customerKey: string }[]): void {
    if (this.stopped) return;
    for (const { id, customerKey } of entries) this.hints.set(id, { id, customerKey, indexed: false });
    if (this.pulling) this.again = true;
    else this.schedule(Date.now());
  }

  /** Stops looking for work and waits for the entries in hand (the rest stay pending in Cosmos). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pulling;
    await this.idle();
  }

  /** Looks everywhere (hints, index, full scan) and waits until what it found is handled; returns how many entries it found due. */
  async runOnce(): Promise<number> {
    const found = await this.pull(true, true);
    await this.idle();
    return found;
  }

  private async idle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all([...this.lanes.values()].map((l) => l.done));
  }

  /** Pulls at `at` (epoch ms): kicks pull at once; otherwise the next index read or scan, whichever comes first. */
  private schedule(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        // The index read and the scan keep their own clocks, so a stream of kicks never holds them back. A timer may
        // fire a millisecond early by Date.now(): it counts as the time it was set for.
        const now = Math.max(Date.now(), at);
        const index = now >= this.nextPollAt;
        if (index) this.nextPollAt = now + this.pollMs;
        this.pulling = this.pull(now >= this.nextScanAt, index)
          .catch((error: unknown) => this.d.log.error({ err: error }, 'outbox poll failed; trying again at the next poll'))
          .finally(() => {
            this.pulling = null;
            if (this.stopped) return;
            const again = this.again;
            this.again = false;
            this.schedule(again ? Date.now() : Math.min(this.nextPollAt, this.nextScanAt));
          });
      },
      Math.max(0, at - Date.now()),
    );
  }

  /** Hands the hinted entries, then the index's and (when `full`) the scan's, to their lanes; returns how many it queued. */
  private async pull(full: boolean, index: boolean): Promise<number> {
    if (this.d.recover) {
      // Apart: a failing recovery must not hold up the delivery of what is already stored.
      const recovered = await this.d.recover(full).catch((error: unknown) => this.d.log.error({ err: error }, 'outbox recovery failed'));
      if (recovered) this.d.log.info({ recovered }, 'completed the pending effects of records (a failure, or a clear still on its way)');
    }
    const hinted = [...this.hints.values()];
    this.hints.clear();
    let found = await this.routeAll(hinted);
    if (index) {
      const listed = await this.d.outbox.dueIndex(this.d.now(), LIMIT);
      const queued = await this.routeAll(refsTo(listed, true));
      if (listed.length >= LIMIT && queued > 0) this.nextPollAt = 0; // more due than one read takes
      found += queued;
    }
    if (full) {
      // Found by the scan, not the index: most have no pointer (lost in a crash); any other is dropped by the index read later.
      const listed = await this.d.outbox.scan(this.d.now(), LIMIT);
      const queued = await this.routeAll(refsTo(listed, false));
      this.nextScanAt = listed.length >= LIMIT && queued > 0 ? 0 : Date.now() + (this.d.scanMs ?? 300_000);
      found += queued;
    }
    return found;
  }

  /** Reads each entry not already in hand to find its lane; one that fails is tried again at the next poll. */
  private async routeAll(refs: Ref[]): Promise<number> {
    const routed = await Promise.all(
      refs
        .filter((ref) => !this.queued.has(ref.id))
        .map(async (ref) => {
          try {
            const entry = await this.deliverable(ref, await this.d.outbox.read(ref.id, ref.customerKey));
            return !!entry && this.enqueue(recipientKey(entry.value), ref, entry);
          } catch (error) {
            this.d.log.error({ err: error, outboxId: ref.id }, 'reading an outbox entry failed; trying again at the next poll');
            this.hints.set(ref.id, ref);
            return false;
          }
        }),
    );
    return routed.filter(Boolean).length;
  }

  /**
   * The entry if it is pending and due. Otherwise a stale pointer (sent, failed or gone) is dropped, and an entry not
   * due yet (put off, or leased by another instance) is pointed at its time, so the index brings it back even if that
   * instance stops.
   */
  private async deliverable(ref: Ref, read: Versioned<OutboxEntry> | null): Promise<Versioned<OutboxEntry> | null> {
    if (read?.value.status !== 'pending') {
      if (ref.indexed) await this.d.outbox.unpoint(ref.id);
      return null;
    }
    const due = read.value.nextAttemptAt;
    if (due <= this.d.now().toISOString()) return read;
    await this.d.outbox.point({ id: ref.id, customerKey: ref.customerKey, due });
    return null;
  }

  /** Queues an entry in its conversation's lane. A lane that starts now takes the entry just read; later ones are read again in turn. */
  private enqueue(key: string, ref: Ref, read: Versioned<OutboxEntry>): boolean {
    if (this.closing || this.queued.has(ref.id)) return false;
    this.queued.add(ref.id);
    const lane = this.lanes.get(key);
    if (lane) {
      lane.queue.push(ref);
      return true;
    }
    const queue: Ref[] = [];
    const done = (async () => {
      await this.handle(ref, read);
      for (let next = queue.shift(); next && !this.closing; next = queue.shift()) await this.handle(next);
      for (const left of queue) this.queued.delete(left.id);
      this.lanes.delete(key);
    })();
    this.lanes.set(key, { queue, done });
    return true;
  }

  private async handle(ref: Ref, read?: Versioned<OutboxEntry>): Promise<void> {
    await this.deliver(ref, read).catch((error: unknown) => {
      this.d.log.error({ err: error, outboxId: ref.id }, 'outbox delivery failed; trying again at the next poll');
      this.hints.set(ref.id, ref);
    });
    this.queued.delete(ref.id);
  }

  private async deliver(ref: Ref, read?: Versioned<OutboxEntry>): Promise<void> {
    const current = await this.deliverable(ref, read ?? (await this.d.outbox.read(ref.id, ref.customerKey)));
    if (!current) return;
    const entry = current.value;
    const held = await this.d.outbox.update(current, {
      ...entry,
      attempts: entry.attempts + 1,
      nextAttemptAt: new Date(this.d.now().getTime() + (this.d.leaseMs ?? 30_000)).toISOString(),
    });
    if (!held) return; // another instance has it
    const key = recipientKey(entry);
    const conversation = await this.d.conversations.get(key);
    // Someone who removed or blocked the bot is never installed for again: only someone it has never reached is.
    if (conversation?.dead) return this.fail(held, ref, deadWhy(conversation.dead));
    const { installer } = this.d;
    const newcomer = !conversation && entry.recipient.kind === 'person' && installer ? { installer, personId: entry.recipient.personId } : null;
    if (!conversation && !newcomer) return this.fail(held, ref, NOT_YET);
    const content = await this.content(entry);
    // No fallback notice: there is nothing left to show, or the card it updates already fell back when it failed.
    if (content.kind === 'fail') return this.fail(held, ref, content.why, false);
    if (content.kind === 'wait') {
      this.d.log.info({ outboxId: entry.id, until: content.until }, 'outbox update waits for the card it updates');
      // Not an attempt (it gives up only on its own failures), and due one poll after the card's next attempt, so that goes first.
      const at = Math.max(Date.parse(content.until), this.d.now().getTime()) + this.pollMs;
      return this.later(held, entry.attempts, new Date(at), content.why);
    }
    // Installing is for a new message only: an update's card was never sent to someone with no chat.
    const reached = conversation
      ? { reference: conversation.reference }
      : newcomer && content.kind === 'send'
        ? await this.install(newcomer.installer, newcomer.personId, key, entry.id)
        : null;
    if (!reached) return this.fail(held, ref, NOT_YET);
    let activityId = entry.activityId;
    let result: AttemptResult = { delivered: true };
    if ('refused' in reached) result = reached.refused;
    else {
      await this.pace(key);
      try {
        if (content.kind === 'send') activityId = await this.d.messenger.send(reached.reference, content.card, content.summary);
        else await this.d.messenger.update(reached.reference, content.activityId, content.card);
      } catch (error) {
        result = attemptFailure(error);
      }
    }
    // What follows is the delivery policy's verdict (src/domain/outbox.ts `afterAttempt`): this class only schedules.
    const next = afterAttempt(result, held.value.attempts, (this.d.random ?? Math.random)());
    switch (next.step) {
      case 'sent':
        await this.finish(held, ref, { status: 'sent', sentAt: this.d.now().toISOString(), activityId, lastError: null });
        this.d.log.info({ outboxId: entry.id, attempts: held.value.attempts }, 'outbox entry delivered');
        return;
      case 'dead':
        await this.d.conversations.markDead(key, next.status, this.d.now());
        return this.fail(held, ref, next.why);
      case 'give-up':
        return this.fail(held, ref, next.why);
      case 'retry':
        this.d.log.warn({ outboxId: entry.id, attempts: held.value.attempts, retryInMs: next.delayMs }, 'outbox delivery failed; will retry');
        return this.later(held, held.value.attempts, new Date(this.d.now().getTime() + next.delayMs), next.why);
    }
  }

  /**
   * Installs the app for a person who has never chatted with the bot and remembers their chat, so later messages go
   * straight there (and a failure to send this one is retried there, not installed again); or what refused it.
   */
  private async install(
    installer: Installer,
    personId: string,
    key: string,
    outboxId: string,
  ): Promise<{ reference: Record<string, unknown> } | { refused: AttemptResult }> {
    const installed = await installer.reach(personId);
    if (!installed.installed) {
      const { status, retryAfterMs, why } = installed;
      return { refused: { delivered: false, status, retryAfterMs, message: why, installing: true } };
    }
    await this.d.conversations.introduce(key, installed.reference, this.d.now());
    this.d.log.info({ outboxId }, 'the app was installed for someone who had never chatted with the bot');
    return { reference: installed.reference };
  }

  /** What to send now. A `show` card is rendered from its subject; an `update` needs the card it updates sent first. */
  private async content(entry: OutboxEntry): Promise<Content> {
    const { action, customerKey } = entry;
    if (action.kind === 'send') return action;
    const gone: Content = { kind: 'fail', why: 'what the card shows no longer exists' };
    if (action.kind === 'show') {
      const card = await this.d.cardFor(action.subject, customerKey);
      return card ? { kind: 'send', card, summary: action.summary } : gone;
    }
    const shown = (await this.d.outbox.read(action.of, customerKey))?.value;
    if (shown?.action.kind !== 'show') return { kind: 'fail', why: `the card it updates (${action.of}) does not exist` };
    if (shown.status === 'pending') return { kind: 'wait', until: shown.nextAttemptAt, why: `waiting for ${action.of} to be sent` };
    if (shown.status === 'failed' || !shown.activityId)
      return { kind: 'fail', why: `the card it updates was not delivered (${shown.lastError ?? 'no message id'})` };
    const card = await this.d.cardFor(shown.action.subject, customerKey);
    return card ? { kind: 'update', activityId: shown.activityId, card } : gone;
  }

  /** Puts an entry off until `at` with `attempts` counted: pointed first, so a pending entry is never left out of the index. */
  private async later(held: Versioned<OutboxEntry>, attempts: number, at: Date, why: string): Promise<void> {
    const { id, customerKey } = held.value;
    const due = at.toISOString();
    await this.d.outbox.point({ id, customerKey, due });
    await this.d.outbox.update(held, { ...held.value, attempts, nextAttemptAt: due, lastError: why });
  }

  /** Records the end of an entry, then drops any pointer to it (recorded first: nothing that follows can cause a second send). */
  private async finish(held: Versioned<OutboxEntry>, ref: Ref, end: Pick<OutboxEntry, 'status' | 'lastError'> & Partial<OutboxEntry>): Promise<void> {
    await this.d.outbox.update(held, { ...held.value, ...end });
    if (ref.indexed) await this.d.outbox.unpoint(ref.id);
  }

  /** Gives up on an entry; if it falls back, the case managers are told, so nothing is silently lost. */
  private async fail(held: Versioned<OutboxEntry>, ref: Ref, why: string, fallback = held.value.fallback): Promise<void> {
    const entry = held.value;
    this.d.log.warn({ outboxId: entry.id, why }, 'outbox entry undeliverable');
    // The notices are stored before the entry is marked failed: if that fails, the next attempt stores them again
    // (deterministic ids), rather than none ever being sent.
    if (fallback) {
      const notices = await this.undelivered(entry, why);
      await this.d.outbox.add(entry.customerKey, notices);
      this.kick(notices);
    }
    await this.finish(held, ref, { status: 'failed', lastError: why });
  }

  /** One "undelivered" notice per case manager. */
  private async undelivered(entry: OutboxEntry, why: string): Promise<OutboxEntry[]> {
    const recipient =
      entry.recipient.kind === 'person'
        ? ((await this.d.directory.person(entry.recipient.personId))?.name ?? 'a person not in the directory')
        : 'a team channel';
    const notice = this.d.undeliveredNotice(entry, recipient, why);
    const managers = await this.d.directory.caseManagers();
    const now = this.d.now();
    return managers.map((m) =>
      outboxEntry(`${entry.id}:fallback:${m.id}`, entry.customerKey, { kind: 'person', personId: m.id }, { kind: 'send', ...notice }, now, {
        fallback: false,
      }),
    );
  }

  private async pace(key: string): Promise<void> {
    const wait = (this.lastSent.get(key) ?? 0) + this.interval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastSent.set(key, Date.now());
  }
}
