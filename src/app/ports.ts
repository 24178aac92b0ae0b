import type { AuditEvent, Incident } from '../domain/records';
import type { Measure } from '../domain/measure';
import type { RegisterRecord } from '../domain/register';
import type { OutboxEntry } from '../domain/outbox';
import type { CustomerSummary, IncidentHeader } from '../domain/summary';
import type { Appeal } from '../domain/appeal';
import type { LetterRecord } from '../domain/letter-record';
import type { DigestSubscription, FailedNoticeRow, IncidentRow, MeasureRow } from '../domain/digest';
import type { JobName, JobReport } from './jobs';
import type { CaseRecord } from '../domain/retention';

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

/** A record a decision changes (a measure, an appeal, a letter): replaced together with the decision, only if still as it was read. */
export type Change<T extends Measure | Appeal | LetterRecord = Measure | Appeal | LetterRecord> = T extends unknown
  ? { type: 'change'; before: Versioned<T>; after: T }
  : never;

/**
 * What a decision writes besides its record: records created once each (deterministic ids, so a repeat is refused),
 * and measures changed, all together with the record.
 */
export type Effect = AuditEvent | OutboxEntry | Measure | Incident | Appeal | LetterRecord | Change;

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
  /** Every customer's measures awaiting sign-off, oldest proposal first, the first `limit` page by page (the reminders). */
  awaitingSignOff(limit: number, page: string | null): Promise<Page<SignOffWaiting>>;
  /** Every customer's active measures whose review date is in [from, to), soonest first, page by page (reminders, lapses). */
  activeByReviewDate(from: string, to: string, limit: number, page: string | null): Promise<Page<ActiveReview>>;
  /** Every customer's active measures and interim ones awaiting sign-off, page by page: what the register exports. */
  inForce(limit: number, page: string | null): Promise<Page<RegisterRecord>>;
}

/** A measure as the `reviews` list shows it (§8). */
export type ReviewDue = Pick<Measure, 'id' | 'customerKey' | 'kind' | 'status' | 'interim' | 'reviewDue'>;

/** One page of a long list, and where the next one starts (null: this was the last). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/** A measure awaiting sign-off as its reminders need it (§5.2), with the first incident it rests on (to open the case by). */
export type SignOffWaiting = Pick<Measure, 'id' | 'customerKey' | 'kind' | 'status' | 'interim' | 'signOff'> & { firstIncident: string };

/** An active measure by its review date (§8): who proposed it, for its review reminders. */
export type ActiveReview = Pick<Measure, 'id' | 'customerKey' | 'kind' | 'status' | 'reviewDue' | 'proposedBy'>;

export interface AppealRepository {
  /** Loads an appeal by id; null for an id that is not an appeal in that partition. */
  read(id: string, customerKey: string): Promise<Versioned<Appeal> | null>;
  /** Open appeals this person may decide, soonest due first (bounded: `pending`). */
  awaitingDecisionBy(personId: string, limit?: number): Promise<Appeal[]>;
  /** Every customer's open appeals due by `until` (a UK day), soonest first, the first `limit` page by page (reminders). */
  openDueBy(until: string, limit: number, page: string | null): Promise<Page<AppealWaiting>>;
}

/** Letter drafts stored with their decisions (docs/rules.md#R-letter-stored). */
export interface LetterRepository {
  /** Loads a letter by id; null for an id that is not a letter in that partition (card data is never trusted). */
  read(id: string, customerKey: string): Promise<Versioned<LetterRecord> | null>;
  /** Every customer's letters not recorded as sent whose last day is before `day`, oldest first, page by page. */
  unsentDueBefore(day: string, limit: number, page: string | null): Promise<Page<UnsentLetter>>;
}

/** A letter not recorded as sent, as overdue counts and reminders need it (never its values). */
export type UnsentLetter = Pick<LetterRecord, 'id' | 'customerKey' | 'kind' | 'serviceArea' | 'incidentRef' | 'createdAt' | 'sendBy' | 'status'>;

/** An open appeal as its reminders need it (§7). */
export type AppealWaiting = Pick<
  Appeal,
  'id' | 'customerKey' | 'measureId' | 'measureKind' | 'status' | 'receivedOn' | 'dueOn' | 'approverId' | 'deputyId'
>;

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
  /** Teams refused a message there (its HTTP status), or the person removed the bot from their personal chat (null). */
  dead: { at: string; status: number | null } | null;
}

