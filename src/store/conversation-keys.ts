import type { Logger } from 'pino';
import type { ConversationRecord } from '../app/ports';
import { channelKey, conversationKey, withoutThread } from './conversations';
import { pointRead, recordOf, type Stored } from './documents';
import { once } from './once';
import { isNotFound } from './errors';
import type { CosmosStore } from './cosmos';

/** Recorded in `leases` once the records stored under the old keys are rekeyed; bump the number to run it again. */
const DONE_ID = 'migration:conversation-keys:1';

/** The part of a stored conversation reference the key comes from. */
interface StoredReference {
  conversation?: { id?: unknown; conversationType?: unknown };
  channelData?: { team?: { id?: unknown }; channel?: { id?: unknown } };
}

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/**
 * A record stored under an old key (`conversation:<conversation id>`, a channel's thread included), as it is kept now:
 * a team's channel under its team and channel, any other chat without the thread, its reference addressing the channel
 * or chat itself (src/teams/activities.ts `conversationKeyOf`, `referenceOf`). Null for a channel whose team the
 * stored reference does not name: it cannot be keyed, and its next message saves it again.
 */
export function rekeyed(record: ConversationRecord): ConversationRecord | null {
  const reference = record.reference as StoredReference;
  const conversationId = withoutThread(text(reference.conversation?.id) ?? record.id.slice('conversation:'.length));
  const teamId = text(reference.channelData?.team?.id);
  const address = (teamId && text(reference.channelData?.channel?.id)) || conversationId;
  if (!teamId && reference.conversation?.conversationType === 'channel') return null;
  return {
    ...record,
    id: teamId ? channelKey(teamId, address) : conversationKey(address),
    reference: { ...record.reference, conversation: { ...reference.conversation, id: address } },
  };
}

/**
 * Rekeys the channel and chat records stored under the old keys, once, before the bot serves: each is written under
 * its new key (the newest of a channel's threads, unless a newer record is there already) and the old one deleted.
 * Records already keyed as now are left alone. Returns how many records were written and how many deleted. Run with no
 * other instance serving older code (docs/architecture.md#storage).
 */
export async function rekeyConversations(db: CosmosStore, log?: Logger): Promise<{ written: number; deleted: number }> {
  return (await once(db, DONE_ID, () => rekey(db, log))) ?? { written: 0, deleted: 0 };
}

async function rekey(db: CosmosStore, log?: Logger): Promise<{ written: number; deleted: number }> {
  const { conversations } = db.containers;
  const { resources } = await conversations.items
    .query<Stored<ConversationRecord>>('SELECT * FROM c WHERE STARTSWITH(c.id, "conversation:")')
    .fetchAll();
  const newest = new Map<string, ConversationRecord>();
  const old: string[] = [];
  for (const record of resources.map((r) => recordOf(r))) {
    const now = rekeyed(record);
    if (now?.id === record.id) continue; // a group chat: keyed as now already
    old.push(record.id);
    if (!now) continue;
    const seen = newest.get(now.id);
    if (!seen || seen.updatedAt < now.updatedAt) newest.set(now.id, now);
  }
  let written = 0;
  for (const record of newest.values()) {
    const current = await pointRead<ConversationRecord>(conversations, record.id, record.id, db.bounded);
    if (current && current.updatedAt >= record.updatedAt) continue; // saved since by the new code: newer
    await conversations.items.upsert(record, db.bounded());
    written++;
  }
  let deleted = 0;
  for (const id of old) {
    if (newest.has(id)) continue; // just written: some other old record is keyed this way now
    try {
      await conversations.item(id, id).delete(db.bounded());
      deleted++;
    } catch (error) {
      if (!isNotFound(error)) throw error; // another instance got there first
    }
  }
  if (written + deleted > 0) log?.info({ written, deleted }, 'rekeyed the conversation records stored under the old keys');
  return { written, deleted };
}
