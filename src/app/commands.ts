/**
 * The bot's chat commands: the single list the message router, the help card and the Teams app manifest use.
 * `name` is what the user types first; `usage` shows arguments. `personalOnly` commands show customer or case details,
 * so they answer only in a personal chat with the bot, never where a whole channel would see (need-to-know, docs/rules.md#R-roles-personal-chat).
 */
export const COMMANDS = [
  { name: 'report', usage: 'report', description: 'Report unacceptable behaviour by a customer', personalOnly: true },
  { name: 'check', usage: 'check <customer ref>', description: 'See a customer’s warning markers before a visit', personalOnly: true },
  { name: 'my reports', usage: 'my reports', description: 'See the incidents you have reported', personalOnly: true },
  { name: 'case', usage: 'case <reference>', description: 'Open a case in full and propose measures (Customer Experience team)', personalOnly: true },
  { name: 'pending', usage: 'pending', description: 'Sign-offs and appeals awaiting your decision as Head of Service', personalOnly: true },
  {
    name: 'reviews',
    usage: 'reviews',
    description: 'Measures due for their six-monthly review, and lapsed ones (Customer Experience team)',
    personalOnly: true,
  },
  { name: 'help', usage: 'help', description: 'What this bot does and how to use it', personalOnly: false },
] as const;

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
