import { z } from 'zod';
import type { JobName } from './app/jobs';
import { Schedule } from './jobs/schedule';
import { DRIVE_ID } from './directory/graph-library';
import { DEFAULT_RETENTION_MONTHS } from './domain/retention';
import { httpsOrLoopback, isLoopback } from './net';

/** Every environment variable the app reads, documented in README.md and .env.example. */
const booleanText = z.enum(['true', 'false']).transform((v) => v === 'true');
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);
/** An empty setting counts as unset (an App Service setting left blank, a copied .env.example line). */
const blankIsUnset = <T extends z.ZodType>(type: T) => z.preprocess((v) => (v === '' ? undefined : v), type.optional());

/** A job's schedule (src/jobs/schedule.ts), checked here so that a bad one stops the app naming its variable. */
const schedule = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .superRefine((pattern, ctx) => {
      try {
        new Schedule(pattern);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        ctx.addIssue({
          code: 'custom',
          message: `not a cron schedule of five fields in UK time (minute hour day-of-month month day-of-week, e.g. "${fallback}"): ${why}`,
        });
      }
    });

const variables = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).optional(),
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),
  MicrosoftAppTenantId: z.string().default(''),
  ALLOWED_TENANT_IDS: csv.default([]),
  COSMOS_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  COSMOS_KEY: z.string().min(1).optional(),
  COSMOS_USE_MANAGED_IDENTITY: booleanText.default(false),
  COSMOS_DATABASE: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only')
    .default('ubp'),
  AZURE_CLIENT_ID: z.string().optional(),
  DIRECTORY_FILE: z.string().min(1).optional(),
  GRAPH_CASE_MANAGER_GROUP_ID: z.uuid('must be the Entra group object id').optional(),
  GRAPH_ADMIN_GROUP_ID: z.uuid('must be the Entra group object id').optional(),
  GRAPH_DATA_PROTECTION_GROUP_ID: z.uuid('must be the Entra group object id').optional(),
  SERVICE_AREAS_JSON: z.string().min(2).optional(),
  // Installing the app for someone who has never chatted with the bot (docs/rules.md#R-outbox-install).
  TEAMS_APP_ID: blankIsUnset(z.guid('must be the Teams manifest id (a GUID)')),
  TEAMS_CATALOG_APP_ID: blankIsUnset(z.guid("must be the app's id in the organisation's app catalogue (a GUID)")),
  TEAMS_SERVICE_URL: blankIsUnset(z.string().refine(isServiceUrl, 'must be an https URL (plain http only for loopback test servers)')),
  // Where files go (docs/architecture.md#files): this SharePoint document library, or, unset, the person's personal chat.
  FILES_DRIVE_ID: blankIsUnset(z.string().regex(DRIVE_ID, "must be the document library's drive id (b!…, from Graph GET /sites/{site-id}/drives)")),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  OUTBOX_SCAN_MS: ms(1000, 86_400_000, 300_000),
  COSMOS_ATOMIC_BATCH: booleanText.optional(),
  POLICY_ADOPTED_ON: z.iso.date('a date, YYYY-MM-DD').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Limits that keep one request, or a slow dependency, from stalling the bot (README "Security").
  MAX_BODY_KB: z.coerce.number().int().min(16).max(1024).default(256),
  ACTION_DEADLINE_MS: ms(1000, 30_000, 5000),
  MESSAGE_DEADLINE_MS: ms(1000, 60_000, 10_000),
  COSMOS_TIMEOUT_MS: ms(200, 30_000, 2500),
  CONNECTOR_TIMEOUT_MS: ms(200, 30_000, 4000),
  GRAPH_TIMEOUT_MS: ms(200, 30_000, 2500),
  MAX_TURNS_IN_FLIGHT: z.coerce.number().int().min(2).max(10_000).default(48),
  RESERVED_TURNS: z.coerce.number().int().min(0).max(9_999).default(16),
  SHUTDOWN_TIMEOUT_MS: ms(1000, 120_000, 15_000),
  // Scheduled jobs (docs/architecture.md#jobs). Lapses run at five past: off the hour, where reminders run.
  JOBS_SECRET: z.string().optional(),
  DIGEST_SCHEDULE: schedule('0 8 * * 1'),
  REMINDERS_SCHEDULE: schedule('0 * * * *'),
  LAPSES_SCHEDULE: schedule('5 * * * *'),
  // Retention runs nightly at 02:30, when nobody is deciding (docs/rules.md#R-retention-period).
  RETENTION_SCHEDULE: schedule('30 2 * * *'),
  // At least a year: a lapsed measure is listed for review for 30 days, and must not have moved by then.
  RETENTION_MONTHS: z.coerce.number().int().min(12).max(1200).default(DEFAULT_RETENTION_MONTHS),
  JOB_LEASE_MS: ms(1000, 86_400_000, 600_000),
  JOBS_TICK_MS: ms(10, 3_600_000, 30_000),
  JOBS_WAIT_MS: ms(1000, 120_000, 10_000),
});

