import type { CloudAdapter } from 'botbuilder';
import type { Request, Response } from 'restify';
import type { Logger } from 'pino';
import type { UnacceptableBehaviourBot } from './bot';
import { tenantOf } from './activities';

/**
 * POST /api/messages. Activities from tenants outside the allowed list are refused before any bot logic runs;
 * the adapter then authenticates the request (when an app id is configured) and runs the turn.
 */
export function messagesEndpoint(adapter: CloudAdapter, bot: UnacceptableBehaviourBot, allowedTenantIds: readonly string[], log: Logger) {
  return async (req: Request, res: Response): Promise<void> => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') {
      res.send(400, { code: 'BadRequest', message: 'The body must be a Bot Framework activity (a JSON object with a type)' });
      return;
    }
    if (allowedTenantIds.length > 0) {
      const tenant = tenantOf(body as Parameters<typeof tenantOf>[0]);
      if (!tenant || !allowedTenantIds.includes(tenant)) {
        log.warn({ tenant }, 'activity from a tenant that is not allowed');
        res.send(403, { code: 'TenantNotAllowed', message: 'This bot is not available to your organisation' });
        return;
      }
    }
    await adapter.process(req, res, (context) => bot.run(context));
  };
}
