import type { AuditEvent, Incident } from '../domain/records';
import type { Measure } from '../domain/measure';
import type { OutboxEntry } from '../domain/outbox';
import type { CustomerSummary, IncidentHeader } from '../domain/summary';
import type { Appeal } from '../domain/appeal';

/**
 * The ports the application owns: what it needs from storage, in its own words. `src/store/` implements them over
 * Cosmos DB; `test/support/memory-ports.ts` in memory, for fast use-case tests.
 */

/** The store's concurrency token for one read: opaque to the application, handed back to commit with. */
export interface Version {
  readonly etag: string;
}

/** A stored record and the version it was read at; versions sit beside values, never inside domain records. */
export interface Versioned<T> {
  readonly value: T;
  readonly version: Version;
}

/** A record a decision changes (a measure, an appeal): replaced together with the decision, only if still as it was read. */
export type Change<T extends Measure | Appeal = Measure | Appeal> = T extends unknown ? { type: 'change'; before: Versioned<T>; after: T } : never;

/**
 * What a decision writes besides its record: records created once each (deterministic ids, so a repeat is refused),
 * and measures changed, all together with the record.
 */
export type Effect = AuditEvent | OutboxEntry | Measure | Incident | Appeal | Change;

/** Records that decisions are made on: read with a version, committed only if still at that version. */
export interface DecisionRepository<T> {
  read(id: string, partition: string): Promise<Versioned<T> | null>;
  /**
   * Writes the decided record and its effects together (all or nothing, or completed later: src/store/batch.ts).
   * False when the record changed since it was read.
   */
  commit(current: Versioned<T>, next: T, effects: Effect[]): Promise<boolean>;
}

/**
 * Every decision about a customer (an incident reported, a measure proposed or decided) commits through their summary
 * (src/domain/summary.ts): read with a version, written with everything the decision creates or changes, only if still
 * at that version. So decisions about one customer never interleave, and the summary is never out of step.
 * `read(customerKey, customerKey)`: a customer with no records yet has an empty summary.
 */
export interface CustomerRepository extends DecisionRepository<CustomerSummary> {
  /** The summary as it is (one point read): what `check` shows. */
  summary(customerKey: string): Promise<CustomerSummary>;
}

export interface IncidentRepository {
  /**
   * Step 1 of recording: claims the reference this submission derives (unique forever). A retried submission gets its
   * own claim back (`fresh: false`), with the customer it was first made for. Step 2 is a decision about the customer.
   */
  claimReference(submissionKey: string, customerKey: string): Promise<{ reference: string; customerKey: string; fresh: boolean }>;
  read(reference: string, customerKey: string): Promise<Incident | null>;
  findByReference(reference: string): Promise<Incident | null>;
  /** The newest incidents one person reported (bounded: `my reports`). */
  reportedBy(personId: string, limit: number): Promise<Incident[]>;
  /** One customer's incidents reported before `before` (all when null), newest first, as lists show them. */
  history(customerKey: string, before: string | null, limit: number): Promise<IncidentHeader[]>;
}

export interface MeasureRepository {
  /** Loads a measure by id; null for an id that is not a measure in that partition (card data is never trusted). */
  read(id: string, customerKey: string): Promise<Versioned<Measure> | null>;
  /** Measures awaiting this person's sign-off, oldest first (bounded: `pending`). */
  awaitingSignOffBy(personId: string, limit?: number): Promise<Measure[]>;
  /** One customer's measures proposed before `before` (all when null), newest first. */
  history(customerKey: string, before: string | null, limit: number): Promise<Measure[]>;
  /** Active and lapsed measures of every customer whose review date is in [from, to), soonest first (bounded: `reviews`). */
  dueForReview(from: string, to: string, limit: number): Promise<ReviewDue[]>;
}

/** A measure as the `reviews` list shows it (§8). */
export type ReviewDue = Pick<Measure, 'id' | 'customerKey' | 'kind' | 'status' | 'interim' | 'reviewDue'>;