export interface AuditTrail {
  append(event: AuditEvent): Promise<void>;
}

/** What the application tells operators (src/log.ts): ids, codes and counts, never names or free text. */
export interface AppLog {
  warn(fields: Record<string, string | number>, message: string): void;
}

/** Where people and channels can be reached proactively. */
export interface Conversations {
  /** A person's Teams user id (for card refresh `userIds`), if they have chatted with the bot. */
  userIdOf(personId: string): Promise<string | null>;
  remember(key: string, reference: Record<string, unknown>, userId: string | null, now: Date): Promise<void>;
  /**
   * Saves a chat the bot started itself (installed through Graph) unless one is already known: the reference Teams sends
   * when the app is installed (with the person's Teams user id) wins, whichever arrives first.
   */
  introduce(key: string, reference: Record<string, unknown>, now: Date): Promise<void>;
  forget(key: string): Promise<void>;
  /** Every channel of a team (the bot removed from it, or the team archived or deleted). */
  forgetTeam(teamId: string): Promise<void>;
  get(key: string): Promise<ConversationRecord | null>;
  /**
   * Teams answered 403/404: the bot was removed or blocked there; or (status null) the person removed the bot from their
   * personal chat. Kept, so the bot is never installed for them again (docs/rules.md#R-outbox-install).
   */
  markDead(key: string, status: number | null, now: Date): Promise<void>;
}

/**
 * Installs the bot for a person who has never chatted with it, through Microsoft Graph, so it can reach them
 * (docs/rules.md#R-outbox-install): the reference of their personal chat with the bot, or why not.
 */
export interface Installer {
  reach(personId: string): Promise<Installation>;
}

/**
 * `status`: Microsoft Graph's HTTP status (404 too when the app is not in the organisation's catalogue), or null when
 * there was no answer in time (or Teams' address is not known yet); `why` is in words a case manager can act on.
 */
export type Installation =
  { installed: true; reference: Record<string, unknown> } | { installed: false; status: number | null; retryAfterMs: number | null; why: string };

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
  /** In the data protection team, who answer subject access requests (docs/rules.md#R-export-who); none configured: nobody. */
  isDataProtection(id: string): Promise<boolean>;
  caseManagers(): Promise<DirectoryPerson[]>;
  /** The bot's administrators (told of overdue appeals; named to anyone who asks for what only they may do). */
  admins(): Promise<DirectoryPerson[]>;
  serviceAreas(): Promise<ServiceArea[]>;
}

/** A finished run of a scheduled job, kept on its lease for whoever looks (never the job's data). */
export interface JobRun {
  slot: string;
  startedAt: string;
  finishedAt: string;
  report: JobReport;
  /** By the schedule, or asked for through `POST /api/jobs/:name`. */
  trigger: 'schedule' | 'request';
}

/** One scheduled job's lease (src/jobs/scheduler.ts; docs/architecture.md#jobs): who runs it now, and what ran last. */
export interface JobLease {
  /** The instance running the job, until `expiresAt`; both null when nobody is. */
  holder: string | null;
  expiresAt: string | null;
  /** The last slot the schedule ran (at first sight: when the job was first seen). The next due is the first after it. */
  lastSlot: string;
  lastRun: JobRun | null;
}

/** The jobs' leases, each written only if unchanged since it was read: how instances agree who runs a job. */
export interface JobLeases {
  read(job: JobName): Promise<Versioned<JobLease> | null>;
  /** Creates the lease; null when another instance created it first. */
  create(job: JobName, lease: JobLease): Promise<Versioned<JobLease> | null>;
  /** Replaces the lease if unchanged since `current` was read; null when another instance changed it first. */
  replace(job: JobName, current: Versioned<JobLease>, next: JobLease): Promise<Versioned<JobLease> | null>;
}

/** Each channel's subscription to the weekly digest (docs/rules.md#R-digest-subscription): one per channel. */
export interface DigestSubscriptions {
  get(channelKey: string): Promise<DigestSubscription | null>;
  /** Creates the channel's subscription, or replaces it (a new area). */
  save(subscription: DigestSubscription): Promise<void>;
  /** Ends the channel's subscription (none is fine). */
  end(channelKey: string): Promise<void>;
  /** Ends the subscriptions of every channel of a team: the bot removed from it, the team archived or deleted. */
  endTeam(teamId: string): Promise<void>;
  all(): Promise<DigestSubscription[]>;
}

