import type { Recorded } from './connector';
import { PEOPLE, type Harness, type PersonKey } from './harness';
import { waitUntil } from './wait';

/** The fake connector's path for a person's personal chat with the bot. */
export const conversationPath = (who: PersonKey) => `/v3/conversations/${encodeURIComponent(`a:personal-${PEOPLE[who].id}`)}/activities`;

/** A proactive message (not a reply) to this person. */
export const proactiveTo = (who: PersonKey) => (r: Recorded) => r.method === 'POST' && r.path.startsWith(conversationPath(who));

/** A sign-off card sent to this person. */
export const signOffCardTo = (who: PersonKey) => (r: Recorded) => proactiveTo(who)(r) && String(r.body.summary).startsWith('Sign-off needed');

/** Waits (bounded) until the fake connector has recorded `count` things matching; says what it did record if not. */
export async function waitFor(h: Harness, what: string, match: (r: Recorded) => boolean, count = 1, ms = 10_000): Promise<Recorded[]> {
  let found: Recorded[] = [];
  await waitUntil(
    () => `${what}; recorded: ${h.connector.received.map((r) => `${r.method} ${r.path} ${String(r.body.summary)}`).join(' | ')}`,
    () => (found = h.connector.received.filter(match)).length >= count,
    ms,
    20,
  );
  return found;
}
