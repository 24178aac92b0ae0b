import type { Container } from '@azure/cosmos';
import { channelHash, type DigestSubscription } from '../domain/digest';
import type { DigestSubscriptions } from '../app/ports';
import { beforeWrite } from '../app/turn';
import { pointRead, recordOf, type Bounded, type Stored } from './documents';
import { isNotFound } from './errors';
import type { CosmosStore } from './cosmos';

const TYPE = 'digest-subscription';

/** A subscription as stored: beside the channel's conversation record, under an id derived from the channel key. */
interface SubscriptionDoc extends DigestSubscription {
  id: string;
  type: typeof TYPE;
}

/**
 * Digest subscriptions (docs/architecture.md#digest-subscriptions), in the `conversations` container: one document per
 * channel, `digest-subscription:<hash of the channel key>` (channel ids are Teams' to choose; a document id may not hold
 * `/ \ ? #`), so subscribing again replaces it. They never start with a conversation key's prefix, so forgetting a
 * team's conversations leaves them to `endTeam`.
 */
export class SubscriptionStore implements DigestSubscriptions {
  private readonly container: Container;
  private readonly bounded: Bounded;

  constructor(db: CosmosStore) {
    this.container = db.containers.conversations;
    this.bounded = db.bounded;
  }

  async get(channelKey: string): Promise<DigestSubscription | null> {
    const id = idOf(channelKey);
    const doc = await pointRead<SubscriptionDoc>(this.container, id, id, this.bounded);
    return doc?.type === TYPE ? subscriptionOf(doc) : null;
  }

  async save(subscription: DigestSubscription): Promise<void> {
    beforeWrite();
    const doc: SubscriptionDoc = { id: idOf(subscription.channelKey), type: TYPE, ...subscription };
    await this.container.items.upsert(doc, this.bounded());
  }

  async end(channelKey: string): Promise<void> {
    beforeWrite();
    const id = idOf(channelKey);
    try {
      await this.container.item(id, id).delete(this.bounded());
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async endTeam(teamId: string): Promise<void> {
    const { resources } = await this.container.items
      .query<string>(
        {
          query: 'SELECT VALUE c.channelKey FROM c WHERE c.type = @type AND c.teamId = @team',
          parameters: [
            { name: '@type', value: TYPE },
            { name: '@team', value: teamId },
          ],
        },
        this.bounded(),
      )
      .fetchAll();
    await Promise.all(resources.map((channelKey) => this.end(channelKey)));
  }

  async all(): Promise<DigestSubscription[]> {
    const { resources } = await this.container.items
      .query<Stored<SubscriptionDoc>>({ query: 'SELECT * FROM c WHERE c.type = @type', parameters: [{ name: '@type', value: TYPE }] }, this.bounded())
      .fetchAll();
    return resources.map((doc) => subscriptionOf(recordOf(doc)));
  }
}

const idOf = (channelKey: string) => `${TYPE}:${channelHash(channelKey)}`;

function subscriptionOf({ channelKey, teamId, area, by, at }: SubscriptionDoc): DigestSubscription {
  return { channelKey, teamId, area, by, at };
}