/** An open appeal as the digest reads it: the measure appealed against (whose service area it counts under). */
export interface OpenAppealRow {
  measureId: string;
  customerKey: string;
  dueOn: string;
}

/**
 * What the weekly digest counts (src/store/digest.ts), page by page, the first `limit` of each list: only the fields
 * counted, of records in a date range or still open, so a digest's cost never grows with years of history
 * (docs/rules.md#R-digest-figures).
 */
export interface DigestRecords {
  /** Incidents reported in [from, to). */
  incidentsReported(from: string, to: string, limit: number, page: string | null): Promise<Page<IncidentRow>>;
  /** Measures with this status whose review date is at or after `reviewFrom` ('' for all of them). */
  measures(status: 'pending-sign-off' | 'active' | 'lapsed', reviewFrom: string, limit: number, page: string | null): Promise<Page<MeasureRow>>;
  openAppeals(limit: number, page: string | null): Promise<Page<OpenAppealRow>>;
  /** Outbox entries queued in [from, to) that could not be delivered. */
  failedNotices(from: string, to: string, limit: number, page: string | null): Promise<Page<FailedNoticeRow>>;
}

/** Every record held about one customer, as stored (a subject access export, docs/rules.md#R-export-everything). */
export interface CaseRecords {
  /** Only that customer's: their partition, the key matched exactly (never a prefix). */
  everything(customerKey: string): Promise<CaseRecord[]>;
}

/** One customer's records as retention reads them (src/domain/retention.ts), and their summary's version. */
export interface RetainedCase {
  customerKey: string;
  records: CaseRecord[];
  /** The summary still carries effects being written (a decision half done): the case is not closed yet. */
  writing: boolean;
  /** The summary's version: the move stops, changing nothing, if a decision is made about the customer meanwhile. */
  version: Version | null;
}

/** How one move ended: done (counts only), or stopped because the case changed meanwhile, or too large for one move. */
export type MoveOutcome = { done: true; copied: number; deleted: number } | { done: false; why: 'changed' | 'too-large' };

/**
 * Retention's reads and its move (docs/architecture.md#retention): a case's records anonymised into a new, random
 * partition and the originals deleted, crash-safe and idempotent.
 */
export interface RetentionRecords {
  /** Customers with nothing open on their summary whose newest incident was reported before `before`, page by page. */
  candidates(before: string, limit: number, page: string | null): Promise<Page<string>>;
  /** Customers whose move a crash left half done (their records move on: `finish`). */
  unfinished(limit: number): Promise<string[]>;
  caseOf(customerKey: string): Promise<RetainedCase>;
  /** Moves a case whose retention has passed: `anonKey` is its new partition, `salt` makes the copies' ids unlinkable. */
  move(c: RetainedCase, plan: { anonKey: string; salt: string; closedOn: string; months: number }, now: Date): Promise<MoveOutcome>;
  /** Completes (or, if the case changed before the point of no return, undoes) a move a crash left half done. */
  finish(customerKey: string, now: Date): Promise<MoveOutcome | null>;
}

/** A file the bot hands a person (docs/architecture.md#files): a letter draft, the register, a subject access export. */
export interface OutgoingFile {
  /** The file's name as the person sees it, e.g. `register-2026-11-30.csv` (letters, digits, `.`, `-`, `_` only). */
  name: string;
  contentType: string;
  bytes: Uint8Array;
  /** One line saying what it is, shown beside it. Never a narrative or a customer's name. */
  description: string;
  /** Where the document library files it, e.g. `letters/T004512` (the personal-chat copy has no folder). */
  folder: string;
}

/** Where a file went: saved in the document library (a link to it), or offered in the person's personal chat (sent once they accept). */
export type FileDelivery = { where: 'library'; url: string } | { where: 'chat'; offerId: string };

/**
 * The one governed way files leave the bot: saved to the configured SharePoint document library through Graph; where
 * none is configured, offered as a file in the person's personal chat (Teams asks them to accept it). Throws a
 * FileDeliveryError (src/app/files.ts) with words a person can act on when neither is possible.
 */
export interface Files {
  deliver(to: { id: string; name: string }, file: OutgoingFile, now: Date): Promise<FileDelivery>;
}
