import type { OutboxEntry } from '../domain/outbox';
import { renderCard } from '../cards/render';

/** What case managers get when a message could not be delivered: nothing is silently lost (docs/rules.md#R-outbox-dead-conversation). */
export function undeliveredNotice(entry: OutboxEntry, recipientName: string, why: string): { card: Record<string, unknown>; summary: string } {
  const summary = entry.action.kind === 'send' ? entry.action.summary : `an updated card (customer ${entry.customerKey})`;
  return {
    summary: `Undelivered: ${summary}`,
    card: renderCard('notice', {
      title: `A Teams message to ${recipientName} could not be delivered`,
      text: `“${summary}” could not be delivered to ${recipientName}: ${why}. Please make sure they get it another way.`,
      color: 'Attention',
    }),
  };
}
