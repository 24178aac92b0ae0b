import { renderCard, type AdaptiveCard } from '../cards/render';
import type { Reply } from './context';

/** How a turn ended without its answer: it failed, or it ran past its deadline; and whether it had written anything. */
export interface Unfinished {
  why: 'failed' | 'timeout';
  wrote: boolean;
}

/**
 * The truth about an unfinished turn, in the person's words. "Nothing was saved" only when no write was issued (and a
 * late turn that wrote nothing is stopped from writing); otherwise the write may or may not have landed, and since
 * every submission and decision is idempotent, pressing again is always safe.
 */
function explain(u: Unfinished, again: string): { title: string; text: string } {
  const cause = u.why === 'timeout' ? 'This is taking longer than it should' : 'Something went wrong on our side';
  return u.wrote
    ? { title: 'Not confirmed yet', text: `${cause}, so this is not confirmed yet. ${again}: it cannot be recorded twice.` }
    : { title: 'Nothing was saved', text: `${cause} and nothing was saved. ${again} in a moment.` };
}

/** Card data echoed back on "Try again" is a request, never trusted as a record; a huge one is not worth carrying (bytes of JSON). */
const MAX_RETRY_DATA_BYTES = 12_000;

/** The card that replaces the one clicked: what happened, and a button that sends the same action again. */
export function unfinishedActionCard(u: Unfinished, verb: string, data: Record<string, unknown>): AdaptiveCard {
  const canRetry = Buffer.byteLength(JSON.stringify(data), 'utf8') <= MAX_RETRY_DATA_BYTES;
  const { title, text } = explain(u, canRetry ? 'Press “Try again”' : 'Open the card again and press it once more');
  return renderCard('retry', { title, text, canRetry, verb, data: canRetry ? data : {} });
}

/** The reply to a chat message whose answer did not come in time. */
export function unfinishedMessageReply(u: Unfinished): Reply {
  const { text } = explain(u, 'Send it again');
  return { text };
}
