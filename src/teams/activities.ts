import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import { z } from 'zod';
import type { Actor, Reply } from '../app/context';
import { plainName } from '../domain/text';
import { conversationKey, personKey } from '../store/conversations';

const account = z.looseObject(
  {
    id: z.string({ error: 'is required' }).min(1, 'is required').max(256, 'is too long'),
    name: z.string().max(256, 'is too long').optional(),
    aadObjectId: z.string().max(64, 'is too long').optional(),
  },
  { error: 'is required: an object with an id' },
);

/**
 * The shape every activity must have before botbuilder sees it: botbuilder itself assumes these fields and ends the
 * turn in a TypeError without them. Anything else the channel sends passes through untouched.
 */
const activitySchema = z.looseObject({
  type: z.string({ error: 'is required' }).min(1, 'is required').max(64, 'is too long'),
  id: z.string().max(256, 'is too long').optional(),
  channelId: z.string({ error: 'is required' }).min(1, 'is required').max(64, 'is too long'),
  serviceUrl: z.url({ protocol: /^https?$/, error: 'is required: an http(s) URL' }).max(2048, 'is too long'),
  from: account,
  recipient: account,
  conversation: z.looseObject(
    {
      id: z.string({ error: 'is required' }).min(1, 'is required').max(1024, 'is too long'),
      conversationType: z.string().max(32, 'is too long').optional(),
      tenantId: z.string().max(64, 'is too long').optional(),
    },
    { error: 'is required: an object with an id' },
  ),
  text: z.string().max(50_000, 'is too long').optional(),
  name: z.string().max(256, 'is too long').optional(),
  action: z.string().max(64, 'is too long').optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
  membersAdded: z.array(account).max(500, 'has too many members').optional(),
  membersRemoved: z.array(account).max(500, 'has too many members').optional(),
});

/** The activity, or what is wrong with it in words a developer can act on. */
export function parseActivity(body: unknown): { activity: Activity } | { problem: string } {
  const parsed = activitySchema.safeParse(body);
  if (parsed.success) return { activity: parsed.data as unknown as Activity };
  const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || 'body'} ${i.message}`);
  return { problem: `Not a Bot Framework activity: ${problems.join('; ')}` };
}

/** An Entra object id: what identifies a person once authentication is on. */
const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The acting person. With authentication on, only the Entra object id Teams gives identifies them (null without one:
 * roles are looked up by it, so a channel user id must never stand in for it). Locally (no auth, loopback only) the
 * channel's user id is accepted, so the Emulator works.
 */
export function actorOf(activity: Activity, requireEntraId: boolean): Actor | null {
  const aad = activity.from.aadObjectId;
  if (requireEntraId && !(aad && ENTRA_OBJECT_ID.test(aad))) return null;
  return {
    id: aad ?? activity.from.id,
    name: plainName(activity.from.name ?? '').trim() || 'Unknown user',
    tenantId: tenantOf(activity),
  };
}

export function tenantOf(activity: Pick<Activity, 'conversation' | 'channelData'>): string | null {
  const fromChannel = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const fromConversation = activity.conversation?.tenantId;
  return typeof fromConversation === 'string' ? fromConversation : typeof fromChannel === 'string' ? fromChannel : null;
}

export function toActivity(reply: Reply): Partial<Activity> {
  if ('text' in reply) return { ...MessageFactory.text(reply.text), textFormat: 'plain' };
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
