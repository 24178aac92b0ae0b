import type { Activity } from 'botbuilder';
import { AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import type { Request, Response } from 'restify';
import type { Logger } from 'pino';
import type { Handler } from '../http/server';
import { withinDeadline } from '../deadline';
import type { Admission } from '../http/admission';
import { isPriorityTurn } from '../app/router';
import type { UnacceptableBehaviourBot } from './bot';
import type { TeamsRuntime } from './adapter';
import { parseActivity, tenantOf } from './activities';

export interface EndpointOptions {
  runtime: TeamsRuntime;
  bot: UnacceptableBehaviourBot;
  allowedTenantIds: readonly string[];
  admission: Admission;
  /** How long token validation may take (fetching the signing keys included) before the answer is 503. */
  authTimeoutMs: number;
  log: Logger;
}

const RETRY_AFTER_SECONDS = '2';

function refuse(res: Response, status: number, code: string, message: string): void {
  if (status === 503) res.header('Retry-After', RETRY_AFTER_SECONDS);
  res.send(status, { code, message });
}

function priorityOf(activity: Activity): boolean {
  const verb = (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
  return isPriorityTurn(activity.type === 'invoke' ? { verb: typeof verb === 'string' ? verb : '' } : { text: activity.text ?? '' });
}

/**
 * Whether validation failed on our side (the signing keys could not be fetched) rather than the token's: only then
 * is the answer 503. botbuilder lets some token errors through unwrapped (a bad signature, not yet valid), so anything
 * that is not clearly a fetch failure is the caller's (401).
 */
function keysUnavailable(error: unknown): boolean {
  if (error instanceof AuthenticationError) return error.statusCode >= 500;
  const e = error as { name?: unknown; code?: unknown; type?: unknown };
  return e?.name === 'FetchError' || e?.name === 'AbortError' || e?.type === 'system' || (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code));
}

type Authenticated = { ok: AuthenticateRequestResult } | { status: 401 | 503 };

/**
 * Token first: an unauthenticated caller learns nothing else (not even whether a tenant is allowed). A token that
 * cannot be checked because the signing keys cannot be fetched is a passing fault (503), not the caller's.
 */
async function authenticate(o: EndpointOptions, activity: Activity, header: string): Promise<Authenticated> {
  try {
    const first = await withinDeadline(o.runtime.auth.authenticateRequest(activity, header), o.authTimeoutMs);
    if (first !== 'late') return { ok: first.value };
    o.log.warn('token validation timed out (signing keys unreachable?)');
    return { status: 503 };
  } catch (error) {
    if (!keysUnavailable(error)) return { status: 401 };
    o.log.warn({ err: error }, 'token could not be validated: signing keys unavailable');
    return { status: 503 };
  }
}

/**
 * POST /api/messages: a well-formed activity (400) → room for the turn (503) → authenticated (401, or 503 when the
 * keys cannot be fetched) → from an allowed tenant (403) → the turn. Answers never carry internal causes.
 */
export function messagesEndpoint(o: EndpointOptions): Handler {
  return async (body: unknown, req: Request, res: Response): Promise<void> => {
    const parsed = parseActivity(body);
    if ('problem' in parsed) return refuse(res, 400, 'BadRequest', parsed.problem);
    const activity = parsed.activity;
    const release = o.admission.enter(priorityOf(activity));
    if (!release) return refuse(res, 503, 'Busy', 'The bot is busy: try again in a few seconds');
    try {
      const header = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
      const auth = await authenticate(o, activity, header);
      if ('status' in auth)
        return auth.status === 401
          ? refuse(res, 401, 'Unauthorized', 'The request is not authenticated')
          : refuse(res, 503, 'AuthUnavailable', 'The request could not be authenticated just now: try again');
      if (o.allowedTenantIds.length > 0) {
        const tenant = tenantOf(activity);
        if (!tenant || !o.allowedTenantIds.includes(tenant)) {
          o.log.warn({ tenant }, 'activity from a tenant that is not allowed');
          return refuse(res, 403, 'TenantNotAllowed', 'This bot is not available to your organisation');
        }
      }
      const answer = await o.runtime.adapter.runAuthenticated(auth.ok, activity, (context) => o.bot.run(context));
      if (answer) res.send(answer.status, answer.body);
      else res.send(200);
    } finally {
      release();
    }
  };
}
