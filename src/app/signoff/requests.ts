import type { Measure } from '../../domain/measure';
import { outboxEntry, type OutboxEntry } from '../../domain/outbox';
import { MEASURE_KINDS } from '../../domain/measure';
import { independentDeciders, involvedIn } from '../../domain/independence';
import { serviceAreaById } from '../roles';
import type { AppContext } from '../context';
import { noticeTo } from '../notices';
import type { Effect, ServiceArea, Versioned } from '../ports';
import type { SignOffPeople } from './views';

/** A person's part in a service area's decisions, as cards name it. */
function roleIn(area: ServiceArea | null, id: string): string {
  if (area?.headOfService === id) return 'Head of Service';
  if (area?.deputy === id) return 'deputy';
  return 'alternate Head of Service';
}

/** Who a sign-off card names (with their role) and whose Teams ids get its refresh. */
export async function peopleFor(ctx: AppContext, m: Measure): Promise<SignOffPeople> {
  const s = m.signOff!;
  const area = await serviceAreaById(ctx.directory, s.serviceArea);
  const named = async (id: string | null) => (id ? `${(await ctx.directory.person(id))?.name ?? 'a Head of Service'} (${roleIn(area, id)})` : null);
  const [approverName, deputyName, ...userIds] = await Promise.all([
    named(s.approverId),
    named(s.deputyId),
    ...asked(m).map((id) => ctx.conversations.userIdOf(id)),
  ]);
  return {
    approverName: approverName ?? null,
    deputyName: deputyName ?? null,
    serviceAreaName: area?.name ?? s.serviceArea,
    userIds: userIds.filter((u): u is string => !!u),
  };
}

/**
 * Who is asked to decide, independent of everyone involved (src/domain/independence.ts). When nobody independent is
 * configured, the case managers are told by name, so the decision is never silently stuck.
 */
export async function askIndependent(
  ctx: AppContext,
  areaId: string,
  involved: ReadonlySet<string>,
): Promise<{ approverId: string | null; deputyId: string | null }> {
  const area = await serviceAreaById(ctx.directory, areaId);
  return area ? independentDeciders(area, involved) : { approverId: null, deputyId: null };
}

/** The case managers' notice that nobody independent can decide this measure: who took part, and what to do. */
export async function nobodyIndependent(ctx: AppContext, m: Measure, occasion: string, now: Date): Promise<OutboxEntry[]> {
  const names = await Promise.all([...involvedIn(m)].map(async (id) => (await ctx.directory.person(id))?.name ?? id));
  const notice = {
    title: `Nobody independent can sign off: customer ${m.customerKey}`,
    text: `${MEASURE_KINDS[m.kind].label} needs a Head of Service's decision, but everyone configured for ${m.serviceArea} took part (${names.join(', ')}). Ask an admin to add an alternate Head of Service to the area; until then it waits.`,
    color: 'Attention' as const,
  };
  const managers = await ctx.directory.caseManagers();
  return managers.map((cm) => noticeTo(`${m.id}:nobody:${occasion}:${cm.id}`, m.customerKey, cm.id, notice, now));
}

/** The people asked to decide a measure (§5.2). */
function asked(m: Measure): string[] {
  return m.signOff ? [m.signOff.approverId, m.signOff.deputyId].filter((id): id is string => !!id) : [];
}

const requestId = (m: Measure, personId: string) => `${m.id}:signoff:${personId}`;

/**
 * The sign-off cards for the Head of Service and deputy (§5.2), queued with the measure that needs them. Each card is
 * rendered when it is delivered, from the measure as it is then, so it never goes out of date.
 */
export function signOffRequests(m: Measure, now: Date): OutboxEntry[] {
  const summary = `Sign-off needed: customer ${m.customerKey}`;
  return asked(m).map((personId) =>
    outboxEntry(requestId(m, personId), m.customerKey, { kind: 'person', personId }, { kind: 'show', subject: { measureId: m.id }, summary }, now),
  );
}

/** What asking for a sign-off writes: the cards to those who may decide, or, when nobody independent can, the case managers told. */
export async function askedToDecide(ctx: AppContext, m: Measure, occasion: string, now: Date): Promise<OutboxEntry[]> {
  if (!m.signOff) return [];
  return m.signOff.approverId ? signOffRequests(m, now) : nobodyIndependent(ctx, m, occasion, now);
}

/**
 * Brings every sign-off card sent for this measure up to date (after a decision, or a further incident): once per
 * `occasion`, each copy is replaced by the measure's card as it is when the update is delivered.
 */
export function signOffUpdates(m: Measure, occasion: string, now: Date): OutboxEntry[] {
  return asked(m).map((personId) =>
    outboxEntry(
      `${m.id}:update:${occasion}:${personId}`,
      m.customerKey,
      { kind: 'person', personId },
      { kind: 'update', of: requestId(m, personId) },
      now,
      { fallback: false },
    ),
  );
}

/**
 * A measure awaiting sign-off that changed (a further incident added): independence is checked again, since the new
 * reporter may be one of those asked. Those still asked see their card updated; anyone newly asked gets a card; anyone
 * no longer asked sees, on their copy, who decides now. Nobody is asked twice.
 */
export async function reassessed(ctx: AppContext, before: Versioned<Measure>, changed: Measure, occasion: string, now: Date): Promise<Effect[]> {
  const s = changed.signOff!;
  const deciders = await askIndependent(ctx, s.serviceArea, involvedIn(changed));
  const after: Measure = { ...changed, signOff: { ...s, ...deciders } };
  const wasAsked = new Set(asked(before.value));
  const newly = signOffRequests(after, now).filter((e) => e.recipient.kind === 'person' && !wasAsked.has(e.recipient.personId));
  const nobody = deciders.approverId ? [] : await nobodyIndependent(ctx, after, occasion, now);
  return [{ type: 'change', before, after }, ...signOffUpdates(before.value, occasion, now), ...newly, ...nobody];
}
