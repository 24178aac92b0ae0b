import type { Container } from '@azure/cosmos';
import { isNotFound } from './errors';
import type { Containers } from './cosmos';

/** Where the bot can reach a person (personal chat) or a channel/group chat proactively. */
export interface ConversationRecord {
  id: string;
  /** The Bot Framework conversation reference, stored as the channel gave it. */
  reference: Record<string, unknown>;
  /** The Teams user id (29:…) of the person, used in card refresh userIds. */
  userId: string | null;
  updatedAt: string;
  dead: { at: string; status: number } | null;
}

export const personKey = (aadObjectId: string) => `person:${aadObjectId}`;
export const conversationKey = (conversationId: string) => `conversation:${conversationId}`;

export class ConversationStore {
  private readonly container: Container;
  /** What this instance last wrote, so an unchanged reference costs no Cosmos request per message. */
  private readonly known = new Map<string, string>();

  constructor(containers: Containers) {
    this.container = containers.conversations;
  }

  private readonly userIds = new Map<string, { value: string | null; until: number }>();

  /** A person's Teams user id (for card refresh userIds), cached for five minutes: it rarely changes. */
  async userIdOf(personId: string): Promise<string | null> {
    const cached = this.userIds.get(personId);
    if (cached && cached.until > Date.now()) return cached.value;
    const value = (await this.get(personKey(personId)))?.userId ?? null;
    this.userIds.set(personId, { value, until: Date.now() + 5 * 60_000 });
    return value;
  }

  /** Saves a reference when it is new or changed (and revives one marked dead: the person is back). */
  async remember(id: string, reference: Record<string, unknown>, userId: string | null, now: Date): Promise<void> {
    const fingerprint = JSON.stringify([reference, userId]);
    if (this.known.get(id) === fingerprint) return;
    const record: ConversationRecord = { id, reference, userId, updatedAt: now.toISOString(), dead: null };
    await this.container.items.upsert(record);
    this.known.set(id, fingerprint);
    if (id.startsWith('person:')) this.userIds.delete(id.slice('person:'.length));
  }

  async get(id: string): Promise<ConversationRecord | null> {
    try {
      const { resource } = await this.container.item(id, id).read<ConversationRecord>();
      return resource ?? null;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /** Teams answered 403/404: the bot was removed or blocked there. Kept (not deleted) so the failure is visible. */
  async markDead(id: string, status: number, now: Date): Promise<void> {
    const record = await this.get(id);
    if (!record) return;
    await this.container.items.upsert({ ...record, dead: { at: now.toISOString(), status } });
    this.known.delete(id);
  }

  /** On uninstall. */
  async forget(id: string): Promise<void> {
    this.known.delete(id);
    try {
      await this.container.item(id, id).delete();
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
