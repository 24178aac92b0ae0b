import type { TokenCredential } from '@azure/identity';
import { httpsOrLoopback } from '../net';
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import type { Directory, DirectoryPerson, ServiceArea } from '../app/ports';
import { plainName } from '../domain/text';

/** The public Microsoft Graph endpoint (national clouds pass their own `baseUrl`). */
export const GRAPH_BASE_URL = 'https://graph.microsoft.com/';
/** App-only token scope for Microsoft Graph. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SELECT = ['id', 'displayName', 'mail'];
/** Guard against a runaway @odata.nextLink chain (999 per page → ~100k members). */
const MAX_PAGES = 100;

/** True when `id` has the shape of an Entra object id (a GUID). */
export function isObjectId(id: string): boolean {
  return GUID.test(id);
}

export interface GraphDirectoryOptions {
  /** A configured Graph client (auth, base URL and version are its business). */
  client: Client;
  /** Entra group whose (transitive) user members are case managers. */
  caseManagerGroupId: string;
  /** Entra group whose (transitive) user members are admins. */
  adminGroupId: string;
  /** Entra group whose (transitive) user members are the data protection team; null: nobody (admins only). */
  dataProtectionGroupId?: string | null | undefined;
  /** Service areas and their Head of Service, deputy and alternates' object ids: configuration, not Graph. */
  serviceAreas: (Omit<ServiceArea, 'alternates'> & { alternates?: string[] | undefined })[];
  /**
   * The base URL the client talks to (default https://graph.microsoft.com/). Used only to follow
   * @odata.nextLink: links to any other origin are refused rather than followed.
   */
  baseUrl?: string;
  /** Per-request timeout in milliseconds (default 10 000). */
  timeoutMs?: number;
}

export interface GraphDirectoryCreateOptions extends Omit<GraphDirectoryOptions, 'client'> {
  /** App-only credential, e.g. ManagedIdentityCredential or ClientSecretCredential from @azure/identity. */
  credential: TokenCredential;
  /** Default https://graph.microsoft.com/. Must be https unless the host is loopback (tests). */
  baseUrl?: string;
  /** Token scopes (default ['https://graph.microsoft.com/.default']). */
  scopes?: string[];
}

interface GraphUser {
  id: string;
  displayName?: string | null;
  mail?: string | null;
}

interface GraphPage {
  value?: GraphUser[];
  '@odata.nextLink'?: string;
}

/** Production directory: people and role groups from Microsoft Graph (docs/rules.md#R-roles-from-directory). Not cached: wrap in CachedDirectory. */
export class GraphDirectory implements Directory {
  private readonly client: Client;
  private readonly caseManagerGroupId: string;
  private readonly adminGroupId: string;
  private readonly dataProtectionGroupId: string | null;
  private readonly areas: ServiceArea[];
  private readonly origin: string;
  private readonly timeoutMs: number;

  constructor(options: GraphDirectoryOptions) {
    this.caseManagerGroupId = requireObjectId(options.caseManagerGroupId, 'caseManagerGroupId');
    this.adminGroupId = requireObjectId(options.adminGroupId, 'adminGroupId');
    this.dataProtectionGroupId = options.dataProtectionGroupId ? requireObjectId(options.dataProtectionGroupId, 'dataProtectionGroupId') : null;
    this.areas = validateServiceAreas(options.serviceAreas);
    this.origin = new URL(options.baseUrl ?? GRAPH_BASE_URL).origin;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.client = options.client;
  }

  /** Builds the Graph client with app-only auth from `credential` (scope https://graph.microsoft.com/.default). */
  static create(options: GraphDirectoryCreateOptions): GraphDirectory {
    const { credential, scopes, ...rest } = options;
    const baseUrl = checkBaseUrl(options.baseUrl ?? GRAPH_BASE_URL);
    return new GraphDirectory({ ...rest, client: graphClient(credential, baseUrl, scopes), baseUrl });
  }

