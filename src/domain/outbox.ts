import type { Person } from './records';

/** Where a proactive message goes: a person's personal chat with the bot, or a known conversation. */
export type Recipient = { kind: 'person'; personId: string } | { kind: 'conversation'; conversationKey: string };

/**
 * A message waiting to be delivered (docs/rules.md#R-outbox-with-the-decision): written together with the decision that caused it,
 * so nothing is lost if Teams or the process fails; the dispatcher delivers it at least once and records success.
 */
export interface OutboxEntry {
  type: 'outbox';
  id: string;
  customerKey: string;
  status: 'pending' | 'sent' | 'failed';
  recipient: Recipient;
  action: OutboxAction;
  /** The id Teams gave the message this entry sent (kept so `update` entries can replace it). */
  activityId: string | null;
  /** Whether a failed delivery to a dead conversation falls back to the case managers (not for the fallback itself). */
  fallback: boolean;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  createdBy: Person | null;
  sentAt: string | null;
  lastError: string | null;
}

/** The record a card shows, rendered when it is delivered: a measure awaiting (or past) sign-off, or an appeal (§7). */
export type Subject = { measureId: string } | { appealId: string };

/**
 * send: a message rendered when it was queued (a notice). show: a card rendered from its subject as it is when
 * delivered (a sign-off request), so it is never sent out of date. update: brings the message a `show` entry sent up
 * to date (entry id `of`), again from its subject as it is then; so updates can arrive in any order and never roll back.
 */
export type OutboxAction =
  | { kind: 'send'; card: Record<string, unknown>; summary: string }
  | { kind: 'show'; subject: Subject; summary: string }
  | { kind: 'update'; of: string };

export function outboxEntry(
  id: string,
  customerKey: string,
  recipient: Recipient,
  action: OutboxAction,
  now: Date,
  extra: Partial<Pick<OutboxEntry, 'fallback' | 'createdBy'>> = {},
): OutboxEntry {
  return {
    type: 'outbox',
    id,
    customerKey,
    status: 'pending',
    recipient,
    action,
    activityId: null,
    fallback: extra.fallback ?? true,
    attempts: 0,
    nextAttemptAt: now.toISOString(),
    createdAt: now.toISOString(),
    createdBy: extra.createdBy ?? null,
    sentAt: null,
    lastError: null,
  };
}

/** Statuses worth retrying (docs/rules.md#R-outbox-retry): throttled, conflict, and gateway/unavailable errors. */
export const RETRYABLE_STATUSES = [429, 412, 502, 503, 504];
/** Statuses meaning the bot can no longer reach that conversation (uninstalled, blocked, deleted). */
export const DEAD_STATUSES = [403, 404];
export const MAX_ATTEMPTS = 8;

/**
 * Exponential backoff with a cap and jitter (half to all of the step, so many entries failing together do not come
 * back together), never sooner than the server's Retry-After. `random` is in [0, 1): Math.random in production.
 * This is the only retry policy for proactive messages: the connector client makes no retries of its own.
 */
export function nextAttemptDelayMs(attempts: number, retryAfterMs: number | null, random: number): number {
  const step = Math.min(60_000, 500 * 2 ** Math.max(0, attempts - 1));
  return Math.max(Math.round(step * (0.5 + random / 2)), retryAfterMs ?? 0);
}

/** Statuses worth installing the app again (docs/rules.md#R-outbox-install): Microsoft Graph throttled, or a server error that passes. */
export const INSTALL_RETRYABLE_STATUSES = [429, 500, 502, 503, 504];

/**
 * What one delivery attempt came to: delivered, or refused with the channel's HTTP status (null: no answer at all).
 * `installing`: refused while installing the app for someone who had never chatted with the bot, by Microsoft Graph
 * (`message` then says why in words a case manager can act on), not by Teams.
 */
export type AttemptResult =
  { delivered: true } | { delivered: false; status: number | null; retryAfterMs: number | null; message: string; installing?: boolean };

/** What to do next with an entry after an attempt. */
export type NextStep =
  | { step: 'sent' }
  | { step: 'retry'; delayMs: number; why: string }
  /** The conversation is gone (uninstalled, blocked, deleted): mark it dead and tell the case managers. */
  | { step: 'dead'; status: number; why: string }
  /** Not worth trying again: tell the case managers so nothing is silently lost. */
  | { step: 'give-up'; why: string };

/**
 * The delivery policy (the dispatcher only schedules): retry what may pass (throttling, conflicts, gateways, no answer)
 * with jittered backoff until MAX_ATTEMPTS; a gone conversation is dead; anything else is refused for good. Installing
 * the app follows the same policy with Graph's passing statuses, and a refusal there never marks anyone dead: only Teams
 * refusing a message says the person removed or blocked the bot. `attempts` counts the attempt just made; `random` is in [0, 1).
 */
export function afterAttempt(result: AttemptResult, attempts: number, random: number): NextStep {
  if (result.delivered) return { step: 'sent' };
  const { status, message, installing = false } = result;
  if (!installing && status !== null && DEAD_STATUSES.includes(status))
    return { step: 'dead', status, why: `Teams answered ${status}: the bot can no longer reach them` };
  if (attempts >= MAX_ATTEMPTS) return { step: 'give-up', why: `gave up after ${attempts} attempts: ${message}` };
  if (status !== null && !(installing ? INSTALL_RETRYABLE_STATUSES : RETRYABLE_STATUSES).includes(status))
    return { step: 'give-up', why: installing ? message : `Teams refused it (${status}): ${message}` };
  return { step: 'retry', delayMs: nextAttemptDelayMs(attempts, result.retryAfterMs, random), why: message.slice(0, 500) };
}
