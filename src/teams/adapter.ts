import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory, type TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Config } from '../config';

/**
 * The Bot Framework adapter. With an app id, every request's JWT is validated (no or bad token → 401);
 * without one (local mode, loopback only) requests are not authenticated.
 */
export function createAdapter(config: Config, log: Logger): CloudAdapter {
  const a = config.auth;
  const settings = {
    MicrosoftAppId: a?.appId ?? '',
    MicrosoftAppPassword: a?.appPassword ?? '',
    MicrosoftAppType: a?.appType ?? 'MultiTenant',
    MicrosoftAppTenantId: a?.tenantId ?? '',
  };
  const auth = new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings));
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    log.error({ err: error, activityType: context.activity.type, activityName: context.activity.name }, 'turn failed');
    if (context.activity.type === 'message') {
      await context
        .sendActivity('Sorry, something went wrong on our side and nothing was saved. Please try again in a minute.')
        .catch(() => undefined);
    }
  };
  return adapter;
}
