import { randomUUID } from 'node:crypto';
import { Schedule } from '../../src/jobs/schedule';
import type { AppContext } from '../../src/app/context';
import type { CaseRecord } from '../../src/domain/retention';
import type {
  AppealRepository,
  CaseRecords,
  AuditTrail,
  ConversationRecord,
  Conversations,
  CustomerRepository,
  DecisionRepository,
  Effect,
  IncidentRepository,
  Change,
  MeasureRepository,
  FileDelivery,
  Files,
  OutgoingFile,
  Outbox,
  OutboxPointer,
  ReviewDue,
  Versioned,
  Page,
  SignOffWaiting,
  ActiveReview,
  AppealWaiting,
  DigestRecords,
  DigestSubscriptions,
  OpenAppealRow,
  LetterRepository,
  UnsentLetter,
} from '../../src/app/ports';
import type { DigestSubscription, FailedNoticeRow, IncidentRow, MeasureRow } from '../../src/domain/digest';
import { emptySummary, headerOf, type CustomerSummary, type IncidentHeader } from '../../src/domain/summary';
import type { Measure } from '../../src/domain/measure';
import type { RegisterRecord } from '../../src/domain/register';
import type { AuditEvent, Incident } from '../../src/domain/records';
import type { OutboxEntry } from '../../src/domain/outbox';
import type { Appeal } from '../../src/domain/appeal';
import type { LetterRecord } from '../../src/domain/letter-record';
import { referenceFor } from '../../src/domain/reference';
import type { Directory } from '../../src/app/ports';
import { FileDirectory } from '../../src/directory/file-directory';
import { SAMPLE_DIRECTORY_FILE } from '../../src/paths';
import { TEST_POLICY_VERSION } from './fixtures';

/** Typed in-memory ports: the application's use cases without HTTP or Cosmos, for fast tests. */

const key = (id: string, partition: string) => `${partition}\n${id}`;

/** Records by id with a version each; commits check the version, as the Cosmos store checks the ETag. */
export class MemoryRecords<T extends { id: string }> implements DecisionRepository<T> {
  readonly records = new Map<string, { value: T; etag: number }>();
  /** Effects committed, in order. */
  readonly effects: Effect[] = [];
  private nextEtag = 1;

  constructor(private readonly partitionOf: (value: T) => string) {}

  async read(id: string, partition: string): Promise<Versioned<T> | null> {
    const stored = this.records.get(key(id, partition));
    return stored ? { value: structuredClone(stored.value), version: { etag: String(stored.etag) } } : null;
  }

  async commit(current: Versioned<T>, next: T, effects: Effect[]): Promise<boolean> {
    const k = key(next.id, this.partitionOf(next));
    const stored = this.records.get(k);
    if (!stored || String(stored.etag) !== current.version.etag) return false;
    this.records.set(k, { value: structuredClone(next), etag: this.nextEtag++ });
    this.addEffects(effects);
    return true;
  }

  /** Stores a record as given (creates or overwrites): setting up a test, or a change "someone else" made. */
  put(value: T): void {
    this.records.set(key(value.id, this.partitionOf(value)), { value: structuredClone(value), etag: this.nextEtag++ });
  }

  values(): T[] {
    return [...this.records.values()].map((r) => structuredClone(r.value));
  }

  /** Whether a record is still at the version it was read at. */
  unchanged(read: Versioned<T>): boolean {
    const stored = this.records.get(key(read.value.id, this.partitionOf(read.value)));
    return !!stored && String(stored.etag) === read.version.etag;
  }

  protected addEffects(effects: Effect[]): void {
    for (const e of effects) if (!this.effects.some((x) => 'id' in x && 'id' in e && x.id === e.id)) this.effects.push(structuredClone(e));
  }
}

/**
 * One customer partition's records as the store keeps them: summaries (versioned), incidents, measures (versioned),
 * and every other effect in order. Commits check the summary's version and each changed measure's, as the Cosmos
 * store checks ETags, and refuse a create whose id is taken, as a batch does.
 */
