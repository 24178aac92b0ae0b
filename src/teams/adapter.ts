import {
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import type { Activity, InvokeResponse } from 'botbuilder';
import {
  AuthenticationConstants,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
} from 'botframework-connector';

import type { Logger } from 'pino';
import type { Config } from '../config';

export interface AdapterOptions {
  /** Where the Bot Connector's token signing keys are published (tests point it at a local server). */
  openIdMetadataUrl?: string;
}

/** The connector client's own HTTP pipeline, reached to bound it (botbuilder gives no option for either). */
interface Pipeline {
  removePolicy(options: { name: string }): unknown;
  addPolicy(policy: { name: string; sendRequest: (request: { timeout: number }, next: (r: unknown) => Promise<unknown>) => Promise<unknown> }): void;
}

/**
 * Every Bot Connector call, in a turn or proactive, gets a timeout and no retries of its own: a reply that fails is
 * reported at once, and the outbox's retry policy (with jitter) is the only one for proactive messages. Left alone,
 * the client retried each call 3 times with delays up to a minute, inside each of the outbox's 8 attempts.
 */
function bounded(client: ConnectorClient, timeoutMs: number): ConnectorClient {
  const pipeline = (client as unknown as { client?: { pipeline?: Pipeline } }).client?.pipeline;
  if (!pipeline) throw new Error('botbuilder changed its connector client: cannot bound Bot Connector calls');
  pipeline.removePolicy({ name: 'defaultRetryPolicy' });
  pipeline.addPolicy({
    name: 'ubConnectorTimeout',
    sendRequest: (request, next) => {
      request.timeout = timeoutMs;
      return next(request);
    },
  });
  return client;
}

class BoundedAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    settings: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[0] & object,
    private readonly timeoutMs: number,
  ) {
    super(settings, new ConfigurationServiceClientCredentialFactory(settings));
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const inner = super.createConnectorFactory(claimsIdentity);
    const timeoutMs = this.timeoutMs;
    return new (class extends ConnectorFactory {
      async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        return bounded(await inner.create(serviceUrl, audience), timeoutMs);
      }
    })();
  }
}

/** CloudAdapter, with its turn entry point taking a request the endpoint has already authenticated. */
export class TeamsAdapter extends CloudAdapter {
  constructor(private readonly auth: BoundedAuthentication) {
    super(auth);
  }

  runAuthenticated(
    authenticated: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    // botbuilder hands the turn the connector factory it made while authenticating, not ours: replies in a turn must
    // be bounded too.
    const connectorFactory = this.auth.createConnectorFactory(authenticated.claimsIdentity);
    return this.processActivity({ ...authenticated, connectorFactory }, activity, logic);
  }
}

export interface TeamsRuntime {
  adapter: TeamsAdapter;
  auth: ConfigurationBotFrameworkAuthentication;
}

/**
 * The Bot Framework adapter and its authentication. With an app id, every request's JWT is validated (the endpoint
 * asks before anything else); without one (local mode, loopback only) requests are not authenticated.
 */
export function createTeamsRuntime(config: Config, log: Logger, options: AdapterOptions = {}): TeamsRuntime {
  const a = config.auth;
  const settings = {
    MicrosoftAppId: a?.appId ?? '',
    MicrosoftAppPassword: a?.appPassword ?? '',
    MicrosoftAppType: a?.appType ?? 'MultiTenant',
    MicrosoftAppTenantId: a?.tenantId ?? '',
    // Naming one endpoint makes botbuilder expect all of them: the public cloud's, with the keys' URL replaced.
    ...(options.openIdMetadataUrl
      ? {
          ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
          ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
          ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
          OAuthUrl: AuthenticationConstants.OAuthUrl,
          ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
          CallerId: CallerIdConstants.PublicAzureChannel,
          ToBotFromChannelOpenIdMetadataUrl: options.openIdMetadataUrl,
        }
      : {}),
  };
  const auth = new BoundedAuthentication(settings, config.limits.connectorTimeoutMs);
  const adapter = new TeamsAdapter(auth);
  adapter.onTurnError = (context: TurnContext, error: Error) => {
    // The bot answers its own failures (src/teams/bot.ts); what reaches here is a failure to send that answer.
    log.error({ err: error, activityType: context.activity.type, activityName: context.activity.name }, 'turn failed');
    return Promise.resolve();
  };
  return { adapter, auth };
}
