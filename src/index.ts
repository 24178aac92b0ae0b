import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { ManagedIdentityCredential } from '@azure/identity';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './log';
import { SAMPLE_DIRECTORY_FILE } from './paths';
import { startEmbeddedCosmos, type EmbeddedCosmos } from './store/embedded';
import { cosmosReachable, openCosmos, type CosmosStore } from './store/cosmos';
import { IncidentStore } from './store/incidents';
import { CustomerStore } from './store/customers';
import { buildMissingSummaries } from './store/summaries';
import { rekeyConversations } from './store/conversation-keys';
import { MeasureStore } from './store/measures';
import { AppealStore } from './store/appeals';
import { LetterStore } from './store/letters';
import { CaseRecordStore } from './store/case-records';
import { OutboxStore } from './store/outbox';
import { ConversationStore } from './store/conversations';
import { AuditStore } from './store/audit';
import { DigestStore } from './store/digest';
import { SubscriptionStore } from './store/subscriptions';
import { FileDirectory } from './directory/file-directory';
import { GraphDirectory, graphClient } from './directory/graph-directory';
import { GraphInstaller } from './directory/graph-installer';
import { GraphLibrary } from './directory/graph-library';
import { OfferStore } from './store/offers';
import { ChatFiles } from './teams/file-consent';
import { CachedDirectory } from './directory/cached-directory';
import type { Directory, Installer } from './app/ports';
import type { AppContext } from './app/context';
import type { Messenger } from './app/messenger';
import { signOffCardNow } from './app/signoff/decide';
import { appealCardNow } from './app/appeals/requests';
import { undeliveredNotice } from './app/notices';
import { OutboxDispatcher } from './jobs/outbox-dispatcher';
import { Scheduler } from './jobs/scheduler';
import { Schedule } from './jobs/schedule';
import { JobLeaseStore } from './store/leases';
import { JOB_NAMES, type Job, type JobName } from './app/jobs';
import { runDigest } from './app/digest/job';
import { runReminders } from './app/reminders/job';
import { runLapses } from './app/measures/lapses-job';
import { runRetention } from './app/retention/job';
import { RetentionStore } from './store/retention';
import { jobsEndpoint } from './http/jobs';
import { UK_TIME_ZONE } from './domain/time';
import { createTeamsRuntime } from './teams/adapter';
import { UnacceptableBehaviourBot } from './teams/bot';
import { messagesEndpoint } from './teams/endpoint';
import { TeamsMessenger } from './teams/messenger';
import { startHttpServer } from './http/server';
import { Admission } from './http/admission';
import { outsideTurn } from './app/turn';
import { withinDeadline } from './deadline';
import { loadDotEnv } from './env-file';
import { checkPolicyText } from './policy-check';
import { policyVersion } from './domain/policy';

export interface Running {
  url: string;
  cosmos: CosmosStore;
  embedded: EmbeddedCosmos | null;
  dispatcher: OutboxDispatcher;
  /** What every use case is handed (tests run a job for a chosen slot with it). */
  app: AppContext;
  /** Runs the scheduled jobs (tests await its ticks and runs). */
  scheduler: Scheduler;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  now?: () => Date;
  directory?: Directory;
  /** Replaces the Teams messenger (tests of the dispatcher's own behaviour). */
  messenger?: Messenger;
  /** Replaces the Graph installer (tests: one against a local Graph stand-in). */
  installer?: Installer;
  /** Replaces job bodies (tests of the scheduler's and the jobs endpoint's own behaviour). */
  jobs?: Partial<Record<JobName, Job>>;
  /** Where the Bot Connector's token signing keys are published (tests: a local server). */
  openIdMetadataUrl?: string;
}

/** The identity that calls Microsoft Graph: the one the bot runs as, named in the manifest's webApplicationInfo. */
const graphIdentity = (d: Extract<Config['directory'], { mode: 'graph' }>) =>
  new ManagedIdentityCredential(d.managedIdentityClientId ? { clientId: d.managedIdentityClientId } : {});

async function openDirectory(config: Config): Promise<Directory> {
  const d = config.directory;
  if (d.mode === 'file') return FileDirectory.load(d.file ?? SAMPLE_DIRECTORY_FILE);
  return new CachedDirectory(
    GraphDirectory.create({
      credential: graphIdentity(d),
      caseManagerGroupId: d.caseManagerGroupId,
      adminGroupId: d.adminGroupId,
      dataProtectionGroupId: d.dataProtectionGroupId,
      serviceAreas: d.serviceAreas,
      timeoutMs: config.limits.graphTimeoutMs,
    }),
  );
}