export class MemoryCustomers implements CustomerRepository {
  readonly summaries = new MemoryRecords<CustomerSummary & { id: string }>((s) => s.customerKey);
  readonly incidents = new Map<string, Incident>();
  readonly measures = new MemoryRecords<Measure>((m) => m.customerKey);
  readonly appeals = new MemoryRecords<Appeal>((a) => a.customerKey);
  readonly letters = new MemoryRecords<LetterRecord>((l) => l.customerKey);
  /** Audit events and outbox entries committed, in order. */
  readonly effects: Effect[] = [];

  async summary(customerKey: string): Promise<CustomerSummary> {
    return (await this.read(customerKey)).value;
  }

  async read(customerKey: string): Promise<Versioned<CustomerSummary>> {
    const found = await this.summaries.read(customerKey, customerKey);
    if (!found) return { value: emptySummary(customerKey), version: { etag: '' } };
    const { id: _id, ...value } = found.value;
    return { value, version: found.version };
  }

  /** Checks and writes with no await in between: atomic, like a Cosmos batch. */
  async commit(current: Versioned<CustomerSummary>, next: CustomerSummary, effects: Effect[]): Promise<boolean> {
    const stored = this.summaries.records.get(key(next.customerKey, next.customerKey));
    if ((stored ? String(stored.etag) : '') !== current.version.etag) return false;
    for (const e of effects) {
      if (e.type === 'change' && !this.unchanged(e)) return false;
      if (e.type !== 'change' && this.has(e)) return false;
    }
    this.summaries.put({ ...next, id: next.customerKey });
    for (const e of effects) this.apply(e.type === 'change' ? e.after : e);
    return true;
  }

  private unchanged(c: Change): boolean {
    if (c.before.value.type === 'measure') return this.measures.unchanged(c.before as Versioned<Measure>);
    if (c.before.value.type === 'letter') return this.letters.unchanged(c.before as Versioned<LetterRecord>);
    return this.appeals.unchanged(c.before as Versioned<Appeal>);
  }

  private apply(e: Exclude<Effect, Change>): void {
    if (e.type === 'measure') this.measures.put(e);
    else if (e.type === 'appeal') this.appeals.put(e);
    else if (e.type === 'letter') this.letters.put(e);
    else if (e.type === 'incident') this.incidents.set(e.reference, structuredClone(e));
    else this.effects.push(structuredClone(e));
  }

  private has(e: Exclude<Effect, Change>): boolean {
    if (e.type === 'incident') return this.incidents.has(e.reference);
    if (e.type === 'measure') return this.measures.records.has(key(e.id, e.customerKey));
    if (e.type === 'appeal') return this.appeals.records.has(key(e.id, e.customerKey));
    if (e.type === 'letter') return this.letters.records.has(key(e.id, e.customerKey));
    return this.effects.some((x) => 'id' in x && x.id === e.id);
  }

  /** The outbox entries committed. */
  outbox(): OutboxEntry[] {
    return this.effects.filter((e): e is OutboxEntry => e.type === 'outbox');
  }
}

export class MemoryMeasures implements MeasureRepository {
  constructor(private readonly customers: MemoryCustomers) {}

  async read(id: string, customerKey: string): Promise<Versioned<Measure> | null> {
    return this.customers.measures.read(id, customerKey);
  }

  async awaitingSignOffBy(personId: string, limit = 20): Promise<Measure[]> {
    return this.values()
      .filter((m) => m.status === 'pending-sign-off' && (m.signOff?.approverId === personId || m.signOff?.deputyId === personId))
      .sort((a, b) => a.proposedAt.localeCompare(b.proposedAt))
      .slice(0, limit);
  }

