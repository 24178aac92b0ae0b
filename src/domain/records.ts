import type { IncidentReport } from './incident';

/** What the app's record ids are made of (incident references, `:`, kinds, hashes, Entra ids): no path or query characters. */
export const RECORD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,159}$/;

/** Who did something: an Entra object id (or the channel's user id where there is none) and a display name. */
export interface Person {
  id: string;
  name: string;
}

/** A recorded incident (§4). `customerKey` names the customer: one customer's records are kept together. */
export interface Incident extends IncidentReport {
  type: 'incident';
  id: string;
  reference: string;
  customerKey: string;
  submissionKey: string;
  reporter: Person;
  reportedAt: string;
  policyVersion: string;
}

/** Append-only audit trail entry (docs/rules.md#R-audit-trail): who did what, when, to which record. */
export interface AuditEvent {
  type: 'audit';
  id: string;
  customerKey: string;
  at: string;
  actor: Person;
  action: string;
  subject: string;
  details?: Record<string, unknown>;
}

/** An audit event, with the id a repeat of the same act derives again (so it is recorded once). */
export function auditEvent(
  id: string,
  customerKey: string,
  at: Date,
  actor: Person,
  action: string,
  subject: string,
  details?: Record<string, unknown>,
): AuditEvent {
  return { type: 'audit', id, customerKey, at: at.toISOString(), actor, action, subject, ...(details ? { details } : {}) };
}
