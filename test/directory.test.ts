import type { AccessToken, TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CachedDirectory, DEFAULT_DIRECTORY_TTL_MS } from '../src/directory/cached-directory';
import { rolesOf } from '../src/app/roles';
import type { Directory, ServiceArea } from '../src/app/ports';
import { FileDirectory } from '../src/directory/file-directory';
import { GRAPH_SCOPE, GraphDirectory, type GraphDirectoryCreateOptions } from '../src/directory/graph-directory';

const CM_GROUP = 'c0c0c0c0-0000-4000-8000-000000000001';
const ADMIN_GROUP = 'adadadad-0000-4000-8000-000000000002';
const TOKEN = 'fake-graph-token';

const ALEX = { id: '1a1a1a1a-0000-4000-8000-000000000020', displayName: 'Alex Wilber', mail: 'alexw@example.com' };
const MEGAN = { id: '1a1a1a1a-0000-4000-8000-000000000021', displayName: 'Megan Bowen', mail: 'meganb@example.com' };
const LYNNE = { id: '1a1a1a1a-0000-4000-8000-000000000025', displayName: 'Lynne Robbins', mail: null };
const NOBODY = '1a1a1a1a-0000-4000-8000-0000000000ff';
const USERS = [ALEX, MEGAN, LYNNE];

const AREAS: ServiceArea[] = [{ id: 'income', name: 'Income and Tenancy Support', headOfService: MEGAN.id, deputy: ALEX.id, alternates: [] }];

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

type Override = (req: IncomingMessage, url: URL, res: ServerResponse) => boolean;

/** A local stand-in for Microsoft Graph v1.0: users, two groups, paging via @odata.nextLink. */
class FakeGraph {
  readonly requests: Recorded[] = [];
  /** Return true when it answered the request itself. */
  override: Override | null = null;
  private server!: Server;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.requests.length = 0;
    this.override = null;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.baseUrl);
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
    });
    if (this.override?.(req, url, res)) return;
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(res, 401, graphError('InvalidAuthenticationToken', 'Access token is empty.'));

    const user = url.pathname.match(/^\/v1\.0\/users\/([^/]+)$/);
    if (req.method === 'GET' && user) {
      const found = USERS.find((u) => u.id === user[1]);
      if (!found) return send(res, 404, graphError('Request_ResourceNotFound', `Resource '${user[1]}' does not exist.`));
      return send(res, 200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', ...found });
    }

    const group = url.pathname.match(/^\/v1\.0\/groups\/([^/]+)\/transitiveMembers\/microsoft\.graph\.user$/);
    if (req.method === 'GET' && group) {
      // Case managers: two pages (Alex, then Lynne). Admins: one page (Alex).
      if (group[1] === CM_GROUP) {
        if (url.searchParams.get('$skiptoken') === 'page+2') return send(res, 200, { value: [LYNNE] });
        const next = `${this.baseUrl}v1.0/groups/${CM_GROUP}/transitiveMembers/microsoft.graph.user?$select=id,displayName,mail&$top=999&$skiptoken=page%2B2`;
        return send(res, 200, { value: [ALEX], '@odata.nextLink': next });
      }
      if (group[1] === ADMIN_GROUP) return send(res, 200, { value: [ALEX] });
      return send(res, 404, graphError('Request_ResourceNotFound', `Resource '${group[1]}' does not exist.`));
    }
    send(res, 400, graphError('BadRequest', `Unsupported ${req.method} ${url.pathname}`));
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function graphError(code: string, message: string) {
  return { error: { code, message, innerError: { 'request-id': 'req-123', date: '2025-01-01T00:00:00' } } };
}

class FakeCredential implements TokenCredential {
  readonly scopes: (string | string[])[] = [];
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(scopes);
    return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(Error);
    return error as Error;
  }
  return expect.fail('expected the promise to reject');
}

