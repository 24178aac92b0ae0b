import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/app/context';
import type {
  AuditTrail,
  ConversationRecord,
  Conversations,
  CustomerFile,
  DecisionRepository,
  Effect,
  IncidentRepository,
  MeasureRepository,
  Versioned,
} from '../../src/app/ports';
import type { Measure } from '../../src/domain/measure';
import type { AuditEvent, Incident } from '../../src/domain/records';
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

  protected addEffects(effects: Effect[]): void {
    for (const e of effects) if (!this.effects.some((x) => x.id === e.id)) this.effects.push(structuredClone(e));
  }
}

export class MemoryMeasures extends MemoryRecords<Measure> implements MeasureRepository {
  constructor() {
    super((m) => m.customerKey);
  }

  async create(measure: Measure, effects: Effect[]): Promise<'created' | 'exists'> {
    if (this.records.has(key(measure.id, measure.customerKey))) return 'exists';
    this.put(measure);
    this.addEffects(effects);
    return 'created';
  }

  async addSignOffMessage(id: string, customerKey: string, message: { conversationKey: string; activityId: string }): Promise<Measure | null> {
    const stored = this.records.get(key(id, customerKey));
    if (!stored) return null;
    this.put({ ...stored.value, signOffMessages: [...stored.value.signOffMessages, message] });
    return structuredClone(this.records.get(key(id, customerKey))!.value);
  }

  async awaitingSignOffBy(personId: string, limit = 20): Promise<Measure[]> {
    return this.values()
      .filter((m) => m.status === 'pending-sign-off' && (m.signOff?.approverId === personId || m.signOff?.deputyId === personId))
      .sort((a, b) => a.proposedAt.localeCompare(b.proposedAt))
      .slice(0, limit);
  }
}

export class MemoryIncidents implements IncidentRepository {
  readonly incidents = new Map<string, Incident>();
  readonly claims = new Map<string, { submissionKey: string; customerKey: string }>();
  readonly effects: Effect[] = [];

  constructor(private readonly measures: MemoryMeasures) {}

  async claimReference(submissionKey: string, customerKey: string): Promise<{ reference: string; customerKey: string }> {
    for (let attempt = 0; ; attempt++) {
      const reference = referenceFor(submissionKey, attempt);
      const claim = this.claims.get(reference);
      if (!claim) {
        this.claims.set(reference, { submissionKey, customerKey });
        return { reference, customerKey };
      }
      if (claim.submissionKey === submissionKey) return { reference, customerKey: claim.customerKey };
    }
  }

  async record(incident: Incident, effects: Effect[]): Promise<'created' | 'exists'> {
    if (this.incidents.has(incident.reference)) return 'exists';
    this.incidents.set(incident.reference, structuredClone(incident));
    for (const e of effects) if (e.type === 'measure') void this.measures.create(e, []);
    this.effects.push(...effects.filter((e) => e.type !== 'measure'));
    return 'created';
  }

  async read(reference: string, customerKey: string): Promise<Incident | null> {
    const found = this.incidents.get(reference);
    return found?.customerKey === customerKey ? structuredClone(found) : null;
  }

  async findByReference(reference: string): Promise<Incident | null> {
    return structuredClone(this.incidents.get(reference) ?? null);
  }

  async reportedBy(personId: string, limit: number): Promise<Incident[]> {
    return [...this.incidents.values()]
      .filter((i) => i.reporter.id === personId)
      .sort((a, b) => b.reportedAt.localeCompare(a.reportedAt))
      .slice(0, limit);
  }

  async customerFile(customerKey: string): Promise<CustomerFile> {
    const incidents = [...this.incidents.values()].filter((i) => i.customerKey === customerKey);
    const newest = incidents.sort((a, b) => b.reportedAt.localeCompare(a.reportedAt))[0];
    return {
      measures: this.measures.values().filter((m) => m.customerKey === customerKey),
      incidentCount: incidents.length,
      customerName: newest?.customerName ?? null,
    };
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
  async forget(key: string): Promise<void> {
    this.records.delete(key);
  }
  async get(key: string): Promise<ConversationRecord | null> {
    return structuredClone(this.records.get(key) ?? null);
  }
  async markDead(key: string, status: number, now: Date): Promise<void> {
    const record = this.records.get(key);
    if (record) this.records.set(key, { ...record, dead: { at: now.toISOString(), status } });
  }
}

export interface MemoryApp {
  ctx: AppContext;
  measures: MemoryMeasures;
  incidents: MemoryIncidents;
  audit: MemoryAudit;
  conversations: MemoryConversations;
  /** Every batch of entries the use cases asked the outbox to send. */
  notified: { id: string; customerKey: string }[][];
}

/** An AppContext over in-memory ports, a directory and a fixed clock. */
export function memoryPorts(now: Date, directory: Directory): MemoryApp {
  const measures = new MemoryMeasures();
  const incidents = new MemoryIncidents(measures);
  const audit = new MemoryAudit();
  const conversations = new MemoryConversations();
  const notified: { id: string; customerKey: string }[][] = [];
  const ctx: AppContext = {
    incidents,
    measures,
    conversations,
    audit,
    directory,
    notify: (entries) => void notified.push([...entries]),
    now: () => now,
    newId: randomUUID,
    policyVersion: TEST_POLICY_VERSION,
  };
  return { ctx, measures, incidents, audit, conversations, notified };
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
