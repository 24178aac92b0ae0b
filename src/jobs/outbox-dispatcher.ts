import type { Logger } from 'pino';
import { LRUCache } from 'lru-cache';
import { afterAttempt, outboxEntry, type AttemptResult, type OutboxEntry } from '../domain/outbox';
import type { Measure } from '../domain/measure';
import type { Conversations, Directory, MeasureRepository, Outbox, Versioned } from '../app/ports';
import { DeliveryError, type Messenger } from '../app/messenger';
import { personKey } from '../store/conversations';

export interface DispatcherDeps {
  outbox: Outbox;
  conversations: Conversations;
  measures: MeasureRepository;
  directory: Directory;
  messenger: Messenger;
  now: () => Date;
  log: Logger;
  /** The notice case managers get when a message could not be delivered (docs/rules.md#R-outbox-dead-conversation). */
  undeliveredNotice: (entry: OutboxEntry, recipientName: string, why: string) => { card: Record<string, unknown>; summary: string };
  /** The update for a sign-off card whose id is recorded after its measure was decided, so that copy is updated too. */
  outcomeUpdate: (measure: Measure, message: { conversationKey: string; activityId: string }, now: Date) => OutboxEntry;
  pollMs?: number;
  leaseMs?: number;
  /** Where batches are not atomic: completes decisions a failure left half written, before each scan. */
  recover?: () => Promise<number>;
  /** [0, 1) for retry jitter (Math.random by default). */
  random?: () => number;
  /** Teams allows about 7 messages a second per conversation; stay under it. */
  perConversationIntervalMs?: number;
}

const SCAN_LIMIT = 100;

function recipientKey(entry: OutboxEntry): string {
  return entry.recipient.kind === 'person' ? personKey(entry.recipient.personId) : entry.recipient.conversationKey;
}

