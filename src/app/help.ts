import { renderCard } from '../cards/render';
import { COMMANDS, worksIn, type Place } from './commands';
import type { Reply } from './context';

/** What the card says before the commands, by where it is read. */
const INTRO: Record<Place, string> = {
  personal:
    'Your safety comes first. Report any incident of aggressive or abusive behaviour, unreasonable demands or unreasonable persistence under the Unacceptable Behaviour Policy. Type a command:',
  team: 'Your safety comes first. Reports and customer checks are private: open a personal chat with me to use them. An admin can give this channel a weekly digest of counts (never a customer’s details) with digest subscribe. Here you can type:',
  group: 'Your safety comes first. Reports and customer checks are private: open a personal chat with me to use them. Here you can type:',
};

/**
 * The welcome card on install and the answer to `help` (or to anything not understood). It lists the commands that work
 * where it is read; in a channel or group chat it has no report button: a card's answer would be seen by everyone. In a
 * team it offers the weekly digest (installing the app in a team welcomes it once).
 */
export function helpReply(kind: 'welcome' | 'help' | 'unknown', place: Place, typed = ''): Reply {
  const title = {
    welcome: 'Hello. I help you report and check unacceptable customer behaviour.',
    help: 'What I can do',
    unknown: `Sorry, I don’t know “${typed.slice(0, 40)}”. Here is what I can do.`,
  }[kind];
  return {
    summary: title,
    card: renderCard('help', {
      title,
      intro: INTRO[place],
      commands: COMMANDS.filter((c) => worksIn(c, place)).map((c) => ({ usage: c.usage, description: c.description })),
      personal: place === 'personal',
      footnote:
        'If anyone is in danger now, call 999 first. Reports are seen by the Customer Experience team; customers’ details are shared on a need-to-know basis.',
    }),
  };
}
