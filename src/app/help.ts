import { renderCard } from '../cards/render';
import { COMMANDS } from './commands';
import type { Reply } from './context';

/**
 * The welcome card on install and the answer to `help` (or to anything not understood). In a channel or group chat it
 * lists only the commands that work there and has no report button: a card's answer would be seen by everyone.
 */
export function helpReply(kind: 'welcome' | 'help' | 'unknown', personal: boolean, typed = ''): Reply {
  const title = {
    welcome: 'Hello. I help you report and check unacceptable customer behaviour.',
    help: 'What I can do',
    unknown: `Sorry, I don’t know “${typed.slice(0, 40)}”. Here is what I can do.`,
  }[kind];
  return {
    summary: title,
    card: renderCard('help', {
      title,
      intro: personal
        ? 'Your safety comes first. Report any incident of aggressive or abusive behaviour, unreasonable demands or unreasonable persistence under the Unacceptable Behaviour Policy. Type a command:'
        : 'Your safety comes first. Reports and customer checks are private: open a personal chat with me to use them. Here you can type:',
      commands: COMMANDS.filter((c) => personal || !c.personalOnly).map((c) => ({ usage: c.usage, description: c.description })),
      personal,
      footnote:
        'If anyone is in danger now, call 999 first. Reports are seen by the Customer Experience team; customers’ details are shared on a need-to-know basis.',
    }),
  };
}
