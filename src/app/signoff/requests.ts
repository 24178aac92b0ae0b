import type { Measure } from '../../domain/measure';
import { outboxEntry, type OutboxEntry } from '../../domain/outbox';
import { serviceAreaById } from '../roles';
import type { AppContext } from '../context';
import type { SignOffPeople } from './views';

/** Who a sign-off card names and whose Teams ids get its refresh. */
export async function peopleFor(ctx: AppContext, m: Measure): Promise<SignOffPeople> {
  const s = m.signOff!;
  const [approver, deputy, area, approverUser, deputyUser] = await Promise.all([
    ctx.directory.person(s.approverId),
    s.deputyId ? ctx.directory.person(s.deputyId) : null,
    serviceAreaById(ctx.directory, s.serviceArea),
    ctx.conversations.userIdOf(s.approverId),
    s.deputyId ? ctx.conversations.userIdOf(s.deputyId) : null,
  ]);
  return {
    approverName: approver?.name ?? 'the Head of Service',
    deputyName: s.deputyId ? (deputy?.name ?? 'the deputy') : null,
    serviceAreaName: area?.name ?? s.serviceArea,
    userIds: [approverUser, deputyUser].filter((u): u is string => !!u),
  };
}

/** The people asked to decide a measure (§5.2): the Head of Service and the deputy. */
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