  async person(id: string): Promise<DirectoryPerson | null> {
    if (!isObjectId(id)) return null;
    const path = `/users/${id}`;
    let user: GraphUser;
    try {
      user = (await this.client.api(path).select(SELECT).option('signal', this.signal()).get()) as GraphUser;
    } catch (error) {
      if (error instanceof GraphError && error.statusCode === 404) return null;
      throw graphFailure('GET', path, error);
    }
    return toPerson(user);
  }

  async isCaseManager(id: string): Promise<boolean> {
    return this.isMember(this.caseManagerGroupId, id);
  }

  async isAdmin(id: string): Promise<boolean> {
    return this.isMember(this.adminGroupId, id);
  }

  async isDataProtection(id: string): Promise<boolean> {
    return this.dataProtectionGroupId ? this.isMember(this.dataProtectionGroupId, id) : false;
  }

  async caseManagers(): Promise<DirectoryPerson[]> {
    return (await this.groupUsers(this.caseManagerGroupId)).map(toPerson);
  }

  async admins(): Promise<DirectoryPerson[]> {
    return (await this.groupUsers(this.adminGroupId)).map(toPerson);
  }

  serviceAreas(): Promise<ServiceArea[]> {
    return Promise.resolve(this.areas.map((a) => ({ ...a })));
  }

  private async isMember(groupId: string, id: string): Promise<boolean> {
    if (!isObjectId(id)) return false;
    const wanted = id.toLowerCase();
    return (await this.groupUsers(groupId)).some((u) => u.id.toLowerCase() === wanted);
  }

  /** All users in the group, through nested groups, following @odata.nextLink. */
  private async groupUsers(groupId: string): Promise<GraphUser[]> {
    const users: GraphUser[] = [];
    let path = `/groups/${groupId}/transitiveMembers/microsoft.graph.user`;
    let request = this.client.api(path).select(SELECT).top(999);
    for (let pages = 1; ; pages++) {
      let page: GraphPage;
      try {
        page = (await request.option('signal', this.signal()).get()) as GraphPage;
      } catch (error) {
        throw graphFailure('GET', path, error, error instanceof GraphError && error.statusCode === 404 ? `group ${groupId} not found` : undefined);
      }
      users.push(...(page.value ?? []));
      const next = page['@odata.nextLink'];
      if (!next) return users;
      if (pages >= MAX_PAGES) throw new Error(`Microsoft Graph: group ${groupId} has more than ${MAX_PAGES} pages of members; refusing to continue`);
      const url = new URL(next);
      if (url.origin !== this.origin)
        throw new Error(`Microsoft Graph: refusing to follow @odata.nextLink to ${url.origin} (expected ${this.origin})`);
      // The client only parses absolute https:// links, so hand it the version and the path+query.
      const [, version = 'v1.0', ...segments] = url.pathname.split('/');
      path = `/${segments.join('/')}`;
      request = this.client.api(path + url.search).version(version);
    }
  }

  private signal(): AbortSignal {
    return AbortSignal.timeout(this.timeoutMs);
  }
}

/**
 * A Graph client with app-only auth from `credential`, its token sent to `baseUrl`'s origin only (https, or plain http
 * on loopback for tests). It makes no retries of its own: inside a turn a throttled or failing call fails the turn at
 * once ("nothing was saved, try again"), since waiting out a Retry-After of seconds would outlast the turn's deadline
 * (README "Security"); in the outbox, the delivery policy's retries are the only ones (docs/rules.md#R-outbox-install).
 */
export function graphClient(credential: TokenCredential, baseUrl: string = GRAPH_BASE_URL, scopes: string[] = [GRAPH_SCOPE]): Client {
  const origin = checkBaseUrl(baseUrl);
  const middleware: Middleware[] = [
    new BearerTokenHandler(credential, scopes, new URL(origin).origin),
    new RetryHandler(new RetryHandlerOptions(0, 0)),
    new RedirectHandler(new RedirectHandlerOptions()),
    new TelemetryHandler(),
    new HTTPMessageHandler(),
  ];
  return Client.initWithMiddleware({ middleware, baseUrl: origin, defaultVersion: 'v1.0' });
}

