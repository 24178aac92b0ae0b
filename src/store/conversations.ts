import type { Container } from '@azure/cosmos';
import { LRUCache } from 'lru-cache';
import { isConflict, isNotFound } from './errors';
import { pointRead, type Bounded } from './documents';
import type { ConversationRecord, Conversations } from '../app/ports';
import type { CosmosStore } from './cosmos';

/**
 * The keys of the `conversations` container (docs/architecture.md#storage): a person's personal chat by their Entra id;
 * a team's channel by team and channel, so that all its threads are one record and the team's removal finds them all;
 * any other chat (a group chat) by its conversation id, without a thread.
 */
export const personKey = (aadObjectId: string) => `person:${aadObjectId}`;
export const conversationKey = (conversationId: string) => `conversation:${conversationId}`;
export const channelKey = (teamId: string, channelId: string) => `${teamPrefix(teamId)}${channelId}`;
const teamPrefix = (teamId: string) => `team:${teamId}:channel:`;

/** The channel or chat itself, not one thread in it: Teams gives a channel message the thread's id, `<channel>;messageid=<root>`. */
export function withoutThread(conversationId: string): string {
  const at = conversationId.toLowerCase().indexOf(';messageid=');
  return at === -1 ? conversationId : conversationId.slice(0, at);
}

/** Reads are cached briefly: the dispatcher looks a conversation up for every message it sends. */
const READ_TTL_MS = 60_000;
/** Both caches are bounded: every person and channel that ever wrote must not stay in memory. */
const MAX_CACHED = 10_000;

/** lru-cache keeps no `null`: a conversation known not to exist is cached as this. */
const NONE = 'none' as const;

export class ConversationStore implements Conversations {
  private readonly container: Container;
  private readonly bounded: Bounded;
  /** What this instance last wrote, so an unchanged reference costs no Cosmos request per message. */
  private readonly known = new LRUCache<string, string>({ max: MAX_CACHED });
  private readonly cache = new LRUCache<string, ConversationRecord | typeof NONE>({ max: MAX_CACHED, ttl: READ_TTL_MS });

  constructor(db: CosmosStore) {
    this.container = db.containers.conversations;
    this.bounded = db.bounded;
  }

  /** A person's Teams user id (for card refresh userIds). */
  async userIdOf(personId: string): Promise<string | null> {
    return (await this.get(personKey(personId)))?.userId ?? null;
  }

  /** Saves a reference when it is new or changed (and revives one marked dead: the person is back). */
  async remember(id: string, reference: Record<string, unknown>, userId: string | null, now: Date): Promise<void> {
    const fingerprint = JSON.stringify([reference, userId]);
    if (this.known.get(id) === fingerprint) return;
    const record: ConversationRecord = { id, reference, userId, updatedAt: now.toISOString(), dead: null };
    await this.container.items.upsert(record, this.bounded());
    this.known.set(id, fingerprint);
    this.remembered(record);
  }

  async introduce(id: string, reference: Record<string, unknown>, now: Date): Promise<void> {
    const record: ConversationRecord = { id, reference, userId: null, updatedAt: now.toISOString(), dead: null };
    try {
      await this.container.items.create(record, this.bounded());
      this.remembered(record);
    } catch (error) {
      if (!isConflict(error)) throw error;
      this.cache.delete(id); // Teams' own is there: read it next time
    }
  }

  async get(id: string): Promise<ConversationRecord | null> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached === NONE ? null : cached;
    const resource = await pointRead<ConversationRecord>(this.container, id, id, this.bounded);
    this.cache.set(id, resource ?? NONE);
    return resource;
  }

  /**
   * Teams answered 403/404, or (status null) the person removed the bot from their personal chat. Kept (not deleted), so
   * the failure is visible and the bot is never installed for them again; with no record yet, one that only says so.
   */
  async markDead(id: string, status: number | null, now: Date): Promise<void> {
    this.cache.delete(id);
    const record = (await this.get(id)) ?? { id, reference: {}, userId: null, updatedAt: now.toISOString() };
    const dead = { ...record, dead: { at: now.toISOString(), status } };
    await this.container.items.upsert(dead, this.bounded());
    this.known.delete(id);
    this.remembered(dead);
  }

  /**
   * Where Teams is for the people of this tenant (the Bot Connector's service URL and the tenant id), as any personal
   * chat stored gives it: the address a chat the bot starts through Microsoft Graph needs. Null before anyone has chatted.
   */
  async teamsAddress(): Promise<{ serviceUrl: string; tenantId: string | null } | null> {
    const { resources } = await this.container.items
      .query<{ serviceUrl: string; tenantId?: unknown }>(
        'SELECT TOP 1 c.reference.serviceUrl AS serviceUrl, c.reference.conversation.tenantId AS tenantId FROM c ' +
          'WHERE STARTSWITH(c.id, "person:") AND IS_STRING(c.reference.serviceUrl) AND IS_NULL(c.dead)',
        this.bounded(),
      )
      .fetchAll();
    const found = resources[0];
    return found ? { serviceUrl: found.serviceUrl, tenantId: typeof found.tenantId === 'string' ? found.tenantId : null } : null;
  }

  /** On the bot removed from a group chat or channel. */
  async forget(id: string): Promise<void> {
    this.known.delete(id);
    this.cache.set(id, NONE);
    try {
      await this.container.item(id, id).delete(this.bounded());
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** On the team's removal (the bot removed or uninstalled, the team archived or deleted): every channel of the team. */
  async forgetTeam(teamId: string): Promise<void> {
    const prefix = teamPrefix(teamId);
    const { resources } = await this.container.items
      .query<string>(
        { query: 'SELECT VALUE c.id FROM c WHERE STARTSWITH(c.id, @prefix)', parameters: [{ name: '@prefix', value: prefix }] },
        this.bounded(),
      )
      .fetchAll();
    for (const id of [...this.cache.keys()]) if (id.startsWith(prefix)) this.cache.delete(id);
    await Promise.all(resources.map((id) => this.forget(id)));
  }

  private remembered(record: ConversationRecord): void {
    this.cache.set(record.id, record);
  }
}
