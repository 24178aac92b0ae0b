import { TeamsActivityHandler, TurnContext, type Activity, type InvokeResponse } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from 'pino';
import { describeIssues, type ActionResult, type AppContext } from '../app/context';
import { handleAction, handleMessage } from '../app/router';
import { helpReply } from '../app/help';
import { runTurn } from '../app/turn';
import { unfinishedActionCard, unfinishedMessageReply } from '../app/failure';
import { actorOf, conversationKeyOf, isPersonal, referenceOf, removalOf, toActivity, whereOf, type Removal } from './activities';
import { fileConsentValue, type ChatFiles } from './file-consent';

const CARD_RESPONSE = 'application/vnd.microsoft.card.adaptive';
const ERROR_RESPONSE = 'application/vnd.microsoft.error';

/** What an Action.Execute invoke must carry; checked here because botbuilder's own parser throws (→ 501) on `{}`. */
const executeValue = z.object({
  action: z.object(
    {
      type: z.literal('Action.Execute', { error: 'action.type must be Action.Execute' }),
      verb: z.string({ error: 'action.verb is required' }).min(1, 'action.verb is required').max(100, 'action.verb is too long'),
      data: z.record(z.string(), z.unknown()).optional(),
    },
    { error: 'value.action is required' },
  ),
});

function invokeError(status: number, code: string, message: string): InvokeResponse {
  return { status, body: { statusCode: status, type: ERROR_RESPONSE, value: { code, message } } };
}

function toInvokeResponse(result: ActionResult): InvokeResponse {
  if ('error' in result) return invokeError(result.error.status, result.error.code, result.error.message);
  return { status: 200, body: { statusCode: 200, type: CARD_RESPONSE, value: result.card } };
}

export interface BotOptions {
  /** With authentication on, a person is known only by their Entra object id. */
  requireEntraId: boolean;
  actionDeadlineMs: number;
  messageDeadlineMs: number;
  /** Answers a person's "Allow" or "Decline" on a file offered in their chat (docs/architecture.md#files). */
  fileConsent: Pick<ChatFiles, 'answer'>;
}

const NO_IDENTITY =
  'Teams did not say who you are (no Microsoft Entra account on this message), so I cannot check what you may do. Use the bot from your work account in Teams.';