/** The names of every environment variable the app reads (README, .env.example and infra/ list the same). */
export const CONFIG_VARIABLES = Object.keys(variables.shape);

const serviceAreasSchema = z
  .array(
    z.object({
      id: z.string().regex(/^[a-z0-9-]{2,40}$/),
      name: z.string().min(1),
      headOfService: z.uuid(),
      deputy: z.uuid().nullable(),
      alternates: z.array(z.uuid()).default([]),
    }),
  )
  .min(1);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const schema = variables.superRefine((c, ctx) => {
  const auth = c.MicrosoftAppId !== '';
  if (auth && c.MicrosoftAppType !== 'UserAssignedMSI' && c.MicrosoftAppPassword === '')
    ctx.addIssue({
      code: 'custom',
      path: ['MicrosoftAppPassword'],
      message: 'required when MicrosoftAppId is set (unless MicrosoftAppType=UserAssignedMSI)',
    });
  if (auth && c.MicrosoftAppType !== 'MultiTenant' && c.MicrosoftAppTenantId === '')
    ctx.addIssue({ code: 'custom', path: ['MicrosoftAppTenantId'], message: `required when MicrosoftAppType=${c.MicrosoftAppType}` });
  if (auth && c.ALLOWED_TENANT_IDS.length === 0)
    ctx.addIssue({
      code: 'custom',
      path: ['ALLOWED_TENANT_IDS'],
      message: 'required when MicrosoftAppId is set: list the tenant ids whose users may use the bot',
    });
  if (!auth && c.HOST !== undefined && !isLoopback(c.HOST))
    ctx.addIssue({
      code: 'custom',
      path: ['HOST'],
      message: `refusing to listen on ${c.HOST} without authentication: set MicrosoftAppId, or bind to 127.0.0.1`,
    });
  if (c.COSMOS_ENDPOINT && !c.COSMOS_KEY && !c.COSMOS_USE_MANAGED_IDENTITY)
    ctx.addIssue({ code: 'custom', path: ['COSMOS_KEY'], message: 'set COSMOS_KEY or COSMOS_USE_MANAGED_IDENTITY=true with COSMOS_ENDPOINT' });
  if (!c.COSMOS_ENDPOINT && (c.COSMOS_KEY || c.COSMOS_USE_MANAGED_IDENTITY))
    ctx.addIssue({ code: 'custom', path: ['COSMOS_ENDPOINT'], message: 'required when COSMOS_KEY or COSMOS_USE_MANAGED_IDENTITY is set' });
  if (c.COSMOS_USE_MANAGED_IDENTITY && !c.AZURE_CLIENT_ID)
    ctx.addIssue({
      code: 'custom',
      path: ['AZURE_CLIENT_ID'],
      message: 'required with COSMOS_USE_MANAGED_IDENTITY=true: the client id of the user-assigned managed identity',
    });
  if (auth && c.MicrosoftAppType === 'UserAssignedMSI' && c.AZURE_CLIENT_ID && c.AZURE_CLIENT_ID !== c.MicrosoftAppId)
    ctx.addIssue({
      code: 'custom',
      path: ['AZURE_CLIENT_ID'],
      message: 'with MicrosoftAppType=UserAssignedMSI the bot runs as that identity: AZURE_CLIENT_ID must equal MicrosoftAppId',
    });
  // Each dependency's own bound must fit inside the turn that waits for it, or the deadline answers before it fails.
  for (const name of ['COSMOS_TIMEOUT_MS', 'GRAPH_TIMEOUT_MS'] as const)
    if (c[name] >= c.ACTION_DEADLINE_MS)
      ctx.addIssue({ code: 'custom', path: [name], message: `must be less than ACTION_DEADLINE_MS (${c.ACTION_DEADLINE_MS})` });
  if (c.CONNECTOR_TIMEOUT_MS >= c.MESSAGE_DEADLINE_MS)
    ctx.addIssue({ code: 'custom', path: ['CONNECTOR_TIMEOUT_MS'], message: `must be less than MESSAGE_DEADLINE_MS (${c.MESSAGE_DEADLINE_MS})` });
  if (c.RESERVED_TURNS >= c.MAX_TURNS_IN_FLIGHT)
    ctx.addIssue({ code: 'custom', path: ['RESERVED_TURNS'], message: `must be less than MAX_TURNS_IN_FLIGHT (${c.MAX_TURNS_IN_FLIGHT})` });
  // A renewal at half the lease must have time to land before the lease ends.
  if (c.JOB_LEASE_MS <= 2 * c.COSMOS_TIMEOUT_MS)
    ctx.addIssue({ code: 'custom', path: ['JOB_LEASE_MS'], message: `must be more than twice COSMOS_TIMEOUT_MS (${c.COSMOS_TIMEOUT_MS})` });
  if (c.JOBS_WAIT_MS >= c.SHUTDOWN_TIMEOUT_MS)
    ctx.addIssue({ code: 'custom', path: ['JOBS_WAIT_MS'], message: `must be less than SHUTDOWN_TIMEOUT_MS (${c.SHUTDOWN_TIMEOUT_MS})` });
  if (c.JOBS_SECRET) {
    const problem = jobsSecretProblem(c.JOBS_SECRET);
    if (problem) ctx.addIssue({ code: 'custom', path: ['JOBS_SECRET'], message: problem });
  }
  const graph = [c.GRAPH_CASE_MANAGER_GROUP_ID, c.GRAPH_ADMIN_GROUP_ID, c.SERVICE_AREAS_JSON];
  if (graph.some(Boolean) && !graph.every(Boolean))
    ctx.addIssue({
      code: 'custom',
      path: ['GRAPH_CASE_MANAGER_GROUP_ID'],
      message: 'set all of GRAPH_CASE_MANAGER_GROUP_ID, GRAPH_ADMIN_GROUP_ID and SERVICE_AREAS_JSON to use Microsoft Graph',
    });
  if (auth && !graph.every(Boolean) && !c.DIRECTORY_FILE)
    ctx.addIssue({
      code: 'custom',
      path: ['GRAPH_CASE_MANAGER_GROUP_ID'],
      message:
        'with MicrosoftAppId set, roles must come from a real directory: set the Microsoft Graph settings (or DIRECTORY_FILE), not the sample one',
    });
  if (c.FILES_DRIVE_ID && !graph.every(Boolean))
    ctx.addIssue({
      code: 'custom',
      path: ['FILES_DRIVE_ID'],
      message: 'needs the Microsoft Graph directory settings: files are saved through Graph as the identity that reads the directory',
    });
  if (graph.every(Boolean) && c.DIRECTORY_FILE)
    ctx.addIssue({ code: 'custom', path: ['DIRECTORY_FILE'], message: 'choose one directory: DIRECTORY_FILE or the Microsoft Graph settings' });
  if (c.SERVICE_AREAS_JSON) {
    const areas = serviceAreasSchema.safeParse(safeJson(c.SERVICE_AREAS_JSON));
    if (!areas.success)
      ctx.addIssue({
        code: 'custom',
        path: ['SERVICE_AREAS_JSON'],
        message: `must be a JSON array of {id, name, headOfService, deputy, alternates?} with Entra object ids: ${areas.error.issues[0]?.message}`,
      });
  }
});