  async history(customerKey: string, before: string | null, limit: number): Promise<Measure[]> {
    return this.values()
      .filter((m) => m.customerKey === customerKey && m.proposedAt < (before ?? '9999'))
      .sort((a, b) => b.proposedAt.localeCompare(a.proposedAt))
      .slice(0, limit);
  }

  async dueForReview(from: string, to: string, limit: number): Promise<ReviewDue[]> {
    return this.values()
      .filter((m) => (m.status === 'active' || m.status === 'lapsed') && m.reviewDue >= from && m.reviewDue < to)
      .sort((a, b) => a.reviewDue.localeCompare(b.reviewDue))
      .slice(0, limit)
      .map(({ id, customerKey, kind, status, interim, reviewDue }) => ({ id, customerKey, kind, status, interim, reviewDue }));
  }

  async awaitingSignOff(limit: number, page: string | null): Promise<Page<SignOffWaiting>> {
    const waiting = this.values().filter((m) => m.status === 'pending-sign-off');
    const read = pageFrom(waiting, (m) => m.proposedAt, limit, page);
    return {
      ...read,
      items: read.items.map(({ id, customerKey, kind, status, interim, signOff, incidentRefs }) => ({
        id,
        customerKey,
        kind,
        status,
        interim,
        signOff,
        firstIncident: incidentRefs[0]!,
      })),
    };
  }

  async activeByReviewDate(from: string, to: string, limit: number, page: string | null): Promise<Page<ActiveReview>> {
    const active = this.values().filter((m) => m.status === 'active' && m.reviewDue >= from && m.reviewDue < to);
    const read = pageFrom(active, (m) => m.reviewDue, limit, page);
    return {
      ...read,
      items: read.items.map(({ id, customerKey, kind, status, reviewDue, proposedBy }) => ({ id, customerKey, kind, status, reviewDue, proposedBy })),
    };
  }

  async inForce(limit: number, page: string | null): Promise<Page<RegisterRecord>> {
    const held = this.values().filter((m) => m.status === 'active' || (m.status === 'pending-sign-off' && m.interim));
    const read = pageFrom(held, (m) => m.customerKey, limit, page);
    return {
      ...read,
      items: read.items.map(
        ({ id, customerKey, kind, status, interim, instructions, reviewDue, notifyCustomer, proposedAt, incidentRefs, signOff }) => ({
          id,
          customerKey,
          kind,
          status,
          interim,
          instructions,
          reviewDue,
          notifyCustomer,
          proposedAt,
          firstIncident: incidentRefs[0]!,
          ...(signOff?.decision ? { decidedAt: signOff.decision.at } : {}),
        }),
      ),
    };
  }

  /** Stores a measure as given (setting up a test, or a change "someone else" made). */
  put(m: Measure): void {
    this.customers.measures.put(m);
  }

  values(): Measure[] {
    return this.customers.measures.values();
  }
}

export class MemoryAppeals implements AppealRepository {
  constructor(private readonly customers: MemoryCustomers) {}

  async read(id: string, customerKey: string): Promise<Versioned<Appeal> | null> {
    return this.customers.appeals.read(id, customerKey);
  }

  async awaitingDecisionBy(personId: string, limit = 20): Promise<Appeal[]> {
    return this.customers.appeals
      .values()
      .filter((a) => a.status === 'open' && (a.approverId === personId || a.deputyId === personId))
      .sort((a, b) => a.dueOn.localeCompare(b.dueOn))
      .slice(0, limit);
  }

  async openDueBy(until: string, limit: number, page: string | null): Promise<Page<AppealWaiting>> {
    const open = this.customers.appeals.values().filter((a) => a.status === 'open' && a.dueOn <= until);
    const read = pageFrom(open, (a) => a.dueOn, limit, page);
    return {
      ...read,
      items: read.items.map(({ id, customerKey, measureId, measureKind, status, receivedOn, dueOn, approverId, deputyId }) => ({
        id,
        customerKey,
        measureId,
        measureKind,
        status,
        receivedOn,
        dueOn,
        approverId,
        deputyId,
      })),
    };
  }
}

