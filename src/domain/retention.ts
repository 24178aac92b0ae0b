import { addMonths } from './dates';
import type { Appeal } from './appeal';
import type { Measure } from './measure';
import type { AuditEvent, Incident } from './records';
import type { OutboxEntry } from './outbox';

/**
 * Retention (docs/rules.md#R-retention-period): a closed case is anonymised a configured number of months after it
 * closed. 72 months is a common social-landlord retention for anti-social behaviour case files; the landlord's data
 * protection officer confirms the figure (RETENTION_MONTHS).
 */
export const DEFAULT_RETENTION_MONTHS = 72;

/** A record as stored in a customer's records: its `type` says what it is. Types not known here are deleted, never copied. */
export interface CaseRecord {
  type: string;
  id: string;
  [field: string]: unknown;
}

/** Why a case is not closed (docs/rules.md#R-retention-closed). */
export type Kept = 'in-force' | 'pending' | 'legal-hold';

const of = <T>(records: readonly CaseRecord[], type: string) => records.filter((r) => r.type === type) as unknown as T[];

/**
 * Why a case is still open, or null when it is closed: no measure in force or awaiting sign-off; no open appeal, no
 * notice waiting to go and no decision still being written; and no legal hold. A measure ever escalated at review
 * (referred under the Community Safety Policy or for legal action, §8) holds the case: the referral's outcome is not
 * recorded here, so it is kept until someone decides otherwise.
 */
export function whyKept(records: readonly CaseRecord[], writing: boolean): Kept | null {
  const measures = of<Measure>(records, 'measure');
  if (measures.some((m) => m.status === 'active' || m.status === 'pending-sign-off')) return 'in-force';
  if (writing || of<Appeal>(records, 'appeal').some((a) => a.status === 'open')) return 'pending';
  if (of<OutboxEntry>(records, 'outbox').some((e) => e.status === 'pending')) return 'pending';
  if (measures.some((m) => (m.reviews ?? []).some((r) => r.outcome === 'escalated'))) return 'legal-hold';
  return null;
}

/** When the case closed: the latest date among its incidents, measures (proposed, decided, reviewed, lapsed) and appeals. */
export function closedOn(records: readonly CaseRecord[]): Date | null {
  const dates: (string | null | undefined)[] = [];
  for (const i of of<Incident>(records, 'incident')) dates.push(i.reportedAt, i.occurredAt);
  for (const m of of<Measure>(records, 'measure')) {
    dates.push(m.proposedAt, m.signOff?.requestedAt, m.signOff?.decision?.at, ...(m.reviews ?? []).map((r) => r.at));
    if (m.status === 'lapsed') dates.push(m.reviewDue);
  }
  for (const a of of<Appeal>(records, 'appeal')) dates.push(a.recordedAt, a.decision?.at, a.withdrawn?.at);
  const times = dates
    .filter((d): d is string => typeof d === 'string')
    .map(Date.parse)
    .filter(Number.isFinite);
  return times.length ? new Date(Math.max(...times)) : null;
}

export type RetentionVerdict = { due: true; closedOn: Date } | { due: false; why: Kept | 'not-yet' | 'empty' };

/** Whether a case's retention has passed at `now`: closed, and closed at least `months` ago. */
export function retentionVerdict(records: readonly CaseRecord[], writing: boolean, now: Date, months: number): RetentionVerdict {
  const why = whyKept(records, writing);
  if (why) return { due: false, why };
  const closed = closedOn(records);
  if (!closed) return { due: false, why: 'empty' };
  return addMonths(closed, months).getTime() <= now.getTime() ? { due: true, closedOn: closed } : { due: false, why: 'not-yet' };
}

/** The earliest a case could have closed for its retention to have passed at `now`. */
export function retentionCutoff(now: Date, months: number): Date {
  return addMonths(now, -months);
}

/**
 * What stays of a record once its case is anonymised (docs/rules.md#R-retention-what-stays): what statistics count —
 * categories, service areas, dates, kinds, statuses and outcomes — under the anonymous key, with its id mapped by
 * `idOf` (unlinkable to the original). Null: nothing of it stays (the summary, notices, letters, anything unknown).
 * Names, narratives, vulnerability notes, crime references, instructions, reasons, grounds, staff and references go.
 */
export function anonymised(record: CaseRecord, anonKey: string, idOf: (id: string) => string): CaseRecord | null {
  const base = { id: idOf(record.id), customerKey: anonKey, anonymised: true };
  switch (record.type) {
    case 'incident': {
      const i = record as unknown as Incident;
      return {
        type: 'incident',
        ...base,
        category: i.category,
        serviceArea: i.serviceArea,
        channel: i.channel,
        behaviours: i.behaviours,
        safetyFlags: i.safetyFlags,
        actions: i.actions,
        occurredAt: i.occurredAt,
        reportedAt: i.reportedAt,
        policyVersion: i.policyVersion,
      };
    }
    case 'measure': {
      const m = record as unknown as Measure;
      const decision = m.signOff?.decision;
      return {
        type: 'measure',
        ...base,
        kind: m.kind,
        status: m.status,
        interim: m.interim,
        serviceArea: m.serviceArea,
        proposedAt: m.proposedAt,
        reviewDue: m.reviewDue,
        notifyCustomer: m.notifyCustomer,
        adjustments: m.adjustments,
        signOff: m.signOff
          ? { requestedAt: m.signOff.requestedAt, decision: decision ? { outcome: decision.outcome, at: decision.at } : null }
          : null,
        reviews: (m.reviews ?? []).map((r) => ({ outcome: r.outcome, at: r.at, due: r.due })),
        policyVersion: m.policyVersion,
      };
    }
    case 'appeal': {
      const a = record as unknown as Appeal;
      return {
        type: 'appeal',
        ...base,
        measureId: idOf(a.measureId),
        measureKind: a.measureKind,
        status: a.status,
        appellant: { kind: a.appellant.kind },
        channel: a.channel,
        receivedOn: a.receivedOn,
        dueOn: a.dueOn,
        recordedAt: a.recordedAt,
        decision: a.decision ? { outcome: a.decision.outcome, at: a.decision.at } : null,
        withdrawnAt: a.withdrawn?.at ?? null,
      };
    }
    case 'audit': {
      const e = record as unknown as AuditEvent;
      return { type: 'audit', ...base, at: e.at, action: e.action };
    }
    default:
      return null;
  }
}