/**
 * What is wrong with a JOBS_SECRET, if anything. It is all that stands between anyone who can reach the bot and
 * running a job, so it must be long enough not to be guessed, and a token a bearer header can carry.
 */
function jobsSecretProblem(secret: string): string | null {
  if (secret.startsWith('@Microsoft.KeyVault('))
    return 'is an unresolved Key Vault reference: App Service could not read the secret (the web app identity needs Key Vault Secrets User on the vault, and keyVaultReferenceIdentity must name it)';
  if (secret.length < 32 || secret.length > 1024 || !/^[A-Za-z0-9._~+/-]+=*$/.test(secret))
    return 'must be 32 to 1,024 characters of letters, digits and - . _ ~ + / (e.g. the output of `openssl rand -base64 32`)';
  return null;
}

/** Teams' service URL: https, or plain http to a loopback test server (a message and its token go there). */
function isServiceUrl(text: string): boolean {
  return URL.canParse(text) && httpsOrLoopback(new URL(text));
}

export interface Config {
  port: number;
  host: string;
  auth: { appId: string; appPassword: string; appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI'; tenantId: string } | null;
  allowedTenantIds: string[];
  cosmos:
    | { mode: 'embedded'; database: string }
    | { mode: 'remote'; endpoint: string; key?: string; managedIdentityClientId?: string; database: string; atomicBatch: boolean };
  directory:
    | { mode: 'file'; file: string | undefined }
    | {
        mode: 'graph';
        caseManagerGroupId: string;
        adminGroupId: string;
        /** Subject access exports (docs/rules.md#R-export-who); null: admins only. */
        dataProtectionGroupId: string | null;
        serviceAreas: z.infer<typeof serviceAreasSchema>;
        managedIdentityClientId: string | undefined;
      };
  /** Installing the app for someone who has never chatted with the bot, with the Graph directory only (docs/rules.md#R-outbox-install). */
  teamsApp: { manifestId: string | null; catalogId: string | null; serviceUrl: string | null };
  /** The SharePoint document library files are saved to (docs/architecture.md#files); null: offered in the personal chat. */
  filesDriveId: string | null;
  outboxPollMs: number;
  /** How often the outbox's slow full scan recovers entries whose pointer was lost (docs/architecture.md#outbox). */
  outboxScanMs: number;
  logLevel: string;
  /** When the landlord adopted the policy text the app carries (recorded with every decision); null if not configured. */
  policyAdoptedOn: string | null;
  limits: Limits;
  jobs: JobsConfig;
}

/** Scheduled jobs (docs/architecture.md#jobs). */
export interface JobsConfig {
  /** The bearer token of `POST /api/jobs/:name`; null turns the endpoint off. */
  secret: string | null;
  /** Cron patterns in UK time, each checked by src/jobs/schedule.ts. */
  schedules: Record<JobName, string>;
  /** Months after a case closes that it is anonymised (docs/rules.md#R-retention-period). */
  retentionMonths: number;
  leaseMs: number;
  tickMs: number;
  /** How long `POST /api/jobs/:name` waits for its run before answering 202. */
  waitMs: number;
}

/** Bounds on what one request may cost (README "Security"). */
export interface Limits {
  maxBodyBytes: number;
  actionDeadlineMs: number;
  messageDeadlineMs: number;
  cosmosTimeoutMs: number;
  connectorTimeoutMs: number;
  graphTimeoutMs: number;
  maxTurnsInFlight: number;
  reservedTurns: number;
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment; throws ConfigError listing one line per problem. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  const c = parsed.data;
  const auth = c.MicrosoftAppId
    ? { appId: c.MicrosoftAppId, appPassword: c.MicrosoftAppPassword, appType: c.MicrosoftAppType, tenantId: c.MicrosoftAppTenantId }
    : null;
  return {
    port: c.PORT,
    host: c.HOST ?? (auth ? '0.0.0.0' : '127.0.0.1'),
    auth,
    allowedTenantIds: c.ALLOWED_TENANT_IDS,
    cosmos: c.COSMOS_ENDPOINT
      ? {
          mode: 'remote',
          endpoint: c.COSMOS_ENDPOINT,
          database: c.COSMOS_DATABASE,
          // Azure and the Cosmos emulator run batches atomically; the embedded server does not (docs/architecture.md#commit).
          atomicBatch: c.COSMOS_ATOMIC_BATCH ?? true,
          ...(c.COSMOS_KEY ? { key: c.COSMOS_KEY } : { managedIdentityClientId: c.AZURE_CLIENT_ID ?? '' }),
        }
      : { mode: 'embedded', database: c.COSMOS_DATABASE },
    directory:
      c.GRAPH_CASE_MANAGER_GROUP_ID && c.GRAPH_ADMIN_GROUP_ID && c.SERVICE_AREAS_JSON
        ? {
            mode: 'graph',
            caseManagerGroupId: c.GRAPH_CASE_MANAGER_GROUP_ID,
            adminGroupId: c.GRAPH_ADMIN_GROUP_ID,
            dataProtectionGroupId: c.GRAPH_DATA_PROTECTION_GROUP_ID ?? null,
            serviceAreas: serviceAreasSchema.parse(JSON.parse(c.SERVICE_AREAS_JSON)),
            managedIdentityClientId: c.AZURE_CLIENT_ID,
          }
        : { mode: 'file', file: c.DIRECTORY_FILE },
    teamsApp: { manifestId: c.TEAMS_APP_ID ?? null, catalogId: c.TEAMS_CATALOG_APP_ID ?? null, serviceUrl: c.TEAMS_SERVICE_URL ?? null },
    filesDriveId: c.FILES_DRIVE_ID ?? null,
    outboxPollMs: c.OUTBOX_POLL_MS,
    outboxScanMs: c.OUTBOX_SCAN_MS,
    logLevel: c.LOG_LEVEL,
    policyAdoptedOn: c.POLICY_ADOPTED_ON ?? null,
    limits: {
      maxBodyBytes: c.MAX_BODY_KB * 1024,
      actionDeadlineMs: c.ACTION_DEADLINE_MS,
      messageDeadlineMs: c.MESSAGE_DEADLINE_MS,
      cosmosTimeoutMs: c.COSMOS_TIMEOUT_MS,
      connectorTimeoutMs: c.CONNECTOR_TIMEOUT_MS,
      graphTimeoutMs: c.GRAPH_TIMEOUT_MS,
      maxTurnsInFlight: c.MAX_TURNS_IN_FLIGHT,
      reservedTurns: c.RESERVED_TURNS,
      shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    },
    jobs: {
      secret: c.JOBS_SECRET || null,
      schedules: { digest: c.DIGEST_SCHEDULE, reminders: c.REMINDERS_SCHEDULE, lapses: c.LAPSES_SCHEDULE, retention: c.RETENTION_SCHEDULE },
      retentionMonths: c.RETENTION_MONTHS,
      leaseMs: c.JOB_LEASE_MS,
      tickMs: c.JOBS_TICK_MS,
      waitMs: c.JOBS_WAIT_MS,
    },
  };
}
