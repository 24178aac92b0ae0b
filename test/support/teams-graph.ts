import type { AccessToken, TokenCredential } from '@azure/identity';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer } from './local-server';

export const GRAPH_TOKEN = 'fake-graph-token';

/** The credential the app would get from its managed identity: a fixed token, counted. */
export class FakeCredential implements TokenCredential {
  calls = 0;
  async getToken(): Promise<AccessToken> {
    this.calls++;
    return { token: GRAPH_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

export interface GraphCall {
  method: string;
  /** As sent: path segments percent-encoded. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | undefined;
}

/** A scripted answer: Graph's error for a status (with headers), or 'hang' (accepted, never answered). */
export type GraphAnswer = { status: number; headers?: Record<string, string> } | 'hang';

/** A Teams app in the organisation's catalogue: its generated id, and the manifest id Graph calls its externalId. */
export interface CatalogueApp {
  id: string;
  externalId: string;
}

/**
 * A local stand-in for Microsoft Graph v1.0's Teams app installation for users, shaped as Graph's reference documents
 * them: the app catalogue (`GET /appCatalogs/teamsApps?$filter=externalId eq '…'`), installing the app for a user
 * (`POST /users/{id}/teamwork/installedApps`: 201, or 409 when installed already; 404 for an app not in the catalogue),
 * listing a user's installations of an app (`$expand=teamsApp&$filter=teamsApp/id eq '…'`) and an installation's chat.
 * Installations are kept per user; calls can be answered with scripted failures; how many run at once is recorded.
 */
export class TeamsGraph extends LocalServer {
  readonly calls: GraphCall[] = [];
  readonly catalogue: CatalogueApp[] = [];
  /** Installation id by user id, once the app is installed for them. */
  readonly installed = new Map<string, string>();
  /** The most calls under way at once. */
  maxInFlight = 0;
  /** While set, installs wait for it (a slow Graph). */
  gate: Promise<void> | null = null;
  private inFlight = 0;
  private readonly scripts: { method: string; path: RegExp; answers: GraphAnswer[] }[] = [];
  reset(): void {
    this.calls.length = 0;
    this.catalogue.length = 0;
    this.installed.clear();
    this.scripts.length = 0;
    this.maxInFlight = 0;
    this.gate = null;
  }

  /** The next calls of `method` to a path matching `path` get these answers, in order; later calls are served. */
  script(method: string, path: RegExp, ...answers: GraphAnswer[]): void {
    this.scripts.push({ method, path, answers });
  }

  /** The calls made, as `METHOD /path`. */
  made(): string[] {
    return this.calls.map((c) => `${c.method} ${c.path}`);
  }

  /** The chat Graph gives for a user's installation of the bot. */
  static chatId(userId: string): string {
    return `19:${userId}_bot-id@unq.gbl.spaces`;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? '';
    const call = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: text ? (JSON.parse(text) as unknown) : null,
      authorization: req.headers.authorization,
    };
    this.calls.push(call);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      const answer = this.scripts.find((s) => s.method === method && s.path.test(call.path) && s.answers.length > 0)?.answers.shift();
      if (answer === 'hang') return;
      if (method === 'POST') await this.gate;
      if (answer) return error(res, answer.status, `Scripted${answer.status}`, answer.headers);
      if (call.authorization !== `Bearer ${GRAPH_TOKEN}`) return error(res, 401, 'InvalidAuthenticationToken');
      this.serve(call, res);
    } finally {
      this.inFlight--;
    }
  }

  private serve(call: GraphCall, res: ServerResponse): void {
    if (call.method === 'GET' && call.path === '/v1.0/appCatalogs/teamsApps') {
      const externalId = /^externalId eq '([^']*)'$/.exec(call.query.$filter ?? '')?.[1];
      const apps = this.catalogue.filter((a) => a.externalId === externalId);
      return send(res, 200, { value: apps.map((a) => ({ ...a, displayName: 'Unacceptable Behaviour', distributionMethod: 'organization' })) });
    }
    const user = /^\/v1\.0\/users\/([^/]+)\/teamwork\/installedApps(?:\/([^/]+)\/chat)?$/.exec(call.path);
    if (!user) return error(res, 400, 'BadRequest');
    const [userId, installation] = user.slice(1).map((segment) => (segment === undefined ? undefined : decodeURIComponent(segment)));
    if (!userId) return error(res, 400, 'BadRequest');
    if (call.method === 'POST' && !installation) {
      const bind = (call.body as Record<string, unknown> | null)?.['teamsApp@odata.bind'];
      const appId = typeof bind === 'string' ? bind.slice(`${this.baseUrl}v1.0/appCatalogs/teamsApps/`.length) : '';
      if (!this.catalogue.some((a) => a.id === appId)) return error(res, 404, 'NotFound');
      if (this.installed.has(userId)) return error(res, 409, 'Conflict');
      // Installation ids are opaque and may hold '/' or '+': callers must encode them into a path.
      this.installed.set(userId, Buffer.from(`${userId}##${appId}##/+`).toString('base64'));
      res.writeHead(201);
      res.end();
      return;
    }
    if (call.method === 'GET' && !installation) {
      const appId = /^teamsApp\/id eq '([^']*)'$/.exec(call.query.$filter ?? '')?.[1];
      const id = this.installed.get(userId);
      const app = this.catalogue.find((a) => a.id === appId);
      const value = id && app && call.query.$expand === 'teamsApp' ? [{ id, teamsApp: { ...app, distributionMethod: 'organization' } }] : [];
      return send(res, 200, { value });
    }
    if (call.method === 'GET' && installation === this.installed.get(userId))
      return send(res, 200, { id: TeamsGraph.chatId(userId), chatType: 'oneOnOne', topic: null, tenantId: null });
    error(res, 404, 'NotFound');
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, code: string, headers: Record<string, string> = {}): void {
  send(
    res,
    status,
    { error: { code, message: `${code} (fake Graph)`, innerError: { 'request-id': 'req-1', date: '2026-11-26T10:00:00' } } },
    headers,
  );
}
