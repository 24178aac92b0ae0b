import { outboxEntry, type OutboxEntry } from '../domain/outbox';
import { renderCard } from '../cards/render';
import type { NoticeCard } from '../cards/types';

/** A notice to one person, queued with the decision it tells them of (the id derives from it, so it is sent once). */
export function noticeTo(
  id: string,
  customerKey: string,
  personId: string,
  notice: Pick<NoticeCard, 'title' | 'text'> & Partial<NoticeCard>,
  now: Date,
): OutboxEntry {
  return outboxEntry(
    id,
    customerKey,
    { kind: 'person', personId },
    { kind: 'send', card: renderCard('notice', { color: 'Default', ...notice }), summary: notice.title },
    now,
  );
}

/** What case managers get when a message could not be delivered: nothing is silently lost (docs/rules.md#R-outbox-dead-conversation). */
export function undeliveredNotice(entry: OutboxEntry, recipientName: string, why: string): { card: Record<string, unknown>; summary: string } {
  const summary = 'summary' in entry.action ? entry.action.summary : `an updated card (customer ${entry.customerKey})`;
  return {
    summary: `Undelivered: ${summary}`,
    card: renderCard('notice', {
      title: `A Teams message to ${recipientName} could not be delivered`,
      text: `“${summary}” could not be delivered to ${recipientName}: ${why}. Please make sure they get it another way.`,
      color: 'Attention',
    }),
  };
}