/** Items per page of the in-memory lists across customers: small, so use-case tests go through several pages. */
export const MEMORY_PAGE_SIZE = 2;

/**
 * A page of the first `limit` items in `key` order, resuming after the last key the previous page gave (and counting
 * what was read), as a Cosmos continuation token does: records that leave the list between pages shift nothing.
 */
export class MemoryLetters implements LetterRepository {
  constructor(private readonly customers: MemoryCustomers) {}

  async read(id: string, customerKey: string): Promise<Versioned<LetterRecord> | null> {
    return this.customers.letters.read(id, customerKey);
  }

  async unsentDueBefore(day: string, limit: number, page: string | null): Promise<Page<UnsentLetter>> {
    const due = this.customers.letters.values().filter((l) => l.status === 'draft' && l.sendBy < day);
    const read = pageFrom(due, (l) => l.sendBy, limit, page);
    return {
      ...read,
      items: read.items.map(({ id, customerKey, kind, serviceArea, incidentRef, createdAt, sendBy, status }) => ({
        id,
        customerKey,
        kind,
        serviceArea,
        incidentRef,
        createdAt,
        sendBy,
        status,
      })),
    };
  }
}

function pageFrom<T extends { id: string }>(items: T[], sortKey: (item: T) => string, limit: number, page: string | null): Page<T> {
  const key = (item: T) => `${sortKey(item)}\n${item.id}`;
  const { after, read } = page ? (JSON.parse(page) as { after: string; read: number }) : { after: '', read: 0 };
  const rest = items.filter((item) => key(item) > after).sort((a, b) => key(a).localeCompare(key(b)));
  const got = rest.slice(0, Math.min(MEMORY_PAGE_SIZE, limit - read));
  const more = rest.length > got.length && read + got.length < limit;
  return { items: got, next: more ? JSON.stringify({ after: key(got.at(-1)!), read: read + got.length }) : null };
}

export class MemoryIncidents implements IncidentRepository {
  readonly claims = new Map<string, { submissionKey: string; customerKey: string }>();

  constructor(private readonly customers: MemoryCustomers) {}

  async claimReference(submissionKey: string, customerKey: string): Promise<{ reference: string; customerKey: string; fresh: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const reference = referenceFor(submissionKey, attempt);
      const claim = this.claims.get(reference);
      if (!claim) {
        this.claims.set(reference, { submissionKey, customerKey });
        return { reference, customerKey, fresh: true };
      }
      if (claim.submissionKey === submissionKey) return { reference, customerKey: claim.customerKey, fresh: false };
    }
  }

  async read(reference: string, customerKey: string): Promise<Incident | null> {
    const found = this.customers.incidents.get(reference);
    return found?.customerKey === customerKey ? structuredClone(found) : null;
  }

  async findByReference(reference: string): Promise<Incident | null> {
    return structuredClone(this.customers.incidents.get(reference) ?? null);
  }

  async reportedBy(personId: string, limit: number): Promise<Incident[]> {
    return [...this.customers.incidents.values()]
      .filter((i) => i.reporter.id === personId)
      .sort((a, b) => b.reportedAt.localeCompare(a.reportedAt))
      .slice(0, limit);
  }

  async history(customerKey: string, before: string | null, limit: number): Promise<IncidentHeader[]> {
    return [...this.customers.incidents.values()]
      .filter((i) => i.customerKey === customerKey && i.reportedAt < (before ?? '9999'))
      .sort((a, b) => b.reportedAt.localeCompare(a.reportedAt))
      .slice(0, limit)
      .map(headerOf);
  }
}

export class MemoryAudit implements AuditTrail {
  readonly events: AuditEvent[] = [];
  async append(event: AuditEvent): Promise<void> {
    this.events.push(event);
  }
}

