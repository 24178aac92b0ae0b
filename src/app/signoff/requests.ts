import type { Measure } from '../../domain/measure';
import { outboxEntry, type OutboxEntry } from '../../domain/outbox';
import { serviceAreaById } from '../roles';
import type { AppContext } from '../context';
import { signOffStatusCard, type SignOffPeople } from './views';

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

/** The sign-off cards for the Head of Service and deputy (§5.2), queued with the measure that needs them. */
export async function signOffRequests(ctx: AppContext, m: Measure, now: Date): Promise<OutboxEntry[]> {
  const s = m.signOff;
  if (!s) return [];
  const card = signOffStatusCard(m, await peopleFor(ctx, m));
  const summary = `Sign-off needed: customer ${m.customerKey}`;
  return [s.approverId, s.deputyId]
    .filter((id): id is string => !!id)
    .map((personId) =>
      outboxEntry(`${m.id}:signoff:${personId}`, m.customerKey, { kind: 'person', personId }, { kind: 'send', card, summary }, now, {
        trackOn: { measureId: m.id },
      }),
    );
}
