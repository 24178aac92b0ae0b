import type { AuditEvent, Incident } from '../domain/records';
import type { Measure } from '../domain/measure';
import type { OutboxEntry } from '../domain/outbox';

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

/** What a decision writes besides its record: created once each (deterministic ids), together with the record. */
export type Effect = AuditEvent | OutboxEntry | Measure;

/** Records that decisions are made on: read with a version, committed only if still at that version. */
export interface DecisionRepository<T> {
  read(id: string, partition: string): Promise<Versioned<T> | null>;
  /**
   * Writes the decided record and its effects together (all or nothing, or completed later: src/store/batch.ts).
   * False when the record changed since it was read.
   */
  commit(current: Versioned<T>, next: T, effects: Effect[]): Promise<boolean>;
}

/** A customer's measures and how many incidents they have: what `check` and `case` show. */
export interface CustomerFile {
  measures: Measure[];
  incidentCount: number;
  customerName: string | null;
}

export interface IncidentRepository {
  /**
   * Step 1 of recording: claims the reference this submission derives (unique forever). A retried submission gets its
   * own claim back, with the customer it was first made for.
   */
  claimReference(submissionKey: string, customerKey: string): Promise<{ reference: string; customerKey: string }>;
  /** Step 2: the incident and its effects; `exists` when this reference was recorded before (a retry). */
  record(incident: Incident, effects: Effect[]): Promise<'created' | 'exists'>;
  read(reference: string, customerKey: string): Promise<Incident | null>;
  findByReference(reference: string): Promise<Incident | null>;
  reportedBy(personId: string, limit: number): Promise<Incident[]>;
  customerFile(customerKey: string): Promise<CustomerFile>;
}

export interface MeasureRepository extends DecisionRepository<Measure> {
  /** A new measure and what follows from it; `exists` for a repeat of the same proposal (same id), which changes nothing. */
  create(measure: Measure, effects: Effect[]): Promise<'created' | 'exists'>;
  awaitingSignOffBy(personId: string, limit?: number): Promise<Measure[]>;
  /** Records a sent sign-off card's message id on its measure (so every copy is updated once decided); the measure now. */
  addSignOffMessage(id: string, customerKey: string, message: { conversationKey: string; activityId: string }): Promise<Measure | null>;
}

/** The durable outbox the dispatcher delivers from (src/jobs/outbox-dispatcher.ts). */
export interface Outbox {
  /** Entries due now, oldest first. */
  due(now: Date, limit: number): Promise<Versioned<OutboxEntry>[]>;
  read(id: string, customerKey: string): Promise<Versioned<OutboxEntry> | null>;
  /** Replaces an entry if unchanged since it was read (a claim, or a result); null when another instance got there first. */
  update(current: Versioned<OutboxEntry>, next: OutboxEntry): Promise<Versioned<OutboxEntry> | null>;
  /** Adds entries for one customer (deterministic ids: a repeat is harmless). */
  add(customerKey: string, entries: OutboxEntry[]): Promise<void>;
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
}

/** The directory port: Microsoft Graph in production, a JSON file locally. */
export interface Directory {
  person(id: string): Promise<DirectoryPerson | null>;
  isCaseManager(id: string): Promise<boolean>;
  isAdmin(id: string): Promise<boolean>;
  caseManagers(): Promise<DirectoryPerson[]>;
  serviceAreas(): Promise<ServiceArea[]>;
}