/**
 * Delivers outbox entries in-process: polls for due entries, claims each with its ETag (so two instances never both
 * send it), sends, and records success. Failures are retried with backoff (honouring Retry-After) on 429/412/5xx;
 * 403/404 mark the conversation dead and fall back to the case managers. Pending entries survive restarts.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private pulling: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private closing = false;
  /** Entries just written, to send at once by point reads; a full scan runs on the poll interval and for retries. */
  private readonly hints = new Map<string, { id: string; customerKey: string }>();
  private scanNeeded = true;
  /**
   * One lane per conversation: entries for a conversation go in order and paced, while other conversations'
   * lanes run at the same time, so a busy chat never holds up another person's safety notice.
   */
  private readonly lanes = new Map<string, { queue: Versioned<OutboxEntry>[]; done: Promise<void> }>();
  private readonly queued = new Set<string>();
  /** When each conversation last got a message: only the last interval matters, so entries expire (bounded memory). */
  private readonly lastSent: LRUCache<string, number>;

  constructor(private readonly d: DispatcherDeps) {
    this.lastSent = new LRUCache({ max: 10_000, ttl: Math.max(1, this.interval) });
  }

  private get interval(): number {
    return this.d.perConversationIntervalMs ?? 150;
  }

  start(): void {
    this.stopped = false;
    this.closing = false;
    this.scanNeeded = true;
    this.schedule(0);
  }

  /** Look now rather than at the next poll: for these new entries, or (without them) for everything due. */
  kick(entries?: readonly { id: string; customerKey: string }[]): void {
    if (this.stopped) return;
    if (entries) for (const e of entries) this.hints.set(e.id, { id: e.id, customerKey: e.customerKey });
    else this.scanNeeded = true;
    if (this.pulling) this.again = true;
    else this.schedule(0);
  }

  /** Stops looking for work and waits for the entries in hand (the rest stay pending in Cosmos). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pulling;
    await this.idle();
  }

  /** Pulls everything due and waits until it has been delivered (or rescheduled); returns how many entries it found. */
  async runOnce(): Promise<number> {
    const found = await this.pull(true);
    await this.idle();
    return found;
  }

  private async idle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all([...this.lanes.values()].map((l) => l.done));
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (ms > 0) this.scanNeeded = true; // the poll: pick up retries that came due and anything left by a crash
      const scan = this.scanNeeded;
      this.scanNeeded = false;
      this.pulling = this.pull(scan)
        .then((found) => {
          if (scan && found >= SCAN_LIMIT) this.scanNeeded = this.again = true; // more waiting than one scan takes
        })
        .catch((error: unknown) => this.d.log.error({ err: error }, 'outbox run failed'))
        .finally(() => {
          this.pulling = null;
          if (this.stopped) return;
          const again = this.again;
          this.again = false;
          this.schedule(again ? 0 : (this.d.pollMs ?? 1000));
        });
    }, ms);
  }

  /** Finds due entries (a scan across customers, or just the hinted ones) and hands each to its conversation's lane. */
  private async pull(scan: boolean): Promise<number> {
    if (scan && this.d.recover) {
      const recovered = await this.d.recover();
      if (recovered > 0) this.d.log.info({ recovered }, 'completed the pending effects of records (a failure, or a clear still on its way)');
    }
    const now = this.d.now();
    const hinted = [...this.hints.values()];
    this.hints.clear();
    const entries = scan
      ? await this.d.outbox.due(now, SCAN_LIMIT)
      : (await Promise.all(hinted.map((h) => this.d.outbox.read(h.id, h.customerKey)))).filter(
          (e): e is Versioned<OutboxEntry> => !!e && e.value.status === 'pending' && e.value.nextAttemptAt <= now.toISOString(),
        );
    for (const entry of entries) this.enqueue(entry);
    return entries.length;
  }

  private enqueue(entry: Versioned<OutboxEntry>): void {
    const id = entry.value.id;
    if (this.closing || this.queued.has(id)) return;
    this.queued.add(id);
    const key = recipientKey(entry.value);
    const lane = this.lanes.get(key);
    if (lane) {
      lane.queue.push(entry);
      return;
    }
    const queue = [entry];
    const done = (async () => {
      for (let next = queue.shift(); next && !this.closing; next = queue.shift()) {
        const outboxId = next.value.id;
        await this.deliver(next).catch((error: unknown) => this.d.log.error({ err: error, outboxId }, 'outbox delivery crashed'));
        this.queued.delete(outboxId);
      }
      for (const left of queue) this.queued.delete(left.value.id);
      this.lanes.delete(key);
    })();
    this.lanes.set(key, { queue, done });
  }

  private async deliver(read: Versioned<OutboxEntry>): Promise<void> {
    const now = this.d.now();
    const entry = read.value;
    const held = await this.d.outbox.update(read, {
      ...entry,
      attempts: entry.attempts + 1,
      nextAttemptAt: new Date(now.getTime() + (this.d.leaseMs ?? 30_000)).toISOString(),
    });
    if (!held) return; // another instance has it
    const claimed = held.value;
    const key = recipientKey(entry);
    const conversation = await this.d.conversations.get(key);
    if (!conversation || conversation.dead) {
      await this.fail(held, conversation ? `conversation marked dead (${conversation.dead!.status})` : 'no conversation with the bot yet');
      return;
    }
    await this.pace(key);
    let activityId: string | null = null;
    let result: AttemptResult;
    try {
      if (claimed.action.kind === 'send')
        activityId = await this.d.messenger.send(conversation.reference, claimed.action.card, claimed.action.summary);
      else await this.d.messenger.update(conversation.reference, claimed.action.activityId, claimed.action.card);
      result = { delivered: true };
    } catch (error) {
      result = {
        delivered: false,
        status: error instanceof DeliveryError ? error.status : null,
        retryAfterMs: error instanceof DeliveryError ? error.retryAfterMs : null,
        message: error instanceof Error ? error.message : String(error),
      };
    }
    // What follows is the delivery policy's verdict (src/domain/outbox.ts `afterAttempt`): this class only schedules.
    const next = afterAttempt(result, claimed.attempts, (this.d.random ?? Math.random)());
    switch (next.step) {
      case 'sent':
        return this.sent(held, key, activityId);
      case 'dead':
        await this.d.conversations.markDead(key, next.status, this.d.now());
        return this.fail(held, next.why);
      case 'give-up':
        return this.fail(held, next.why);
      case 'retry':
        this.d.log.warn({ outboxId: claimed.id, attempts: claimed.attempts, retryInMs: next.delayMs }, 'outbox delivery failed; will retry');
        await this.d.outbox.update(held, {
          ...claimed,
          nextAttemptAt: new Date(this.d.now().getTime() + next.delayMs).toISOString(),
          lastError: next.why,
        });
        this.kickAfter(next.delayMs);
    }
  }

  /** Delivered: recorded first, so nothing that follows can cause a second send. */
  private async sent(held: Versioned<OutboxEntry>, key: string, activityId: string | null): Promise<void> {
    const claimed = held.value;
    await this.d.outbox.update(held, { ...claimed, status: 'sent', sentAt: this.d.now().toISOString(), lastError: null });
    this.d.log.info({ outboxId: claimed.id, attempts: claimed.attempts }, 'outbox entry delivered');
    if (claimed.trackOn && activityId)
      await this.track(claimed, { conversationKey: key, activityId }).catch((error: unknown) =>
        this.d.log.warn(
          { err: error, outboxId: claimed.id },
          'sent, but the message id was not recorded: this copy will not be updated after the decision',
        ),
      );
  }

  private async track(entry: OutboxEntry, message: { conversationKey: string; activityId: string }): Promise<void> {
    const measure = await this.d.measures.addSignOffMessage(entry.trackOn!.measureId, entry.customerKey, message);
    if (!measure?.signOff?.decision) return;
    const update = this.d.outcomeUpdate(measure, message, this.d.now());
    await this.d.outbox.add(measure.customerKey, [update]);
    this.kick([update]);
  }

  /** Gives up on an entry and, unless it was itself a fallback, tells the case managers so nothing is silently lost. */
  private async fail(held: Versioned<OutboxEntry>, why: string): Promise<void> {
    const entry = held.value;
    this.d.log.warn({ outboxId: entry.id, why }, 'outbox entry undeliverable');
    await this.d.outbox.update(held, { ...entry, status: 'failed', lastError: why });
    if (!entry.fallback) return;
    const recipient =
      entry.recipient.kind === 'person'
        ? ((await this.d.directory.person(entry.recipient.personId))?.name ?? 'a person not in the directory')
        : 'a team channel';
    const notice = this.d.undeliveredNotice(entry, recipient, why);
    const managers = await this.d.directory.caseManagers();
    const now = this.d.now();
    const fallbacks = managers.map((m) =>
      outboxEntry(`${entry.id}:fallback:${m.id}`, entry.customerKey, { kind: 'person', personId: m.id }, { kind: 'send', ...notice }, now, {
        fallback: false,
      }),
    );
    await this.d.outbox.add(entry.customerKey, fallbacks);
    this.kick(fallbacks);
  }

  private kickAfter(ms: number): void {
    if (this.stopped) return;
    setTimeout(() => this.kick(), ms + 5).unref();
  }

  private async pace(key: string): Promise<void> {
    const wait = (this.lastSent.get(key) ?? 0) + this.interval - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastSent.set(key, Date.now());
  }
}