describe('directory', () => {
  const graph = new FakeGraph();
  let credential: FakeCredential;
  let directory: GraphDirectory;
  /** A GraphDirectory against the fake Graph, configured like `directory` except for `over`. */
  const graphDirectory = (over: Partial<GraphDirectoryCreateOptions> = {}) =>
    GraphDirectory.create({
      credential,
      baseUrl: graph.baseUrl,
      caseManagerGroupId: CM_GROUP,
      adminGroupId: ADMIN_GROUP,
      serviceAreas: AREAS,
      ...over,
    });

  before(() => graph.start());
  after(() => graph.stop());
  beforeEach(() => {
    graph.reset();
    credential = new FakeCredential();
    directory = graphDirectory();
  });

  describe('GraphDirectory (real Graph client against a local fake)', () => {
    it('person: GET /users/{id}?$select=id,displayName,mail with an app-only bearer token', async () => {
      expect(await directory.person(ALEX.id)).to.deep.equal({ id: ALEX.id, name: 'Alex Wilber', email: 'alexw@example.com' });
      expect(graph.requests).to.deep.equal([
        { method: 'GET', path: `/v1.0/users/${ALEX.id}`, query: { $select: 'id,displayName,mail' }, authorization: `Bearer ${TOKEN}` },
      ]);
      expect(credential.scopes).to.deep.equal([[GRAPH_SCOPE]]);
      expect(GRAPH_SCOPE).to.equal('https://graph.microsoft.com/.default');
    });

    it('person: a user without mail has no email', async () => {
      expect(await directory.person(LYNNE.id)).to.deep.equal({ id: LYNNE.id, name: 'Lynne Robbins', email: undefined });
    });

    it('person: 404 → null', async () => {
      expect(await directory.person(NOBODY)).to.equal(null);
      expect(graph.requests).to.have.length(1);
    });

    it('a non-GUID id → null/false without calling Graph', async () => {
      for (const id of ['', 'alex', '../groups', `${ALEX.id}/manager`, '00000000-0000-0000-0000-0000000000020']) {
        expect(await directory.person(id), id).to.equal(null);
        expect(await directory.isCaseManager(id), id).to.equal(false);
        expect(await directory.isAdmin(id), id).to.equal(false);
      }
      expect(graph.requests).to.deep.equal([]);
    });

    it('group membership is read across two pages via @odata.nextLink', async () => {
      expect(await directory.isCaseManager(LYNNE.id)).to.equal(true);
      expect(graph.requests.map((r) => [r.path, r.query])).to.deep.equal([
        [`/v1.0/groups/${CM_GROUP}/transitiveMembers/microsoft.graph.user`, { $select: 'id,displayName,mail', $top: '999' }],
        [`/v1.0/groups/${CM_GROUP}/transitiveMembers/microsoft.graph.user`, { $select: 'id,displayName,mail', $top: '999', $skiptoken: 'page+2' }],
      ]);
      expect(await directory.isCaseManager(ALEX.id)).to.equal(true);
      expect(await directory.isCaseManager(MEGAN.id)).to.equal(false);
      expect(await directory.isCaseManager(LYNNE.id.toUpperCase()), 'object ids compare case-insensitively').to.equal(true);
    });

    it('isAdmin reads the admin group', async () => {
      expect(await directory.isAdmin(ALEX.id)).to.equal(true);
      expect(await directory.isAdmin(LYNNE.id)).to.equal(false);
      expect(graph.requests.every((r) => r.path === `/v1.0/groups/${ADMIN_GROUP}/transitiveMembers/microsoft.graph.user`)).to.equal(true);
    });

    it('isDataProtection reads the data protection group; with none configured, nobody is, and Graph is not asked', async () => {
      expect(await directory.isDataProtection(ALEX.id)).to.equal(false);
      expect(graph.requests).to.deep.equal([]);
      const withGroup = graphDirectory({ dataProtectionGroupId: ADMIN_GROUP });
      expect(await withGroup.isDataProtection(ALEX.id)).to.equal(true);
      expect(await withGroup.isDataProtection(LYNNE.id)).to.equal(false);
      expect(graph.requests.every((r) => r.path === `/v1.0/groups/${ADMIN_GROUP}/transitiveMembers/microsoft.graph.user`)).to.equal(true);
    });

    it("caseManagers: the case manager group's users, all pages", async () => {
      expect(await directory.caseManagers()).to.deep.equal([
        { id: ALEX.id, name: 'Alex Wilber', email: 'alexw@example.com' },
        { id: LYNNE.id, name: 'Lynne Robbins', email: undefined },
      ]);
    });

    it('the bearer token is sent on every request, including @odata.nextLink pages', async () => {
      await directory.caseManagers();
      await directory.person(MEGAN.id);
      expect(graph.requests).to.have.length(3);
      expect(graph.requests.map((r) => r.authorization)).to.deep.equal(Array(3).fill(`Bearer ${TOKEN}`));
    });

    it('serviceAreas: the configured list, no Graph call; rolesOf combines groups and areas', async () => {
      expect(await directory.serviceAreas()).to.deep.equal(AREAS);
      expect(graph.requests).to.deep.equal([]);
      expect([...(await rolesOf(directory, ALEX.id))].sort()).to.deep.equal(['admin', 'case-manager', 'head-of-service', 'staff']);
      expect([...(await rolesOf(directory, MEGAN.id))].sort()).to.deep.equal(['head-of-service', 'staff']);
      expect([...(await rolesOf(directory, NOBODY))]).to.deep.equal(['staff']);
    });

    it('a 500 from Graph rejects with a clear error (never a silent null/false)', async () => {
      graph.override = (_req, _url, res) => (send(res, 500, graphError('InternalServerError', 'Something broke.')), true);
      const person = await rejection(directory.person(ALEX.id));
      expect(person.message).to.include(`Microsoft Graph GET /users/${ALEX.id} failed`).and.include('HTTP 500').and.include('Something broke.');
      const member = await rejection(directory.isCaseManager(ALEX.id));
      expect(member.message).to.include(`/groups/${CM_GROUP}/transitiveMembers`).and.include('HTTP 500');
      await rejection(directory.isAdmin(ALEX.id));
      await rejection(directory.caseManagers());
    });

    it('a failure on the second page rejects (no partial membership)', async () => {
      graph.override = (_req, url, res) =>
        url.searchParams.has('$skiptoken') && (send(res, 500, graphError('InternalServerError', 'Page 2 broke.')), true);
      expect((await rejection(directory.isCaseManager(LYNNE.id))).message).to.include('Page 2 broke.');
    });

    it('a misconfigured group (404) rejects rather than meaning "not a member"', async () => {
      const wrong = graphDirectory({ caseManagerGroupId: NOBODY });
      const error = await rejection(wrong.isCaseManager(ALEX.id));
      expect(error.message).to.include(`group ${NOBODY} not found`);
    });

    it('a 401 (bad credentials/permissions) rejects', async () => {
      const bad = graphDirectory({ credential: { getToken: async () => ({ token: 'wrong', expiresOnTimestamp: Date.now() + 60_000 }) } });
      expect((await rejection(bad.person(ALEX.id))).message)
        .to.include('HTTP 401')
        .and.include('InvalidAuthenticationToken');
    });

    it('a credential that yields no token rejects before calling Graph', async () => {
      const none = graphDirectory({ credential: { getToken: async () => null } });
      expect((await rejection(none.person(ALEX.id))).message).to.include('no access token');
      expect(graph.requests).to.deep.equal([]);
    });

    it('refuses to follow an @odata.nextLink to another origin (the token stays home)', async () => {
      graph.override = (_req, _url, res) => (
        send(res, 200, { value: [ALEX], '@odata.nextLink': 'https://evil.example/v1.0/groups/x?$skiptoken=1' }),
        true
      );
      expect((await rejection(directory.caseManagers())).message).to.include('refusing to follow @odata.nextLink to https://evil.example');
      expect(graph.requests).to.have.length(1);
    });

    it('a hung Graph request times out', async () => {
      const slow = graphDirectory({ timeoutMs: 150 });
      graph.override = () => true; // never answers
      const started = Date.now();
      expect((await rejection(slow.person(ALEX.id))).message).to.include(`Microsoft Graph GET /users/${ALEX.id} failed`);
      expect(Date.now() - started).to.be.below(5_000);
    });

    it('new GraphDirectory({ client }) uses the client as given (whose default auth only sends tokens to https Graph hosts)', async () => {
      const client = Client.init({ authProvider: (done) => done(null, TOKEN), baseUrl: graph.baseUrl });
      const given = new GraphDirectory({
        client,
        baseUrl: graph.baseUrl,
        caseManagerGroupId: CM_GROUP,
        adminGroupId: ADMIN_GROUP,
        serviceAreas: AREAS,
      });
      graph.override = (_req, url, res) => url.pathname.startsWith('/v1.0/users/') && (send(res, 200, MEGAN), true);
      expect(await given.person(MEGAN.id)).to.deep.equal({ id: MEGAN.id, name: 'Megan Bowen', email: 'meganb@example.com' });
      // This is why create() installs its own bearer-token middleware bound to the configured origin.
      expect(graph.requests).to.deep.equal([
        { method: 'GET', path: `/v1.0/users/${MEGAN.id}`, query: { $select: 'id,displayName,mail' }, authorization: undefined },
      ]);
    });

    it('validates its configuration', () => {
      const base = { credential, caseManagerGroupId: CM_GROUP, adminGroupId: ADMIN_GROUP, serviceAreas: AREAS };
      expect(() => GraphDirectory.create({ ...base, baseUrl: 'http://graph.example.org/' })).to.throw(/must use https/);
      expect(() => GraphDirectory.create({ ...base, baseUrl: 'https://graph.microsoft.com/v1.0/' })).to.throw(/origin only/);
      expect(() => GraphDirectory.create({ ...base, caseManagerGroupId: 'case-managers' })).to.throw(/caseManagerGroupId must be an Entra object id/);
      expect(() => GraphDirectory.create({ ...base, adminGroupId: '' })).to.throw(/adminGroupId/);
      expect(() => GraphDirectory.create({ ...base, serviceAreas: [] })).to.throw(/at least one service area/);
      expect(() => GraphDirectory.create({ ...base, serviceAreas: [{ ...AREAS[0]!, deputy: MEGAN.id }] })).to.throw(/deputy must be another person/);
      expect(() => GraphDirectory.create({ ...base, serviceAreas: [AREAS[0]!, AREAS[0]!] })).to.throw(/duplicated/);
      expect(() => GraphDirectory.create({ ...base, serviceAreas: [{ ...AREAS[0]!, headOfService: 'megan' }] })).to.throw(/headOfService/);
      expect(() => GraphDirectory.create({ ...base, serviceAreas: [{ ...AREAS[0]!, alternates: ['isaiah'] }] })).to.throw(/alternates\[0\]/);
      expect(() => GraphDirectory.create({ ...base, serviceAreas: [{ ...AREAS[0]!, alternates: [ALEX.id] }] })).to.throw(/all be different people/);
      expect(GraphDirectory.create(base)).to.be.instanceOf(GraphDirectory); // default https://graph.microsoft.com/
    });
  });

  describe('CachedDirectory', () => {
    let clock: number;
    let cached: CachedDirectory;
    const now = () => clock;

    beforeEach(() => {
      clock = 1_000_000;
      cached = new CachedDirectory(directory, { now });
    });

    it('a second call within the TTL makes no Graph request; after the TTL it does', async () => {
      expect(await cached.person(ALEX.id)).to.deep.include({ name: 'Alex Wilber' });
      clock += DEFAULT_DIRECTORY_TTL_MS - 1;
      expect(await cached.person(ALEX.id)).to.deep.include({ name: 'Alex Wilber' });
      expect(graph.requests).to.have.length(1);
      clock += 1;
      expect(await cached.person(ALEX.id)).to.deep.include({ name: 'Alex Wilber' });
      expect(graph.requests).to.have.length(2);
      expect(DEFAULT_DIRECTORY_TTL_MS).to.equal(5 * 60_000);
    });

    it('caches per method and argument (including null and false answers)', async () => {
      await cached.isCaseManager(ALEX.id);
      await cached.isCaseManager(ALEX.id);
      expect(graph.requests).to.have.length(2); // two pages, once
      await cached.isAdmin(ALEX.id);
      await cached.isCaseManager(MEGAN.id);
      expect(graph.requests).to.have.length(5);
      expect(await cached.person(NOBODY)).to.equal(null);
      expect(await cached.person(NOBODY)).to.equal(null);
      expect(await cached.isCaseManager(MEGAN.id)).to.equal(false);
      await cached.caseManagers();
      await cached.caseManagers();
      expect(graph.requests).to.have.length(8);
    });

    it('honours a custom TTL', async () => {
      const short = new CachedDirectory(directory, { now, ttlMs: 1_000 });
      await short.isAdmin(ALEX.id);
      clock += 1_000;
      await short.isAdmin(ALEX.id);
      expect(graph.requests).to.have.length(2);
    });

    it('concurrent identical lookups share one Graph call', async () => {
      const answers = await Promise.all([cached.person(ALEX.id), cached.person(ALEX.id), cached.person(ALEX.id)]);
      expect(answers.map((a) => a?.name)).to.deep.equal(['Alex Wilber', 'Alex Wilber', 'Alex Wilber']);
      const members = await Promise.all([cached.isCaseManager(LYNNE.id), cached.isCaseManager(LYNNE.id)]);
      expect(members).to.deep.equal([true, true]);
      expect(graph.requests).to.have.length(3); // one person + two pages
    });

    it('failures are not cached: every waiting caller sees the error, the next call retries', async () => {
      let fail = true;
      graph.override = (_req, _url, res) => fail && (send(res, 500, graphError('InternalServerError', 'Transient.')), true);
      const results = await Promise.allSettled([cached.person(ALEX.id), cached.person(ALEX.id)]);
      expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
      expect(graph.requests).to.have.length(1);
      fail = false;
      expect(await cached.person(ALEX.id)).to.deep.include({ name: 'Alex Wilber' });
      expect(graph.requests).to.have.length(2);
    });

    it('a synchronous throw from the wrapped directory is not cached either', async () => {
      let calls = 0;
      const flaky: Directory = {
        ...directory,
        person: (id: string) => {
          calls++;
          if (calls === 1) throw new Error('boom');
          return Promise.resolve({ id, name: 'X' });
        },
        isCaseManager: async () => false,
        isAdmin: async () => false,
        isDataProtection: async () => false,
        admins: async () => [],
        caseManagers: async () => [],
        serviceAreas: async () => [],
      };
      const c = new CachedDirectory(flaky, { now });
      await rejection(c.person('a'));
      expect(await c.person('a')).to.deep.equal({ id: 'a', name: 'X' });
      expect(calls).to.equal(2);
    });

    it('callers get copies: mutating an answer does not change the cache', async () => {
      const first = await cached.caseManagers();
      first.pop();
      first[0]!.name = 'Mallory';
      expect((await cached.caseManagers()).map((p) => p.name)).to.deep.equal(['Alex Wilber', 'Lynne Robbins']);
    });

    it('clear() forgets everything', async () => {
      await cached.isAdmin(ALEX.id);
      cached.clear();
      await cached.isAdmin(ALEX.id);
      expect(graph.requests).to.have.length(2);
    });
  });

  describe('FileDirectory', () => {
    const SHIPPED = join(__dirname, '../src/directory/local-directory.json');
    const ALEX_LOCAL = '00000000-0000-0000-0000-0000000000020';
    const MEGAN_LOCAL = '00000000-0000-0000-0000-0000000000021';
    const roles = async (d: Directory, id: string) => [...(await rolesOf(d, id))].sort();
    let dir: string;

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'ubp-directory-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('the shipped local-directory.json loads, and rolesOf gives the documented roles', async () => {
      const local = await FileDirectory.load(SHIPPED);
      expect(await roles(local, ALEX_LOCAL)).to.deep.equal(['admin', 'case-manager', 'head-of-service', 'staff']);
      expect(await roles(local, MEGAN_LOCAL)).to.deep.equal(['head-of-service', 'staff']);
      expect(await roles(local, 'someone-else')).to.deep.equal(['staff']);
      expect(await local.person(ALEX_LOCAL)).to.deep.include({ name: 'Alex Wilber' });
      expect(await local.person('someone-else')).to.equal(null);
      expect((await local.caseManagers()).map((p) => p.name)).to.deep.equal(['Alex Wilber', 'Lynne Robbins']);
      expect(await local.isDataProtection('00000000-0000-0000-0000-0000000000025'), 'Lynne: the data protection team').to.equal(true);
      expect(await local.isDataProtection(ALEX_LOCAL)).to.equal(false);
    });

    it('an invalid file fails with a message naming the path and each problem', async () => {
      const path = join(dir, 'bad-directory.json');
      writeFileSync(
        path,
        JSON.stringify({
          people: [{ id: 'p1', name: 'Pat' }],
          caseManagers: ['ghost'],
          admins: [],
          serviceAreas: [{ id: 'income', name: 'Income', headOfService: 'p1', deputy: 'p1', alternates: ['p1', 'nobody'] }],
        }),
      );
      const error = await rejection(FileDirectory.load(path));
      expect(error.message).to.include(path);
      expect(error.message).to.include('caseManagers.0: ghost is not in people');
      expect(error.message).to.include('serviceAreas.0.deputy: the deputy must be another person');
      expect(error.message).to.include('serviceAreas.0.alternates.0: each alternate must be another person, once');
      expect(error.message).to.include('serviceAreas.0.alternates.1: nobody is not in people');
    });

    it('an unreadable file fails with a message naming the path', async () => {
      const path = join(dir, 'not-json.json');
      writeFileSync(path, '{ nope');
      expect((await rejection(FileDirectory.load(path))).message).to.include(`Cannot read directory file ${path}`);
      const missing = join(dir, 'missing.json');
      expect((await rejection(FileDirectory.load(missing))).message).to.include(missing);
    });
  });
});
