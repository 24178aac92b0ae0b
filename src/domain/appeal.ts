import type { Person } from './records';

/**
 * An appeal against a measure in force (§7): recorded by a case manager, decided by a Head of Service who took no part
 * in the measure (docs/rules.md#R-signoff-independent) within 10 working days.
 */
export type AppealOutcome = 'upheld' | 'overturned' | 'varied';

export interface Appeal {
  type: 'appeal';
  id: string;
  customerKey: string;
  /** The measure appealed against. */
  measureId: string;
  status: 'open' | AppealOutcome | 'withdrawn';
  appellant: { kind: 'customer' | 'representative'; name: string | null };
  /** How it arrived. */
  channel: 'letter' | 'email' | 'telephone' | 'in-person' | 'online';
  /** UK calendar days, YYYY-MM-DD. */
  receivedOn: string;
  dueOn: string;
  grounds: string;
  recordedBy: Person;
  recordedAt: string;
  /** Who may decide: independent of everyone involved in the measure, its whole history. */
  approverId: string | null;
  deputyId: string | null;
  decision: { outcome: AppealOutcome; by: Person; at: string; reasons: string; variedTo: string | null } | null;
  withdrawn: { on: string; by: Person; at: string } | null;
  policyVersion: string;
}
