import { actionError, type ActionResult, type Actor, type AppContext, type Reply } from './context';
import { COMMANDS, parseCommand, type Where } from './commands';
import { helpReply } from './help';
import { checkCustomer } from './incidents/check';
import { myReports } from './incidents/my-reports';
import { showIncidentForm, submitIncident } from './incidents/report';
import { decideSignOff, refreshSignOff } from './signoff/decide';
import { pendingForMe } from './signoff/pending';
import { showCase, showCaseAction, showCaseHistory } from './cases/show';
import { proposeMeasure, showProposalForm } from './measures/propose';
import { recordAppeal, showAppealForm } from './appeals/record';
import { decideOnAppeal, refreshAppeal, showVariationForm, varyOnAppeal } from './appeals/decide';
import { withdrawAppeal } from './appeals/withdraw';
import { reviewsDue } from './reviews/list';
import { decideReview, openReview } from './reviews/decide';
import { digestCommand } from './digest/commands';
import { getLetter, listLetters, recordLetterSent } from './letters/actions';
import { exportRegister } from './register/export';
import { exportSubjectAccess } from './subject-access/export';

/** Routes a chat message (bot mention already removed) to its command, where it works (src/app/commands.ts `scope`). */
export async function handleMessage(ctx: AppContext, actor: Actor, text: string, where: Where): Promise<Reply[]> {
  const command = parseCommand(text);
  if (command && where.place !== 'personal' && COMMANDS.find((c) => c.name === command.name)?.scope === 'personal') {
    return [
      { text: `“${command.name}” shows customer details, so it only works in a personal chat with me: open a chat with the bot and type it there.` },
    ];
  }
  switch (command?.name) {
    case 'report': {
      const result = await showIncidentForm(ctx, { category: 'aggressive' });
      return 'card' in result ? [{ card: result.card, summary: 'Report an incident' }] : [{ text: result.error.message }];
    }
    case 'check':
      return [await checkCustomer(ctx, command.args)];
    case 'my reports':
      return [await myReports(ctx, actor)];
    case 'case':
      return [await showCase(ctx, actor, command.args)];
    case 'pending':
      return [await pendingForMe(ctx, actor)];
    case 'reviews':
      return [await reviewsDue(ctx, actor)];
    case 'register':
      return [await exportRegister(ctx, actor)];
    case 'export':
      return [await exportSubjectAccess(ctx, actor, command.args)];
    case 'digest subscribe':
    case 'digest unsubscribe':
    case 'digest preview':
      if (where.place !== 'team')
        return [
          {
            text: `“${command.name}” is about a team channel’s weekly digest, so it only works in a channel of a team: type it there, mentioning me.`,
          },
        ];
      return digestCommand(ctx, actor, command.name, command.args, where);
    case 'help':
      return [helpReply('help', where.place)];
    default:
      return [helpReply('unknown', where.place, text)];
  }
}

type ActionHandler = (ctx: AppContext, actor: Actor, data: unknown) => Promise<ActionResult>;

/** Card actions by verb (Action.Execute). */
const ACTIONS: Record<string, ActionHandler> = {
  'incident.form': (ctx, _actor, data) => showIncidentForm(ctx, data),
  'incident.submit': submitIncident,
  'signoff.refresh': refreshSignOff,
  'signoff.decide': decideSignOff,
  'measure.form': showProposalForm,
  'measure.propose': proposeMeasure,
  'case.show': showCaseAction,
  'case.history': showCaseHistory,
  'appeal.form': showAppealForm,
  'appeal.record': recordAppeal,
  'appeal.refresh': refreshAppeal,
  'appeal.decide': decideOnAppeal,
  'appeal.vary-form': showVariationForm,
  'appeal.vary': varyOnAppeal,
  'appeal.withdraw': withdrawAppeal,
  'review.open': openReview,
  'review.decide': decideReview,
  // Letters (docs/rules.md#R-letter-fetch, #R-letter-sent). Not priority turns: no one's safety waits on them.
  'letter.list': listLetters,
  'letter.get': getLetter,
  'letter.sent': recordLetterSent,
};

/** Card actions answer in place, so in a channel everyone would see the answer: they work in personal chat only. */
export async function handleAction(ctx: AppContext, actor: Actor, verb: string, data: unknown, personal: boolean): Promise<ActionResult> {
  if (!personal) return actionError(403, 'PersonalChatOnly', 'This works only in a personal chat with the bot: open one and try again there.');
  const handler = Object.hasOwn(ACTIONS, verb) ? ACTIONS[verb] : undefined;
  if (!handler) return actionError(400, 'UnknownVerb', `Unknown action “${verb.slice(0, 40)}”. This card may be out of date: type “help”.`);
  return handler(ctx, actor, data);
}

/**
 * Turns that keep capacity even when reads flood in (src/http/admission.ts): getting the report form, reporting an
 * incident, proposing a measure and deciding one. Staff safety must never wait behind `check`.
 */
const PRIORITY_VERBS: ReadonlySet<string> = new Set([
  'incident.form',
  'incident.submit',
  'measure.propose',
  'signoff.decide',
  'review.decide',
  // Appeals (§7): recording one, its outcomes and its withdrawal.
  'appeal.record',
  'appeal.decide',
  'appeal.vary',
  'appeal.withdraw',
]);

export function isPriorityTurn(turn: { verb: string } | { text: string }): boolean {
  return 'verb' in turn ? PRIORITY_VERBS.has(turn.verb) : parseCommand(turn.text)?.name === 'report';
}