export class MemoryConversations implements Conversations {
  readonly records = new Map<string, ConversationRecord>();
  async userIdOf(personId: string): Promise<string | null> {
    return this.records.get(`person:${personId}`)?.userId ?? null;
  }
  async remember(key: string, reference: Record<string, unknown>, userId: string | null, now: Date): Promise<void> {
    this.records.set(key, { id: key, reference, userId, updatedAt: now.toISOString(), dead: null });
  }
  async introduce(key: string, reference: Record<string, unknown>, now: Date): Promise<void> {
    if (!this.records.has(key)) await this.remember(key, reference, null, now);
  }
  async forget(key: string): Promise<void> {
    this.records.delete(key);
  }
  async forgetTeam(teamId: string): Promise<void> {
    for (const key of [...this.records.keys()]) if (key.startsWith(`team:${teamId}:channel:`)) this.records.delete(key);
  }
  async get(key: string): Promise<ConversationRecord | null> {
    return structuredClone(this.records.get(key) ?? null);
  }
  async markDead(key: string, status: number | null, now: Date): Promise<void> {
    const record = this.records.get(key) ?? { id: key, reference: {}, userId: null, updatedAt: now.toISOString() };
    this.records.set(key, { ...record, dead: { at: now.toISOString(), status } });
  }
}

/** The Outbox port in memory, with ETags. It logs every call: each is one Cosmos request in OutboxStore. */
export class MemoryOutbox implements Outbox {
  private readonly stored = new Map<string, { entry: OutboxEntry; etag: number }>();
  readonly pointers = new Map<string, OutboxPointer>();
  readonly calls: string[] = [];
  /** Calls that fail once, as a Cosmos request may: 'dueIndex', 'scan', 'add', 'read:<id>', 'update:<id>'… */
  private readonly failures = new Set<string>();

  failOnce(call: string): void {
    this.failures.add(call);
  }

  /** Writes an entry as another writer would (its version changes). */
  put(entry: OutboxEntry): void {
    this.stored.set(entry.id, { entry: structuredClone(entry), etag: (this.stored.get(entry.id)?.etag ?? 0) + 1 });
  }

  get(id: string): OutboxEntry {
    return structuredClone(this.stored.get(id)!.entry);
  }

  entries(): OutboxEntry[] {
    return [...this.stored.values()].map((s) => structuredClone(s.entry));
  }

  count(call: string): number {
    return this.calls.filter((c) => c === call).length;
  }

  async dueIndex(now: Date, limit: number): Promise<OutboxPointer[]> {
    this.call('dueIndex');
    const due = [...this.pointers.values()].filter((p) => p.due <= now.toISOString());
    return due.sort((a, b) => a.due.localeCompare(b.due)).slice(0, limit);
  }

  async scan(now: Date, limit: number): Promise<OutboxPointer[]> {
    this.call('scan');
    const due = [...this.stored.values()].map((s) => s.entry).filter((e) => e.status === 'pending' && e.nextAttemptAt <= now.toISOString());
    return due
      .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt))
      .slice(0, limit)
      .map((e) => ({ id: e.id, customerKey: e.customerKey, due: e.nextAttemptAt }));
  }

  async read(id: string, customerKey: string): Promise<Versioned<OutboxEntry> | null> {
    this.call(`read:${id}`);
    const s = this.stored.get(id);
    return s?.entry.customerKey === customerKey ? { value: structuredClone(s.entry), version: { etag: String(s.etag) } } : null;
  }

  async update(current: Versioned<OutboxEntry>, next: OutboxEntry): Promise<Versioned<OutboxEntry> | null> {
    this.call(`update:${next.id}`);
    if (String(this.stored.get(next.id)?.etag) !== current.version.etag) return null;
    this.put(next);
    return { value: this.get(next.id), version: { etag: String(this.stored.get(next.id)!.etag) } };
  }

  async add(_customerKey: string, entries: OutboxEntry[]): Promise<void> {
    this.call('add');
    for (const e of entries) if (!this.stored.has(e.id)) this.put(e);
  }

  async point(pointer: OutboxPointer): Promise<void> {
    this.call(`point:${pointer.id}`);
    this.pointers.set(pointer.id, { ...pointer });
  }

  async unpoint(id: string): Promise<void> {
    this.call(`unpoint:${id}`);
    this.pointers.delete(id);
  }

  private call(name: string): void {
    this.calls.push(name);
    if (this.failures.delete(name)) throw Object.assign(new Error(`Cosmos failed: ${name}`), { code: 503 });
  }
}

