import { CardFactory, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import { z } from 'zod';
import type { Actor, Reply } from '../app/context';
import type { Where } from '../app/commands';
import { plainName } from '../domain/text';
import { channelKey, conversationKey, personKey, withoutThread } from '../store/conversations';

const account = z.looseObject(
  {
    id: z.string({ error: 'is required' }).min(1, 'is required').max(256, 'is too long'),
    name: z.string().max(256, 'is too long').optional(),
    aadObjectId: z.string().max(64, 'is too long').optional(),
  },
  { error: 'is required: an object with an id' },
);

/** A team or channel in Teams' channelData: what conversations are keyed by (src/store/conversations.ts). */
const teamsObject = z
  .looseObject({ id: z.string({ error: 'is required' }).min(1, 'is required').max(256, 'is too long') }, { error: 'must be an object with an id' })
  .optional();

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
  channelData: z
    .looseObject({ team: teamsObject, channel: teamsObject, eventType: z.string().max(64, 'is too long').optional() }, { error: 'must be an object' })
    .optional(),
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

/** The team and channel Teams names in channelData (the schema above checked them), and its event type. */
function teamsDataOf(activity: Activity): { teamId: string | null; channelId: string | null; eventType: string | null } {
  const data = activity.channelData as { team?: { id?: unknown }; channel?: { id?: unknown }; eventType?: unknown } | undefined;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { teamId: text(data?.team?.id), channelId: text(data?.channel?.id), eventType: text(data?.eventType) };
}

/**
 * The channel or chat itself, never one thread in it: in a team, the channel Teams names (a team-wide event names none:
 * its conversation is the team's General channel); elsewhere the conversation without `;messageid=…`.
 */
function addressOf(activity: Activity): string {
  const { teamId, channelId } = teamsDataOf(activity);
  return (teamId && channelId) || withoutThread(activity.conversation.id);
}

/**
 * Personal chats are keyed by the person (so we can reach them by Entra id); a team's channels by team and channel (so
 * every thread of a channel is one record, and the team's removal finds them); other chats by the conversation.
 */
export function conversationKeyOf(activity: Activity): string {
  if (isPersonal(activity)) return personKey(activity.from.aadObjectId ?? activity.from.id);
  const { teamId } = teamsDataOf(activity);
  return teamId ? channelKey(teamId, addressOf(activity)) : conversationKey(addressOf(activity));
}

/** Where a message was typed, for the commands that work there: in a team's channel, which channel and team. */
export function whereOf(activity: Activity): Where {
  if (isPersonal(activity)) return { place: 'personal' };
  const { teamId } = teamsDataOf(activity);
  return teamId ? { place: 'team', teamId, channelKey: conversationKeyOf(activity) } : { place: 'group' };
}

/**
 * Where to reach this person or channel later. Without the last message id, so proactive messages are new posts, not
 * replies to whatever was said last; and addressing the channel, not the thread, so a proactive post in a channel
 * starts a new thread.
 */
export function referenceOf(activity: Activity): Record<string, unknown> {
  const { activityId: _last, ...reference } = TurnContext.getConversationReference(activity);
  if (isPersonal(activity)) return reference;
  return { ...reference, conversation: { ...reference.conversation, id: addressOf(activity) } };
}

/** What an activity asks to forget: one conversation, or every channel of a team. */
export type Removal = { key: string } | { teamId: string };

/** Team events after which the bot can no longer post in any of the team's channels. */
const TEAM_GONE = new Set(['teamArchived', 'teamDeleted', 'teamHardDeleted']);

/**
 * Whether this activity removes the bot from somewhere, and what to forget: the bot removed from a chat or team, the app
 * uninstalled, a channel deleted, a team archived or deleted. In a team the bot goes from every channel at once: Teams
 * names the team (and the General channel as the conversation), never each channel.
 */
export function removalOf(activity: Activity): Removal | null {
  const { teamId, channelId, eventType } = teamsDataOf(activity);
  const update = activity.type === 'conversationUpdate';
  if (update && eventType === 'channelDeleted') return teamId && channelId ? { key: channelKey(teamId, channelId) } : null;
  const botRemoved = update && (activity.membersRemoved ?? []).some((m) => m.id === activity.recipient.id);
  const uninstalled = activity.type === 'installationUpdate' && String(activity.action).startsWith('remove');
  if (!botRemoved && !uninstalled && !(update && eventType !== null && TEAM_GONE.has(eventType))) return null;
  return teamId && !isPersonal(activity) ? { teamId } : { key: conversationKeyOf(activity) };
}
