import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import type { Actor, Reply } from '../app/context';
import { conversationKey, personKey } from '../store/conversations';

/** The acting person, from the authenticated activity: the Entra object id where Teams gives one. */
export function actorOf(activity: Activity): Actor {
  return {
    id: activity.from.aadObjectId ?? activity.from.id,
    name: activity.from.name ?? 'Unknown user',
    tenantId: tenantOf(activity),
  };
}

export function tenantOf(activity: Pick<Activity, 'conversation' | 'channelData'>): string | null {
  const fromChannel = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  return activity.conversation?.tenantId ?? (typeof fromChannel === 'string' ? fromChannel : null);
}

export function toActivity(reply: Reply): Partial<Activity> {
  if ('text' in reply) return MessageFactory.text(reply.text);
  const message = MessageFactory.attachment(CardFactory.adaptiveCard(reply.card));
  message.summary = reply.summary;
  return message;
}

export function isPersonal(activity: Activity): boolean {
  return (activity.conversation?.conversationType ?? 'personal') === 'personal';
}

/** Personal chats are keyed by the person (so we can reach them by Entra id); others by the conversation. */
export function conversationKeyOf(activity: Activity): string {
  return isPersonal(activity) ? personKey(activity.from.aadObjectId ?? activity.from.id) : conversationKey(activity.conversation.id);
}
