/** Where a message is typed: a personal chat with the bot, a channel of a team, or any other chat (a group chat). */
export type Place = 'personal' | 'team' | 'group';

/** Where a message was typed; in a team's channel, which one (its conversation key, src/store/conversations.ts) and its team. */
export type Where = { place: 'personal' | 'group' } | { place: 'team'; channelKey: string; teamId: string };

/**
 * Where a command works. `personal` commands show customer or case details, so they answer only in a personal chat
 * with the bot, never where a whole channel would see (need-to-know, docs/rules.md#R-roles-personal-chat); `team`
 * commands are about the channel they are typed in (docs/rules.md#R-digest-subscription); `all` work anywhere.
 */
export type CommandScope = 'personal' | 'team' | 'all';

/**
 * The bot's chat commands: the single list the message router, the help card and the Teams app manifest use.
 * `name` is what the user types first; `usage` shows arguments; `scope` is where it works.
 */
export const COMMANDS = [
  { name: 'report', usage: 'report', description: 'Report unacceptable behaviour by a customer', scope: 'personal' },
  { name: 'check', usage: 'check <customer ref>', description: 'See a customer’s warning markers before a visit', scope: 'personal' },
  { name: 'my reports', usage: 'my reports', description: 'See the incidents you have reported', scope: 'personal' },
  { name: 'case', usage: 'case <reference>', description: 'Open a case in full and propose measures (Customer Experience team)', scope: 'personal' },
  { name: 'pending', usage: 'pending', description: 'Sign-offs and appeals awaiting your decision as Head of Service', scope: 'personal' },
  {
    name: 'reviews',
    usage: 'reviews',
    description: 'Measures due for their six-monthly review, and lapsed ones (Customer Experience team)',
    scope: 'personal',
  },
  {
    name: 'register',
    usage: 'register',
    description: 'Export every measure in force as person alerts for the housing system, a CSV file (Customer Experience team)',
    scope: 'personal',
  },
  {
    name: 'export',
    usage: 'export <customer ref>',
    description: 'Everything held about a customer, a draft for a subject access request (data protection team, admins)',
    scope: 'personal',
  },
  {
    name: 'digest subscribe',
    usage: 'digest subscribe [service area]',
    description: 'Post a weekly digest of counts in this channel, Mondays at 08:00 (admins)',
    scope: 'team',
  },
  { name: 'digest unsubscribe', usage: 'digest unsubscribe', description: 'Stop this channel’s weekly digest (admins)', scope: 'team' },
  { name: 'digest preview', usage: 'digest preview', description: 'This channel’s weekly digest as it would be now (admins)', scope: 'team' },
  { name: 'help', usage: 'help', description: 'What this bot does and how to use it', scope: 'all' },
] as const satisfies readonly { name: string; usage: string; description: string; scope: CommandScope }[];

/** Whether a command works where it is typed. */
export function worksIn(command: { scope: CommandScope }, place: Place): boolean {
  return command.scope === 'all' || command.scope === place;
}

export type CommandName = (typeof COMMANDS)[number]['name'];

export interface ParsedCommand {
  name: CommandName;
  args: string;
}

/** Longest command name first, so "my reports" is not read as "my". Case and extra spaces do not matter. */
export function parseCommand(text: string): ParsedCommand | null {
  const clean = text.trim().replace(/\s+/g, ' ');
  const lower = clean.toLowerCase();
  const byLength = [...COMMANDS].sort((a, b) => b.name.length - a.name.length);
  for (const c of byLength) {
    if (lower === c.name || lower.startsWith(`${c.name} `)) return { name: c.name, args: clean.slice(c.name.length).trim() };
  }
  return null;
}
