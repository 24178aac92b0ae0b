import type { Measure } from './measure';

/** The people a service area has to decide, in order (§5.2, §7): its Head of Service, the deputy, then alternates. */
export interface Deciders {
  headOfService: string;
  deputy: string | null;
  alternates: readonly string[];
}

/** Who took part in a measure: proposed it, reported an incident it rests on, or decided on it. */
export function involvedIn(m: Pick<Measure, 'proposedBy' | 'reporters' | 'deciders'>): Set<string> {
  return new Set([m.proposedBy.id, ...m.reporters, ...m.deciders]);
}

/** Who took part in a continuation at review (§8): its proposer (the reviewer) and the reporters; not earlier deciders. */
export function involvedInRenewal(m: Pick<Measure, 'reporters'>, reviewerId: string): Set<string> {
  return new Set([reviewerId, ...m.reporters]);
}

/**
 * Who may not decide the sign-off a measure awaits. A renewal (docs/rules.md#R-review-renewal-signoff) is decided
 * afresh: whoever signed the measure off before may sign its continuation off too; its reviewer may not.
 */
export function involvedInSignOff(m: Pick<Measure, 'proposedBy' | 'reporters' | 'deciders' | 'signOff'>): Set<string> {
  const renewal = m.signOff?.renewal;
  return renewal ? involvedInRenewal(m, renewal.by.id) : involvedIn(m);
}

/**
 * Independence (docs/rules.md#R-signoff-independent): nobody decides what they proposed, reported an incident for, or
 * already decided. The first two people on the area's list who took no part may decide (the second stands in for the
 * first); null when nobody independent is configured.
 */
export function independentDeciders(area: Deciders, involved: ReadonlySet<string>): { approverId: string | null; deputyId: string | null } {
  const free = [area.headOfService, area.deputy, ...area.alternates].filter((id): id is string => !!id && !involved.has(id));
  return { approverId: free[0] ?? null, deputyId: free[1] ?? null };
}
