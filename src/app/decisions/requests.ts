import { involvedIn } from '../../domain/independence';
import type { Measure } from '../../domain/measure';
import { outboxEntry, type OutboxEntry, type Subject } from '../../domain/outbox';
import type { AppContext } from '../context';
import { noticeTo } from '../notices';
import type { ServiceArea } from '../ports';
import { serviceAreaById } from '../roles';
import type { SignOffPeople } from '../signoff/views';

/**
 * Asking people to decide, for every decision type (sign-off §5.2, appeals §7): who is asked, the cards sent to them
 * (rendered at delivery from their subject), their updates, and the case managers' notice when nobody independent can.
 */

/** The two asked to decide a record (src/domain/independence.ts); null when nobody independent is configured. */
export interface Asked {
  approverId: string | null;
  deputyId: string | null;
}

export const askedIds = (a: Asked): string[] => [a.approverId, a.deputyId].filter((id): id is string => !!id);

/** A person's part in a service area's decisions, as cards name it. */
function roleIn(area: ServiceArea | null, id: string): string {
  if (area?.headOfService === id) return 'Head of Service';
  if (area?.deputy === id) return 'deputy';
  return 'alternate Head of Service';
}

/** Who a decision card names (each with their role in the area) and whose Teams ids get its refresh. */
export async function decidersNamed(ctx: AppContext, areaId: string, asked: Asked): Promise<SignOffPeople> {
  const area = await serviceAreaById(ctx.directory, areaId);
  const named = async (id: string | null) => (id ? `${(await ctx.directory.person(id))?.name ?? 'a Head of Service'} (${roleIn(area, id)})` : null);
  const [approverName, deputyName, ...userIds] = await Promise.all([
    named(asked.approverId),
    named(asked.deputyId),
    ...askedIds(asked).map((id) => ctx.conversations.userIdOf(id)),
  ]);
  return {
    approverName: approverName ?? null,
    deputyName: deputyName ?? null,
    serviceAreaName: area?.name ?? areaId,
    userIds: userIds.filter((u): u is string => !!u),
  };
}

/** The cards asking each person to decide, queued with the record that needs them; each rendered when delivered. */
export function requestCards(
  customerKey: string,
  asked: Asked,
  requestId: (personId: string) => string,
  subject: Subject,
  summary: string,
  now: Date,
): OutboxEntry[] {
  return askedIds(asked).map((personId) =>
    outboxEntry(requestId(personId), customerKey, { kind: 'person', personId }, { kind: 'show', subject, summary }, now),
  );
}

/** Brings every request card sent up to date: once per `occasion`, each copy replaced by its card as it is when delivered. */
export function requestUpdates(
  recordId: string,
  customerKey: string,
  asked: Asked,
  requestId: (personId: string) => string,
  occasion: string,
  now: Date,
): OutboxEntry[] {
  return askedIds(asked).map((personId) =>
    outboxEntry(
      `${recordId}:update:${occasion}:${personId}`,
      customerKey,
      { kind: 'person', personId },
      { kind: 'update', of: requestId(personId) },
      now,
      { fallback: false },
    ),
  );
}

/**
 * The case managers' notice that nobody independent can decide (`what` waits, on measure `m`): who took part, by name,
 * and what to do. So a decision is never silently stuck.
 */
export async function nobodyToDecide(
  ctx: AppContext,
  m: Measure,
  notice: { id: string; title: string; what: string },
  now: Date,
): Promise<OutboxEntry[]> {
  // The directory's names first; else the names the measure recorded (a reporter who has left), else the id.
  const recorded = new Map([m.proposedBy, ...m.notifyOnDecision].map((p) => [p.id, p.name]));
  const names = await Promise.all([...involvedIn(m)].map(async (id) => (await ctx.directory.person(id))?.name ?? recorded.get(id) ?? id));
  const card = {
    title: `${notice.title}: customer ${m.customerKey}`,
    text: `${notice.what} needs a Head of Service's decision, but everyone configured for ${m.serviceArea} took part (${names.join(', ')}). Ask an admin to add an alternate Head of Service to the area; until then it waits.`,
    color: 'Attention' as const,
  };
  const managers = await ctx.directory.caseManagers();
  return managers.map((cm) => noticeTo(`${notice.id}:${cm.id}`, m.customerKey, cm.id, card, now));
}