/**
 * Installing the app for someone who has never chatted with the bot (docs/rules.md#R-outbox-install), through Graph as
 * the identity that reads the directory: so only with the Graph directory. Off otherwise, with a line saying why.
 */
function openInstaller(config: Config, conversations: ConversationStore, log: Logger): Installer | undefined {
  const { directory: d, auth, teamsApp } = config;
  const off = (why: string, level: 'info' | 'warn' = 'warn') => {
    log[level](
      `installing the app for people who have never chatted with the bot is off: ${why}; messages to them fail and the case managers are told`,
    );
    return undefined;
  };
  if (d.mode !== 'graph') return off('it needs the Microsoft Graph directory (the local directory file is in use)', 'info');
  if (!auth) return off("it needs the bot's app id (MicrosoftAppId)");
  if (!teamsApp.catalogId && !teamsApp.manifestId)
    return off('set TEAMS_CATALOG_APP_ID, or TEAMS_APP_ID (the manifest id) to look it up in the app catalogue');
  log.info(
    { catalogAppId: teamsApp.catalogId, manifestAppId: teamsApp.manifestId },
    'the app is installed for people who have never chatted with the bot',
  );
  return new GraphInstaller({
    client: graphClient(graphIdentity(d)),
    catalogAppId: teamsApp.catalogId,
    manifestAppId: teamsApp.manifestId,
    botAppId: auth.appId,
    serviceUrl: teamsApp.serviceUrl,
    tenantId: auth.tenantId || null,
    stored: () => conversations.teamsAddress(),
    timeoutMs: config.limits.graphTimeoutMs,
  });
}

