import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './log';
import { SAMPLE_DIRECTORY_FILE } from './paths';
import { startEmbeddedCosmos, type EmbeddedCosmos } from './store/embedded';
import { cosmosReachable, openCosmos, type CosmosStore } from './store/cosmos';
import { IncidentStore } from './store/incidents';
import { FileDirectory } from './directory/file-directory';
import type { Directory } from './directory/directory';
import type { AppContext } from './app/context';
import { createAdapter } from './teams/adapter';
import { UnacceptableBehaviourBot } from './teams/bot';
import { messagesEndpoint } from './teams/endpoint';
import { startHttpServer } from './http/server';

export interface Running {
  url: string;
  cosmos: CosmosStore;
  embedded: EmbeddedCosmos | null;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  now?: () => Date;
  directory?: Directory;
}

/** The composition root: config → store → directory → bot → HTTP server. */
export async function start(config: Config, options: StartOptions = {}): Promise<Running> {
  const log = options.log ?? createLogger(config.logLevel);
  const embedded = config.cosmos.mode === 'embedded' ? await startEmbeddedCosmos() : null;
  if (embedded)
    log.warn({ endpoint: embedded.endpoint }, 'LOCAL MODE: data is held IN MEMORY by the embedded Cosmos server and is lost when the bot stops');
  const cosmos = await openCosmos(
    config.cosmos.mode === 'embedded' ? { endpoint: embedded!.endpoint, database: config.cosmos.database } : config.cosmos,
  );
  const directory = options.directory ?? (await FileDirectory.load(config.directoryFile ?? SAMPLE_DIRECTORY_FILE));
  const app: AppContext = {
    incidents: new IncidentStore(cosmos.containers),
    directory,
    now: options.now ?? (() => new Date()),
    newId: randomUUID,
  };
  const adapter = createAdapter(config, log);
  const bot = new UnacceptableBehaviourBot(app, log);
  const http = await startHttpServer({
    host: config.host,
    port: config.port,
    messages: messagesEndpoint(adapter, bot, config.allowedTenantIds, log),
    ready: () => cosmosReachable(cosmos),
    log,
  });
  log.info({ url: `${http.url}/api/messages`, auth: config.auth ? 'on' : 'off (loopback only)' }, 'bot listening');
  return {
    url: http.url,
    cosmos,
    embedded,
    close: async () => {
      await http.close();
      cosmos.client.dispose();
      await embedded?.close();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  const running = await start(config, { log });
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down: no new requests, finishing those in flight');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