/** The Teams adapter layer: turns activities into application calls and replies into activities. Nothing else. */
export class UnacceptableBehaviourBot extends TeamsActivityHandler {
  constructor(
    private readonly app: AppContext,
    private readonly log: Logger,
    private readonly options: BotOptions,
  ) {
    super();
    this.onMessage(async (context, next) => {
      const actor = actorOf(context.activity, options.requireEntraId);
      if (!actor) {
        await context.sendActivity(toActivity({ text: NO_IDENTITY }));
        return next();
      }
      const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
      const where = whereOf(context.activity);
      const outcome = await runTurn(options.messageDeadlineMs, () => handleMessage(this.app, actor, text, where));
      if (!outcome.ok) this.log.warn({ err: outcome.error, why: outcome.why, wrote: outcome.wrote }, 'message turn unfinished');
      const replies = outcome.ok ? outcome.value : [unfinishedMessageReply(outcome)];
      await context.sendActivities(replies.map(toActivity));
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === context.activity.recipient.id);
      if (botAdded) await context.sendActivity(toActivity(helpReply('welcome', whereOf(context.activity).place)));
      await next();
    });
  }

  /**
   * Every turn: remember where this person or channel can be reached proactively (alongside the handlers); or, when the
   * bot is removed from there (or the channel or team is gone), forget it first. Handled here, not in botbuilder's
   * handlers, so that a removal is never saved again by the turn that removes it.
   */
  override async run(context: TurnContext): Promise<void> {
    const a = context.activity;
    const removal = removalOf(a);
    if (removal) {
      await this.forget(removal, a);
      return super.run(context);
    }
    let remembering: Promise<void> = Promise.resolve();
    if (a.type !== 'invoke') {
      // Saved alongside the turn, not before it; and not being able to save it must not stop anyone reporting.
      remembering = this.app.conversations
        .remember(conversationKeyOf(a), referenceOf(a), isPersonal(a) ? a.from.id : null, this.app.now())
        .catch((error: unknown) => this.log.warn({ err: error }, 'could not save the conversation reference'));
    }
    try {
      await super.run(context);
    } finally {
      await remembering;
    }
  }

  private async forget(removal: Removal, activity: Activity): Promise<void> {
    const personal = !('teamId' in removal) && isPersonal(activity);
    // A team's channels, or one channel, take their digest subscriptions with them (docs/rules.md#R-digest-subscription).
    if ('teamId' in removal) await Promise.all([this.app.conversations.forgetTeam(removal.teamId), this.app.subscriptions.endTeam(removal.teamId)]);
    // A person who removed the bot is kept, marked, so that it is never installed for them again (docs/rules.md#R-outbox-install).
    else if (personal) await this.app.conversations.markDead(removal.key, null, this.app.now());
    else await Promise.all([this.app.conversations.forget(removal.key), this.app.subscriptions.end(removal.key)]);
    const scope = 'teamId' in removal ? 'team' : 'conversation';
    const { conversationType } = activity.conversation;
    this.log.info(
      { conversationType, scope },
      personal ? 'bot removed from a personal chat: marked, never installed again' : 'bot removed: conversation references deleted',
    );
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name === 'fileConsent/invoke') return this.onFileConsent(context);
    if (context.activity.name !== 'adaptiveCard/action') {
      return invokeError(400, 'UnsupportedInvoke', `This bot does not handle “${String(context.activity.name).slice(0, 60)}”`);
    }
    const parsed = executeValue.safeParse(context.activity.value);
    if (!parsed.success) return invokeError(400, 'BadRequest', describeIssues(parsed.error));
    const { verb, data = {} } = parsed.data.action;
    const actor = actorOf(context.activity, this.options.requireEntraId);
    if (!actor) return invokeError(403, 'NoEntraId', NO_IDENTITY);
    const personal = isPersonal(context.activity);
    const outcome = await runTurn(this.options.actionDeadlineMs, () => handleAction(this.app, actor, verb, data, personal));
    if (!outcome.ok) {
      this.log.warn({ err: outcome.error, verb, why: outcome.why, wrote: outcome.wrote }, 'card action unfinished');
      return toInvokeResponse({ card: unfinishedActionCard(outcome, verb, data) });
    }
    if ('error' in outcome.value) this.log.info({ verb, code: outcome.value.error.code }, 'card action refused');
    return toInvokeResponse(outcome.value);
  }

  /**
   * Teams' file consent card answered. Handled here rather than in TeamsActivityHandler's handleTeamsFileConsentAccept
   * and …Decline, so the value is checked (zod) before anything uses it, as every other invoke is. Answered 200 with an
   * empty body whatever happened, as Teams expects; what happened is said in the chat. Each step has its own bound (Cosmos,
   * the upload, the connector): a deadline answering first would cut an upload short and leave the person unanswered.
   */
  private async onFileConsent(context: TurnContext): Promise<InvokeResponse> {
    const parsed = fileConsentValue.safeParse(context.activity.value);
    if (!parsed.success) return invokeError(400, 'BadRequest', describeIssues(parsed.error));
    const actor = actorOf(context.activity, this.options.requireEntraId);
    if (!actor) return invokeError(403, 'NoEntraId', NO_IDENTITY);
    let replies: Partial<Activity>[];
    try {
      replies = await this.options.fileConsent.answer(actor, parsed.data, this.app.now());
    } catch (error) {
      this.log.warn({ err: error, action: parsed.data.action }, 'file consent unfinished');
      replies = [toActivity({ text: 'Something went wrong with the file, and it was not sent. Press the button on the card again in a moment.' })];
    }
    await context.sendActivities(replies);
    return { status: 200 };
  }
}