/** Adds `Authorization: Bearer` for requests to the configured Graph origin only; strips it elsewhere. */
class BearerTokenHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scopes: string[],
    private readonly origin: string,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    // RequestInfo is a DOM type this project's lib does not declare: say what the middleware relies on.
    const request = context.request as string | { url: string };
    const url = typeof request === 'string' ? request : request.url;
    const options = (context.options ??= {});
    const headers = { ...(options.headers as Record<string, string> | undefined) };
    delete headers.Authorization;
    if (new URL(url).origin === this.origin) {
      const token = await this.credential.getToken(this.scopes);
      if (!token?.token) throw new Error(`Microsoft Graph: the credential returned no access token for ${this.scopes.join(' ')}`);
      headers.Authorization = `Bearer ${token.token}`;
    }
    options.headers = headers;
    if (!this.next) throw new Error('BearerTokenHandler must not be the last middleware');
    await this.next.execute(context);
  }
}

function toPerson(user: GraphUser): DirectoryPerson {
  // A display name is shown on cards: no invisible or layout-changing characters (one made only of them counts as none).
  return { id: user.id, name: plainName(user.displayName ?? '') || user.mail || user.id, email: user.mail || undefined };
}

function graphFailure(method: string, path: string, error: unknown, what?: string): Error {
  let detail: string;
  if (error instanceof GraphError) {
    const status = error.statusCode > 0 ? `HTTP ${error.statusCode}` : 'no response';
    detail = [status, error.code, error.message, error.requestId ? `request-id ${error.requestId}` : ''].filter(Boolean).join(': ');
  } else {
    detail = error instanceof Error ? error.message : String(error);
  }
  return new Error(`Microsoft Graph ${method} ${path} failed${what ? ` (${what})` : ''}: ${detail}`, { cause: error });
}

function requireObjectId(id: string, name: string): string {
  if (typeof id !== 'string' || !isObjectId(id))
    throw new Error(`GraphDirectory: ${name} must be an Entra object id (GUID), got ${JSON.stringify(id)}`);
  return id;
}

function validateServiceAreas(areas: GraphDirectoryOptions['serviceAreas']): ServiceArea[] {
  if (!Array.isArray(areas) || areas.length === 0) throw new Error('GraphDirectory: at least one service area must be configured');
  const seen = new Set<string>();
  return areas.map((a, i) => {
    const where = `GraphDirectory: serviceAreas[${i}]`;
    if (!a.id || seen.has(a.id)) throw new Error(`${where}: id ${JSON.stringify(a.id)} is missing or duplicated`);
    seen.add(a.id);
    if (!a.name) throw new Error(`${where} (${a.id}): name is required`);
    requireObjectId(a.headOfService, `serviceAreas[${i}].headOfService`);
    if (a.deputy !== null) requireObjectId(a.deputy, `serviceAreas[${i}].deputy`);
    if (a.deputy !== null && a.deputy.toLowerCase() === a.headOfService.toLowerCase())
      throw new Error(`${where} (${a.id}): the deputy must be another person than the Head of Service`);
    const alternates = a.alternates ?? [];
    alternates.forEach((id, j) => requireObjectId(id, `serviceAreas[${i}].alternates[${j}]`));
    const everyone = [a.headOfService, a.deputy, ...alternates].filter((id): id is string => id !== null).map((id) => id.toLowerCase());
    if (new Set(everyone).size !== everyone.length)
      throw new Error(`${where} (${a.id}): the Head of Service, deputy and alternates must all be different people`);
    return { id: a.id, name: a.name, headOfService: a.headOfService, deputy: a.deputy, alternates };
  });
}

function checkBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`GraphDirectory: baseUrl ${JSON.stringify(baseUrl)} is not a URL`);
  }
  if (!httpsOrLoopback(url))
    throw new Error(`GraphDirectory: baseUrl ${baseUrl} must use https (plain http is allowed for loopback test servers only)`);
  if (url.pathname !== '/' || url.search || url.hash)
    throw new Error(`GraphDirectory: baseUrl ${baseUrl} must be an origin only, like ${GRAPH_BASE_URL}`);
  return url.href;
}