/** Digest subscriptions by channel key. */
export class MemorySubscriptions implements DigestSubscriptions {
  readonly byChannel = new Map<string, DigestSubscription>();
  async get(channelKey: string): Promise<DigestSubscription | null> {
    return structuredClone(this.byChannel.get(channelKey) ?? null);
  }
  async save(subscription: DigestSubscription): Promise<void> {
    this.byChannel.set(subscription.channelKey, structuredClone(subscription));
  }
  async end(channelKey: string): Promise<void> {
    this.byChannel.delete(channelKey);
  }
  async endTeam(teamId: string): Promise<void> {
    for (const [key, s] of this.byChannel) if (s.teamId === teamId) this.byChannel.delete(key);
  }
  async all(): Promise<DigestSubscription[]> {
    return [...this.byChannel.values()].map((s) => structuredClone(s));
  }
}

/** The digest's reads over the records in memory (customers' incidents, measures and appeals; the jobs' outbox): one page each. */
export class MemoryDigest implements DigestRecords {
  constructor(
    private readonly customers: MemoryCustomers,
    private readonly outbox: MemoryOutbox,
  ) {}

  async incidentsReported(from: string, to: string, limit: number): Promise<Page<IncidentRow>> {
    const rows = [...this.customers.incidents.values()].filter((i) => i.reportedAt >= from && i.reportedAt < to);
    return onePage(
      rows.map((i) => pick(i, 'category', 'serviceArea', 'reportedAt')),
      limit,
    );
  }

  async measures(status: 'pending-sign-off' | 'active' | 'lapsed', reviewFrom: string, limit: number): Promise<Page<MeasureRow>> {
    const rows = this.customers.measures.values().filter((m) => m.status === status && m.reviewDue >= reviewFrom);
    return onePage(
      rows.map((m) => ({
        ...pick(m, 'id', 'kind', 'status', 'interim', 'serviceArea', 'reviewDue'),
        waitingSince: m.signOff?.requestedAt ?? m.proposedAt,
      })),
      limit,
    );
  }

  async openAppeals(limit: number): Promise<Page<OpenAppealRow>> {
    const rows = this.customers.appeals.values().filter((a) => a.status === 'open');
    return onePage(
      rows.map((a) => pick(a, 'measureId', 'customerKey', 'dueOn')),
      limit,
    );
  }

  async failedNotices(from: string, to: string, limit: number): Promise<Page<FailedNoticeRow>> {
    const rows = this.outbox.entries().filter((e) => e.status === 'failed' && e.createdAt >= from && e.createdAt < to);
    return onePage(
      rows.map((e) => pick(e, 'createdAt')),
      limit,
    );
  }
}

const onePage = <T>(items: T[], limit: number): Page<T> => ({ items: items.slice(0, limit), next: null });

function pick<T, K extends keyof T>(value: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, value[k]])) as Pick<T, K>;
}

/** Files handed over: each delivery, as the port was asked for it (offered in the personal chat). */
export class MemoryFiles implements Files {
  readonly delivered: { to: { id: string; name: string }; file: OutgoingFile; at: string }[] = [];
  async deliver(to: { id: string; name: string }, file: OutgoingFile, now: Date): Promise<FileDelivery> {
    this.delivered.push({ to, file, at: now.toISOString() });
    return { where: 'chat', offerId: `offer-${this.delivered.length}` };
  }
}

