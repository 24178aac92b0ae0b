import type { Measure } from '../../domain/measure';
import type { OutboxEntry } from '../../domain/outbox';
import { MEASURE_KINDS } from '../../domain/measure';
import { independentDeciders, involvedInSignOff } from '../../domain/independence';
import { signOffKey } from '../../domain/signoff';
import { serviceAreaById } from '../roles';
import type { AppContext } from '../context';
import type { Effect, Versioned } from '../ports';
import { askedIds, decidersNamed, nobodyToDecide, requestCards, requestUpdates } from '../decisions/requests';
import type { SignOffPeople } from './views';

/** Who a sign-off card names (with their role) and whose Teams ids get its refresh. */
export async function peopleFor(ctx: AppContext, m: Measure): Promise<SignOffPeople> {
  return decidersNamed(ctx, m.signOff!.serviceArea, m.signOff!);
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
export function nobodyIndependent(ctx: AppContext, m: Measure, occasion: string, now: Date): Promise<OutboxEntry[]> {
  return nobodyToDecide(
    ctx,
    m,
    { id: `${signOffKey(m)}:nobody:${occasion}`, title: 'Nobody independent can sign off', what: MEASURE_KINDS[m.kind].label },
    now,
  );
}

/** The people asked to decide a measure (§5.2). */
function asked(m: Measure): string[] {
  return m.signOff ? askedIds(m.signOff) : [];
}

// Named by the round of sign-off: a renewal at review (§8) is asked afresh.
const requestId = (m: Measure, personId: string) => `${signOffKey(m)}:signoff:${personId}`;

/**
 * The sign-off cards for the Head of Service and deputy (§5.2), queued with the measure that needs them. Each card is
 * rendered when it is delivered, from the measure as it is then, so it never goes out of date.
 */
export function signOffRequests(m: Measure, now: Date): OutboxEntry[] {
  if (!m.signOff) return [];
  return requestCards(m.customerKey, m.signOff, (p) => requestId(m, p), { measureId: m.id }, `Sign-off needed: customer ${m.customerKey}`, now);
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
  return m.signOff ? requestUpdates(signOffKey(m), m.customerKey, m.signOff, (p) => requestId(m, p), occasion, now) : [];
}

/**
 * A measure awaiting sign-off that changed (a further incident added): independence is checked again, since the new
 * reporter may be one of those asked. Those still asked see their card updated; anyone newly asked gets a card; anyone
 * no longer asked sees, on their copy, who decides now. Nobody is asked twice.
 */
export async function reassessed(ctx: AppContext, before: Versioned<Measure>, changed: Measure, occasion: string, now: Date): Promise<Effect[]> {
  const s = changed.signOff!;
  const deciders = await askIndependent(ctx, s.serviceArea, involvedInSignOff(changed));
  const after: Measure = { ...changed, signOff: { ...s, ...deciders } };
  const wasAsked = new Set(asked(before.value));
  const newly = signOffRequests(after, now).filter((e) => e.recipient.kind === 'person' && !wasAsked.has(e.recipient.personId));
  const nobody = deciders.approverId ? [] : await nobodyIndependent(ctx, after, occasion, now);
  return [{ type: 'change', before, after }, ...signOffUpdates(before.value, occasion, now), ...newly, ...nobody];
}
