import { CardFactory, MessageFactory, type Activity, type CloudAdapter, type TurnContext } from 'botbuilder';
import { DeliveryError, type Messenger } from '../app/messenger';
import type { AdaptiveCard } from '../cards/render';
import { toActivity } from './activities';

/** Proactive messages through the Bot Connector, with its errors turned into DeliveryError (status + Retry-After). */
export class TeamsMessenger implements Messenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
  ) {}

  async send(reference: Record<string, unknown>, card: Record<string, unknown>, summary: string): Promise<string> {
    return this.post(reference, toActivity({ card: card as AdaptiveCard, summary }));
  }

  /** Posts any activity (e.g. a file consent card) as a new message in the conversation; resolves to its id. */
  async post(reference: Record<string, unknown>, activity: Partial<Activity>): Promise<string> {
    let id = '';
    await this.proactive(reference, async (context) => {
      // A new message, never a reply: botbuilder would reply to its own continuation event's id. Posted to the
      // conversation itself, a message to a channel's reference starts a new thread (docs/rules.md#R-outbox-conversations).
      context.onSendActivities(async (_context, activities, next) => {
        for (const sent of activities) delete sent.replyToId;
        return next();
      });
      id = (await context.sendActivity(activity))?.id ?? '';
    });
    return id;
  }

  async update(reference: Record<string, unknown>, activityId: string, card: Record<string, unknown>): Promise<void> {
    await this.proactive(reference, async (context) => {
      await context.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id: activityId });
    });
  }

  private async proactive(reference: Record<string, unknown>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    // The adapter hands errors thrown in `logic` to onTurnError and resolves: catch them here so the outbox sees them.
    let failure: unknown = null;
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        try {
          await logic(context);
        } catch (error) {
          failure = error;
        }
      });
    } catch (error) {
      failure = error;
    }
    if (failure !== null) throw toDeliveryError(failure);
  }
}

function toDeliveryError(error: unknown): Error {
  const e = error as { statusCode?: unknown; response?: { headers?: { get?: (name: string) => string | undefined } }; message?: string };
  if (typeof e?.statusCode !== 'number') return error instanceof Error ? error : new Error(String(error));
  const header = e.response?.headers?.get?.('retry-after');
  const seconds = header !== undefined ? Number(header) : NaN;
  const retryAfterMs = Number.isFinite(seconds) ? seconds * 1000 : header ? Math.max(0, Date.parse(header) - Date.now()) || null : null;
  return new DeliveryError(e.statusCode, retryAfterMs, e.message ?? `HTTP ${e.statusCode}`);
}