/** Everything held about one customer, gathered from the other ports' records (a subject access export). */
export class MemoryCases implements CaseRecords {
  constructor(
    private readonly customers: MemoryCustomers,
    private readonly audit: MemoryAudit,
    private readonly outbox: MemoryOutbox,
  ) {}

  async everything(customerKey: string): Promise<CaseRecord[]> {
    const c = this.customers;
    const records: { id: string; type: string; customerKey: string }[] = [
      ...c.summaries.values(),
      ...c.incidents.values(),
      ...c.measures.values(),
      ...c.appeals.values(),
      ...c.letters.values(),
      ...c.effects.filter((e) => e.type !== 'change'),
      ...this.audit.events,
      ...this.outbox.entries(),
    ];
    return structuredClone(records.filter((r) => r.customerKey === customerKey));
  }
}

/** The digest's default schedule (DIGEST_SCHEDULE). */
const MONDAY_0800 = new Schedule('0 8 * * 1');

export interface MemoryApp {
  ctx: AppContext;
  customers: MemoryCustomers;
  measures: MemoryMeasures;
  appeals: MemoryAppeals;
  letters: MemoryLetters;
  incidents: MemoryIncidents;
  audit: MemoryAudit;
  conversations: MemoryConversations;
  outbox: MemoryOutbox;
  files: MemoryFiles;
  subscriptions: MemorySubscriptions;
  digest: MemoryDigest;
  /** Every batch of entries the use cases asked the outbox to send. */
  notified: { id: string; customerKey: string }[][];
  /** The warnings logged (ctx.log). */
  warnings: { fields: Record<string, string | number>; message: string }[];
}

/** An AppContext over in-memory ports, a directory and a fixed clock. */
export function memoryPorts(now: Date, directory: Directory): MemoryApp {
  const customers = new MemoryCustomers();
  const measures = new MemoryMeasures(customers);
  const appeals = new MemoryAppeals(customers);
  const letters = new MemoryLetters(customers);
  const incidents = new MemoryIncidents(customers);
  const audit = new MemoryAudit();
  const conversations = new MemoryConversations();
  const outbox = new MemoryOutbox();
  const files = new MemoryFiles();
  const subscriptions = new MemorySubscriptions();
  const digest = new MemoryDigest(customers, outbox);
  const notified: { id: string; customerKey: string }[][] = [];
  const warnings: MemoryApp['warnings'] = [];
  const ctx: AppContext = {
    cases: new MemoryCases(customers, audit, outbox),
    customers,
    incidents,
    measures,
    appeals,
    letters,
    conversations,
    audit,
    directory,
    outbox,
    nextDigestAt: (after) => MONDAY_0800.next(after),
    files,
    notify: (entries) => void notified.push([...entries]),
    now: () => now,
    newId: randomUUID,
    policyVersion: TEST_POLICY_VERSION,
    log: { warn: (fields, message) => void warnings.push({ fields, message }) },
    subscriptions,
    digest,
    botAppId: null,
  };
  return { ctx, customers, measures, appeals, letters, incidents, audit, conversations, outbox, files, subscriptions, digest, notified, warnings };
}

/** The same, with the sample directory (src/directory/local-directory.json). */
export async function memoryApp(now: Date, directory?: Directory): Promise<MemoryApp> {
  return memoryPorts(now, directory ?? (await FileDirectory.load(SAMPLE_DIRECTORY_FILE)));
}

/**
 * A port with some methods replaced (canned answers, spies), the rest as `base` does them: typed, so a stub that no
 * longer matches the port fails the typecheck.
 */
export function withMethods<T extends object>(base: T, methods: Partial<T>): T {
  return new Proxy(base, {
    get: (target, name, receiver) => {
      if (Object.hasOwn(methods, name)) return methods[name as keyof T];
      const value: unknown = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
