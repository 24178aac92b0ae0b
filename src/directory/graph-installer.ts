import { GraphError, type Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
import type { Installation, Installer } from '../app/ports';
import { isObjectId } from './graph-directory';
import { httpsOrLoopback } from '../net';

/** Where Teams is for the people of the tenant: the Bot Connector's service URL, and the tenant id. */
export interface TeamsAddress {
  serviceUrl: string;
  tenantId: string | null;
}

export interface GraphInstallerOptions {
  /** A Graph client with app-only auth (src/directory/graph-directory.ts `graphClient`): the identity the bot runs as. */
  client: Client;
  /** The origin `client` talks to (default https://graph.microsoft.com/): the install request binds the app by URL. */
  baseUrl?: string;
  /** The app's id in the organisation's app catalogue (TEAMS_CATALOG_APP_ID); else looked up once by `manifestAppId`. */
  catalogAppId?: string | null;
  /** The Teams manifest's `id` (TEAMS_APP_ID): what the catalogue calls the app's externalId. */
  manifestAppId?: string | null;
  /** The bot's Microsoft App ID (the manifest's botId): the reference's bot is `28:<it>`. */
  botAppId: string;
  /** Teams' service URL (TEAMS_SERVICE_URL) and the tenant (MicrosoftAppTenantId); what is not given comes from `stored`. */
  serviceUrl?: string | null;
  tenantId?: string | null;
  /** Where a personal chat the bot already has says Teams is; null before anyone has chatted with the bot. */
  stored: () => Promise<TeamsAddress | null>;
  /** Each Graph call's bound (GRAPH_TIMEOUT_MS). */
  timeoutMs?: number;
  /** The longest one `reach` may take, waiting for its turn included: well inside the outbox's 30 s claim on the entry. */
  deadlineMs?: number;
  /** Installs under way at once; the others wait their turn (within `deadlineMs`). */
  maxConcurrent?: number;
}

/** A Graph call that failed, already in words a case manager can act on; `status` null when there was no answer. */
class Refusal extends Error {
  constructor(
    readonly status: number | null,
    readonly retryAfterMs: number | null,
    message: string,
  ) {
    super(message);
  }
}

/** The Graph calls of an install, in order, as a failure names them. */
const STEPS = {
  catalogue: 'looking the app up in the catalogue',
  install: 'installing the app',
  installation: 'finding the installation',
  chat: 'finding its chat',
} as const;
type Step = keyof typeof STEPS;

const FAILED = 'the app could not be installed for them: Microsoft Graph';
/** The installation and its chat may lag a moment behind the install: not there yet is no answer yet, tried again. */
const NOT_YET = 'the app was installed for them, but Microsoft Graph does not show its chat yet';

/**
 * The Bot Framework conversation reference of a person's personal chat with the bot, as Microsoft Graph names it (the
 * chat id is the conversation id): what the bot would have stored had they written to it first.
 */
export function personalChatReference(to: { chatId: string; personId: string; botAppId: string } & TeamsAddress): Record<string, unknown> {
  return {
    channelId: 'msteams',
    serviceUrl: to.serviceUrl,
    conversation: { id: to.chatId, conversationType: 'personal', tenantId: to.tenantId },
    bot: { id: `28:${to.botAppId}` },
    user: { aadObjectId: to.personId },
  };
}

/**
 * Reaches people who have never chatted with the bot, as Company Communicator does (docs/architecture.md#reaching-people):
 * installs the app for them (`POST /users/{id}/teamwork/installedApps`; 409 means it already is), finds the installation
 * and its chat, and gives the reference of that chat. Failures come back in words a case manager can act on, with
 * Graph's status for the outbox's delivery policy to judge (docs/rules.md#R-outbox-install): this class never retries.
 */
export class GraphInstaller implements Installer {
  private readonly client: Client;
  private readonly bindUrl: string;
  private readonly timeoutMs: number;
  private readonly deadlineMs: number;
  private readonly slots: Slots;
  /** The catalogue id looked up by the manifest id: once, shared by every install meanwhile; dropped if it fails or goes stale. */
  private lookup: Promise<string> | null = null;
  private found: { address: TeamsAddress; until: number } | null = null;

  constructor(private readonly o: GraphInstallerOptions) {
    if (!o.catalogAppId && !o.manifestAppId) throw new Error('GraphInstaller: give the catalogue app id or the manifest id to look it up by');
    for (const [name, id] of Object.entries({ catalogAppId: o.catalogAppId, manifestAppId: o.manifestAppId }))
      if (id && !isObjectId(id)) throw new Error(`GraphInstaller: ${name} must be a GUID, got ${JSON.stringify(id)}`);
    if (o.serviceUrl && !isServiceUrl(o.serviceUrl))
      throw new Error(`GraphInstaller: serviceUrl ${JSON.stringify(o.serviceUrl)} must be an https URL (plain http for loopback test servers only)`);
    this.client = o.client;
    this.bindUrl = `${new URL(o.baseUrl ?? 'https://graph.microsoft.com/').origin}/v1.0/appCatalogs/teamsApps/`;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.deadlineMs = o.deadlineMs ?? 20_000;
    this.slots = new Slots(o.maxConcurrent ?? 4);
  }

  async reach(personId: string): Promise<Installation> {
    const deadline = AbortSignal.timeout(this.deadlineMs);
    try {
      const address = await this.address();
      const chatId = await this.slots.run(() => this.chatWith(personId, deadline), deadline);
      return { installed: true, reference: personalChatReference({ chatId, personId, botAppId: this.o.botAppId, ...address }) };
    } catch (error) {
      // Anything else (the store failing to say where Teams is) is thrown: the outbox tries the entry again at its next poll.
      if (!(error instanceof Refusal) && !deadline.aborted) throw error;
      const refusal = error instanceof Refusal ? error : new Refusal(null, null, `${FAILED} gave no answer within ${this.deadlineMs} ms`);
      return { installed: false, status: refusal.status, retryAfterMs: refusal.retryAfterMs, why: refusal.message };
    }
  }

  /** Where Teams is, from the configuration, else from a chat the bot already has. */
  private async address(): Promise<TeamsAddress> {
    const stored = this.o.serviceUrl && this.o.tenantId ? null : await this.storedAddress();
    const serviceUrl = this.o.serviceUrl ?? stored?.serviceUrl;
    const tenantId = this.o.tenantId ?? stored?.tenantId ?? null;
    if (!serviceUrl)
      throw new Refusal(
        null,
        null,
        "the bot does not know Teams' service URL yet: set TEAMS_SERVICE_URL, or it is learnt once anyone chats with the bot",
      );
    if (!isServiceUrl(serviceUrl))
      throw new Refusal(null, null, `the bot has no https address for Teams (a chat gave ${serviceUrl}): set TEAMS_SERVICE_URL`);
    return { serviceUrl, tenantId };
  }

  /** A stored chat's address, kept an hour once found: it rarely changes, and a burst of installs then reads it once. */
  private async storedAddress(): Promise<TeamsAddress | null> {
    if (this.found && this.found.until > Date.now()) return this.found.address;
    const address = await this.o.stored();
    this.found = address && { address, until: Date.now() + 3_600_000 };
    return address;
  }

  private async chatWith(personId: string, deadline: AbortSignal): Promise<string> {
    const appId = await this.catalogAppId(deadline);
    const installed = `/users/${encodeURIComponent(personId)}/teamwork/installedApps`;
    try {
      await this.call('install', deadline, (api) => api(installed).post({ 'teamsApp@odata.bind': this.bindUrl + appId }));
    } catch (error) {
      if (!(error instanceof Refusal && error.status === 409)) throw error; // 409: installed already, by them or an earlier attempt
    }
    const listed = (await this.call('installation', deadline, (api) =>
      api(installed).expand('teamsApp').filter(`teamsApp/id eq '${appId}'`).get(),
    )) as { value?: { id?: unknown }[] };
    const installation = listed.value?.[0]?.id;
    if (typeof installation !== 'string' || installation === '') throw new Refusal(null, null, NOT_YET);
    const chat = (await this.call('chat', deadline, (api) => api(`${installed}/${encodeURIComponent(installation)}/chat`).get())) as { id?: unknown };
    if (typeof chat.id !== 'string' || chat.id === '') throw new Refusal(null, null, NOT_YET);
    return chat.id;
  }

  /** The configured catalogue id, or the one the catalogue gives for the manifest id: looked up once, shared meanwhile. */
  private catalogAppId(deadline: AbortSignal): Promise<string> {
    if (this.o.catalogAppId) return Promise.resolve(this.o.catalogAppId);
    this.lookup ??= this.lookUp(this.o.manifestAppId!, deadline).catch((error: unknown) => {
      this.lookup = null; // a failure is not kept: the next attempt looks again
      throw error;
    });
    return this.lookup;
  }

  private async lookUp(manifestId: string, deadline: AbortSignal): Promise<string> {
    const found = (await this.call('catalogue', deadline, (api) => api('/appCatalogs/teamsApps').filter(`externalId eq '${manifestId}'`).get())) as {
      value?: { id?: unknown; distributionMethod?: unknown }[];
    };
    const apps = found.value ?? [];
    const app = apps.find((a) => a.distributionMethod === 'organization') ?? apps[0];
    if (typeof app?.id !== 'string' || app.id === '')
      throw new Refusal(
        404,
        null,
        `${FAILED} has no app with manifest id ${manifestId} in the organisation's app catalogue: upload the app package in the Teams admin centre`,
      );
    return app.id;
  }

  /** One Graph call, bounded by its own timeout and by the install's deadline; a failure becomes a Refusal. */
  private async call(step: Step, deadline: AbortSignal, send: (api: (path: string) => GraphRequest) => Promise<unknown>): Promise<unknown> {
    const signal = AbortSignal.any([deadline, AbortSignal.timeout(this.timeoutMs)]);
    try {
      return await send((path) => this.client.api(path).option('signal', signal));
    } catch (error) {
      if (deadline.aborted) throw error; // the install's whole time is up: reach says so
      // The app uploaded again has a new catalogue id: the one looked up is stale, so look it up afresh next time.
      if (step === 'install' && error instanceof GraphError && error.statusCode === 404) this.lookup = null;
      throw refusal(step, error, this.timeoutMs);
    }
  }
}

/** Why a Graph call failed, in words a case manager can act on, with Graph's status for the delivery policy. */
function refusal(step: Step, error: unknown, timeoutMs: number): Refusal {
  const status = error instanceof GraphError && error.statusCode > 0 ? error.statusCode : null;
  if (status === null) return new Refusal(null, null, `${FAILED} gave no answer within ${timeoutMs} ms (${STEPS[step]})`);
  const { code } = error as GraphError;
  const answered = `${FAILED} answered ${status}${code ? ` ${code}` : ''} when ${STEPS[step]}`;
  if (status === 403 && step === 'catalogue')
    return new Refusal(status, null, `${answered}: grant the bot's managed identity AppCatalog.Read.All, or set TEAMS_CATALOG_APP_ID`);
  if (status === 403)
    return new Refusal(
      status,
      null,
      `${answered}: grant the bot's managed identity TeamsAppInstallation.ReadWriteSelfForUser.All, and check that no Teams app permission policy blocks the app for them`,
    );
  if (status === 404 && step === 'install')
    return new Refusal(status, null, `${answered}: publish the app to the organisation's app catalogue, and check they have a Teams account`);
  if (status === 404) return new Refusal(null, null, NOT_YET);
  if (status === 429 || status >= 500) return new Refusal(status, retryAfterMs(error as GraphError), `${answered}: it is busy or unavailable`);
  return new Refusal(status, null, answered);
}

function retryAfterMs(error: GraphError): number | null {
  const header = error.headers?.get('retry-after');
  const seconds = header ? Number(header) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

/** Messages go there with the bot's token: https, or plain http to a loopback test server. */
const isServiceUrl = (text: string) => URL.canParse(text) && httpsOrLoopback(new URL(text));

/** At most `max` at once; the others wait in order, each only until its signal aborts. A slot is handed on, never raced for. */
class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(work: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (this.running < this.max) this.running++;
    else await this.turn(signal);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  private turn(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const go = () => {
        signal.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        this.waiting.splice(this.waiting.indexOf(go), 1);
        reject(signal.reason as Error);
      };
      if (signal.aborted) return reject(signal.reason as Error);
      this.waiting.push(go);
      signal.addEventListener('abort', abort, { once: true });
    });
  }
}