/** The composition root: config → store → directory → bot → HTTP server, plus the outbox dispatcher. */
export async function start(config: Config, options: StartOptions = {}): Promise<Running> {
  checkPolicyText(); // the policy text the app carries must be the one POLICY names: decisions record it
  const log = options.log ?? createLogger(config.logLevel);
  const now = options.now ?? (() => new Date());
  const embedded = config.cosmos.mode === 'embedded' ? await startEmbeddedCosmos() : null;
  if (config.auth && !config.policyAdoptedOn)
    log.warn('POLICY_ADOPTED_ON is not set: decisions will record "adoption date not configured" with the policy version');
  if (embedded)
    log.warn({ endpoint: embedded.endpoint }, 'LOCAL MODE: data is held IN MEMORY by the embedded Cosmos server and is lost when the bot stops');
  const cosmos = await openCosmos({
    ...(embedded
      ? { endpoint: embedded.endpoint, database: config.cosmos.database }
      : (config.cosmos as Exclude<Config['cosmos'], { mode: 'embedded' }>)),
    timeoutMs: config.limits.cosmosTimeoutMs,
  });
  const atomicBatch = config.cosmos.mode === 'remote' && config.cosmos.atomicBatch; // the embedded server's batch is not atomic (docs/architecture.md#commit)
  const directory = options.directory ?? (await openDirectory(config));
  const runtime = createTeamsRuntime(config, log, { openIdMetadataUrl: options.openIdMetadataUrl });
  await buildMissingSummaries(cosmos, log);
  await rekeyConversations(cosmos, log);
  const customers = new CustomerStore(cosmos, atomicBatch);
  const conversations = new ConversationStore(cosmos);
  const outbox = new OutboxStore(cosmos);
  const teamsMessenger = new TeamsMessenger(runtime.adapter, config.auth?.appId ?? '');
  const messenger = options.messenger ?? teamsMessenger;
  // Files go to the document library when there is one; else they are offered in the person's chat (docs/architecture.md#files).
  const chatFiles = new ChatFiles({
    offers: new OfferStore(cosmos),
    conversations,
    messenger: teamsMessenger,
    uploadTimeoutMs: config.limits.messageDeadlineMs,
    allowLoopbackUpload: config.auth === null,
    newId: randomUUID,
    log,
  });
  const library =
    config.filesDriveId && config.directory.mode === 'graph'
      ? GraphLibrary.create({ credential: graphIdentity(config.directory), driveId: config.filesDriveId, timeoutMs: config.limits.graphTimeoutMs })
      : null;
  // Parsed once: the scheduler runs by them, and the digest's answer says when it next comes.
  const schedules = Object.fromEntries(JOB_NAMES.map((name) => [name, new Schedule(config.jobs.schedules[name])])) as Record<JobName, Schedule>;
  const app: AppContext = {
    customers,
    incidents: new IncidentStore(cosmos),
    measures: new MeasureStore(cosmos),
    appeals: new AppealStore(cosmos),
    letters: new LetterStore(cosmos),
    cases: new CaseRecordStore(cosmos),
    conversations,
    audit: new AuditStore(cosmos),
    directory,
    outbox,
    nextDigestAt: (after) => schedules.digest.next(after),
    files: library ?? chatFiles,
    // Delivery is background work: it must not carry the state of the turn that queued it.
    notify: (entries) => outsideTurn(() => dispatcher.kick(entries)),
    now,
    newId: randomUUID,
    policyVersion: policyVersion(config.policyAdoptedOn),
    log,
    subscriptions: new SubscriptionStore(cosmos),
    digest: new DigestStore(cosmos),
    botAppId: config.auth?.appId ?? null,
  };
  const dispatcher = new OutboxDispatcher({
    outbox,
    // Where batches are not atomic, a decision a failure left half written is completed before each poll.
    recover: atomicBatch ? undefined : (full) => customers.completePending(full),
    conversations,
    directory,
    messenger,
    now,
    log,
    undeliveredNotice,
    // Sign-off and appeal cards are rendered when delivered, from the measure or appeal as it is then.
    cardFor: (subject, customerKey) =>
      'appealId' in subject ? appealCardNow(app, subject.appealId, customerKey) : signOffCardNow(app, subject.measureId, customerKey),
    pollMs: config.outboxPollMs,
    scanMs: config.outboxScanMs,
    installer: options.installer ?? openInstaller(config, conversations, log),
  });
  const retention = { records: new RetentionStore(cosmos), months: config.jobs.retentionMonths };
  const jobBodies: Record<JobName, Job> = {
    digest: (slot) => runDigest(app, slot),
    reminders: (slot) => runReminders(app, slot),
    lapses: (slot) => runLapses(app, slot),
    retention: (slot) => runRetention(app, slot, retention),
    ...options.jobs,
  };
  const scheduler = new Scheduler({
    leases: new JobLeaseStore(cosmos),
    jobs: Object.fromEntries(JOB_NAMES.map((name) => [name, { schedule: schedules[name], run: jobBodies[name] }])),
    now,
    log,
    leaseMs: config.jobs.leaseMs,
    tickMs: config.jobs.tickMs,
    instanceId: `${hostname()}/${randomUUID().slice(0, 8)}`,
  });
  const limits = config.limits;
  const bot = new UnacceptableBehaviourBot(app, log, {
    requireEntraId: config.auth !== null,
    actionDeadlineMs: limits.actionDeadlineMs,
    messageDeadlineMs: limits.messageDeadlineMs,
    fileConsent: chatFiles,
  });
  const http = await startHttpServer({
    host: config.host,
    port: config.port,
    messages: messagesEndpoint({
      runtime,
      bot,
      allowedTenantIds: config.allowedTenantIds,
      admission: new Admission(limits.maxTurnsInFlight, limits.reservedTurns),
      authTimeoutMs: limits.connectorTimeoutMs,
      log,
    }),
    ready: () => cosmosReachable(cosmos),
    log,
    maxBodyBytes: limits.maxBodyBytes,
    jobs: config.jobs.secret ? jobsEndpoint({ secret: config.jobs.secret, runner: scheduler, waitMs: config.jobs.waitMs, log }) : undefined,
  });
  dispatcher.start();
  scheduler.start();
  log.info(
    { schedules: config.jobs.schedules, timeZone: UK_TIME_ZONE },
    config.jobs.secret ? 'jobs scheduled; POST /api/jobs/:name is on' : 'jobs scheduled; POST /api/jobs/:name is off (JOBS_SECRET is not set)',
  );
  log.info({ url: `${http.url}/api/messages`, auth: config.auth ? 'on' : 'off (loopback only)', directory: config.directory.mode }, 'bot listening');
  return {
    url: http.url,
    cosmos,
    embedded,
    dispatcher,
    app,
    scheduler,
    close: async () => {
      // Bounded: turns and deliveries have deadlines of their own, but shutdown must end even if one does not.
      // Unsent outbox entries stay in Cosmos for the next start.
      const stopped = (async () => {
        await http.close();
        await scheduler.stop(); // a run in hand finishes and releases its lease; its messages are then delivered
        await dispatcher.stop();
      })();
      if ((await withinDeadline(stopped, limits.shutdownTimeoutMs)) === 'late')
        log.warn({ timeoutMs: limits.shutdownTimeoutMs }, 'shutdown timed out: stopping anyway');
      cosmos.client.dispose();
      await embedded?.close();
    },
  };
}

async function main(): Promise<void> {
  loadDotEnv(); // .env next to package.json, if present; variables already set win
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