export interface AppealRepository {
  /** Loads an appeal by id; null for an id that is not an appeal in that partition. */
  read(id: string, customerKey: string): Promise<Versioned<Appeal> | null>;
  /** Open appeals this person may decide, soonest due first (bounded: `pending`). */
  awaitingDecisionBy(personId: string, limit?: number): Promise<Appeal[]>;
}

/** Where a pending outbox entry is and when it is next due: all the dispatcher keeps in memory, never the message. */
export interface OutboxPointer {
  id: string;
  customerKey: string;
  due: string;
}

/** The durable outbox the dispatcher delivers from (src/jobs/outbox-dispatcher.ts; docs/architecture.md#outbox). */
export interface Outbox {
  /** The pending index: pointers due by `now`, soonest first. One small read, whatever the history. */
  dueIndex(now: Date, limit: number): Promise<OutboxPointer[]>;
  /** The slow full scan: pending entries due by `now` in every customer's records (finds what the index lost in a crash). */
  scan(now: Date, limit: number): Promise<OutboxPointer[]>;
  read(id: string, customerKey: string): Promise<Versioned<OutboxEntry> | null>;
  /** Replaces an entry if unchanged since it was read (a claim, or a result); null when another instance got there first. */
  update(current: Versioned<OutboxEntry>, next: OutboxEntry): Promise<Versioned<OutboxEntry> | null>;
  /** Adds entries for one customer (deterministic ids: a repeat is harmless). */
  add(customerKey: string, entries: OutboxEntry[]): Promise<void>;
  /** Keeps the index in step: this entry is pending until `due` (added, or moved). */
  point(pointer: OutboxPointer): Promise<void>;
  /** Drops an entry's pointer once it is delivered or given up (no pointer is fine). */
  unpoint(id: string): Promise<void>;
}

/** Where a person or channel was last reachable, and whether Teams has said they are gone. */
export interface ConversationRecord {
  id: string;
  /** The Bot Framework conversation reference, stored as the channel gave it. */
  reference: Record<string, unknown>;
  /** The Teams user id (29:…) of the person, used in card refresh userIds. */
  userId: string | null;
  updatedAt: string;
  dead: { at: string; status: number } | null;
}

export interface AuditTrail {
  append(event: AuditEvent): Promise<void>;
}

/** Where people and channels can be reached proactively. */
export interface Conversations {
  /** A person's Teams user id (for card refresh `userIds`), if they have chatted with the bot. */
  userIdOf(personId: string): Promise<string | null>;
  remember(key: string, reference: Record<string, unknown>, userId: string | null, now: Date): Promise<void>;
  forget(key: string): Promise<void>;
  /** Every channel of a team (the bot removed from it, or the team archived or deleted). */
  forgetTeam(teamId: string): Promise<void>;
  get(key: string): Promise<ConversationRecord | null>;
  /** Teams answered 403/404: the bot was removed or blocked there. */
  markDead(key: string, status: number, now: Date): Promise<void>;
}

/** Roles (docs/rules.md#R-roles-from-directory). Every tenant user is staff; the others come from the directory. */
export type Role = 'staff' | 'case-manager' | 'head-of-service' | 'admin';

export interface DirectoryPerson {
  id: string;
  name: string;
  email?: string | undefined;
}

/** A service area and who signs off its decisions (§5.2) and decides its appeals (§7). */
export interface ServiceArea {
  id: string;
  name: string;
  headOfService: string;
  deputy: string | null;
  /** Other Heads of Service who decide, in this order, when the Head of Service and deputy took part (independence). */
  alternates: string[];
}

/** The directory port: Microsoft Graph in production, a JSON file locally. */
export interface Directory {
  person(id: string): Promise<DirectoryPerson | null>;
  isCaseManager(id: string): Promise<boolean>;
  isAdmin(id: string): Promise<boolean>;
  caseManagers(): Promise<DirectoryPerson[]>;
  /** The bot's administrators (told of overdue appeals; named to anyone who asks for what only they may do). */
  admins(): Promise<DirectoryPerson[]>;
  serviceAreas(): Promise<ServiceArea[]>;
}
