import { expect } from 'chai';
import { graphClient } from '../../src/directory/graph-directory';
import { GraphInstaller, personalChatReference, type GraphInstallerOptions, type TeamsAddress } from '../../src/directory/graph-installer';
import type { Installation } from '../../src/app/ports';
import { FakeCredential, GRAPH_TOKEN, TeamsGraph } from '../support/teams-graph';
import { waitUntil } from '../support/wait';

const MANIFEST_ID = '6c0a1f3e-5b7d-4c2a-9e81-2f4b6d8a0c13';
const CATALOG_ID = 'a1b2c3d4-0000-4000-8000-00000000c0de';
const MEGAN = '1a1a1a1a-0000-4000-8000-000000000021';
const ADELE = '1a1a1a1a-0000-4000-8000-000000000022';
const TENANT = '3c9e7f21-5a4b-4d8c-b2e1-8f0a6d4c2b17';
const TEAMS: TeamsAddress = { serviceUrl: 'https://smba.trafficmanager.net/uk/', tenantId: TENANT };

const installs = (user: string) => `/v1.0/users/${user}/teamwork/installedApps`;
const chatOf = (graph: TeamsGraph, user: string) => `${installs(user)}/${encodeURIComponent(graph.installed.get(user)!)}/chat`;

function refused(result: Installation): Extract<Installation, { installed: false }> {
  if (result.installed) return expect.fail(`expected a refusal, got ${JSON.stringify(result)}`);
  return result;
}

describe('GraphInstaller: reaching someone who has never chatted with the bot (R-outbox-install)', () => {
  const graph = new TeamsGraph();
  let stored: number;
  const installer = (over: Partial<GraphInstallerOptions> = {}) =>
    new GraphInstaller({
      client: graphClient(new FakeCredential(), graph.baseUrl),
      baseUrl: graph.baseUrl,
      catalogAppId: CATALOG_ID,
      botAppId: 'bot-id',
      stored: async () => (stored++, TEAMS),
      timeoutMs: 2000,
      ...over,
    });

  before(() => graph.start());
  after(() => graph.stop());
  beforeEach(() => {
    graph.reset();
    graph.catalogue.push({ id: CATALOG_ID, externalId: MANIFEST_ID });
    stored = 0;
  });

  it('the reference of a personal chat Graph names: msteams, the tenant’s service URL, the chat, the bot (28:) and the person', () => {
    expect(personalChatReference({ chatId: '19:x_y@unq.gbl.spaces', personId: MEGAN, botAppId: 'b07', ...TEAMS })).to.deep.equal({
      channelId: 'msteams',
      serviceUrl: TEAMS.serviceUrl,
      conversation: { id: '19:x_y@unq.gbl.spaces', conversationType: 'personal', tenantId: TENANT },
      bot: { id: '28:b07' },
      user: { aadObjectId: MEGAN },
    });
  });

  it('201: installs the app for them, finds the installation and its chat, and gives the chat’s reference', async () => {
    const result = await installer().reach(MEGAN);

    expect(result).to.deep.equal({
      installed: true,
      reference: personalChatReference({ chatId: TeamsGraph.chatId(MEGAN), personId: MEGAN, botAppId: 'bot-id', ...TEAMS }),
    });
    expect(graph.made()).to.deep.equal([`POST ${installs(MEGAN)}`, `GET ${installs(MEGAN)}`, `GET ${chatOf(graph, MEGAN)}`]);
    expect(graph.calls[0]!.body).to.deep.equal({ 'teamsApp@odata.bind': `${graph.baseUrl}v1.0/appCatalogs/teamsApps/${CATALOG_ID}` });
    expect(graph.calls[1]!.query).to.deep.equal({ $expand: 'teamsApp', $filter: `teamsApp/id eq '${CATALOG_ID}'` });
    expect(graph.calls.map((c) => c.authorization)).to.deep.equal(graph.calls.map(() => `Bearer ${GRAPH_TOKEN}`));
  });

  it('409: installed already (by them, or an earlier attempt) is fine: the same chat', async () => {
    graph.installed.set(MEGAN, 'aW5zdGFsbGVkLWVhcmxpZXI=');
    const result = await installer().reach(MEGAN);
    expect(result).to.deep.include({ installed: true });
    expect(result.installed && result.reference.conversation).to.deep.include({ id: TeamsGraph.chatId(MEGAN) });
    expect(graph.made()).to.deep.equal([`POST ${installs(MEGAN)}`, `GET ${installs(MEGAN)}`, `GET ${chatOf(graph, MEGAN)}`]);
  });

  it('with no catalogue id configured, looks the app up by its manifest id once, for every install after (and at the same time)', async () => {
    const byManifest = installer({ catalogAppId: null, manifestAppId: MANIFEST_ID });
    const results = await Promise.all([byManifest.reach(MEGAN), byManifest.reach(ADELE)]);
    await byManifest.reach(MEGAN);

    expect(results.map((r) => r.installed)).to.deep.equal([true, true]);
    const lookups = graph.calls.filter((c) => c.path === '/v1.0/appCatalogs/teamsApps');
    expect(lookups.map((c) => c.query)).to.deep.equal([{ $filter: `externalId eq '${MANIFEST_ID}'` }]);
    expect(graph.calls.filter((c) => c.method === 'POST').map((c) => c.body)).to.deep.equal(
      [1, 2, 3].map(() => ({ 'teamsApp@odata.bind': `${graph.baseUrl}v1.0/appCatalogs/teamsApps/${CATALOG_ID}` })),
    );
  });

  it('403 installing: refused, naming the permission to grant (and no chat asked for)', async () => {
    graph.script('POST', /installedApps$/, { status: 403 });
    const result = refused(await installer().reach(MEGAN));
    expect(result).to.include({ status: 403, retryAfterMs: null });
    expect(result.why).to.equal(
      "the app could not be installed for them: Microsoft Graph answered 403 Scripted403 when installing the app: grant the bot's managed identity TeamsAppInstallation.ReadWriteSelfForUser.All, and check that no Teams app permission policy blocks the app for them",
    );
    expect(graph.made()).to.deep.equal([`POST ${installs(MEGAN)}`]);
  });

  it('403 looking the app up: names AppCatalog.Read.All or TEAMS_CATALOG_APP_ID; the failure is not kept, the next attempt looks again', async () => {
    graph.script('GET', /teamsApps$/, { status: 403 });
    const byManifest = installer({ catalogAppId: null, manifestAppId: MANIFEST_ID });
    const result = refused(await byManifest.reach(MEGAN));
    expect(result.status).to.equal(403);
    expect(result.why).to.match(
      /when looking the app up in the catalogue: grant the bot's managed identity AppCatalog\.Read\.All, or set TEAMS_CATALOG_APP_ID$/,
    );
    expect(await byManifest.reach(MEGAN)).to.deep.include({ installed: true });
    expect(graph.calls.filter((c) => c.path === '/v1.0/appCatalogs/teamsApps')).to.have.length(2);
  });

  it('an app not in the organisation’s catalogue: 404, saying to upload it (nothing installed)', async () => {
    graph.catalogue.length = 0;
    const result = refused(await installer({ catalogAppId: null, manifestAppId: MANIFEST_ID }).reach(MEGAN));
    expect(result.status).to.equal(404);
    expect(result.why).to.include(`has no app with manifest id ${MANIFEST_ID} in the organisation's app catalogue: upload the app package`);
    expect(graph.made()).to.deep.equal(['GET /v1.0/appCatalogs/teamsApps']);

    const configured = refused(await installer().reach(MEGAN));
    expect(configured.status).to.equal(404);
    expect(configured.why).to.include("when installing the app: publish the app to the organisation's app catalogue");
  });

  it('an app uploaded again (a new catalogue id): the stale id looked up is dropped on 404, and the next attempt looks it up afresh', async () => {
    const byManifest = installer({ catalogAppId: null, manifestAppId: MANIFEST_ID });
    expect(await byManifest.reach(MEGAN)).to.deep.include({ installed: true });
    graph.catalogue.splice(0, 1, { id: 'b2c3d4e5-0000-4000-8000-00000000c0de', externalId: MANIFEST_ID });
    expect(refused(await byManifest.reach(ADELE)).status).to.equal(404);
    expect(await byManifest.reach(ADELE)).to.deep.include({ installed: true });
    expect(graph.calls.filter((c) => c.path === '/v1.0/appCatalogs/teamsApps')).to.have.length(2);
  });

  it('throttled or unavailable: Graph’s status and Retry-After, for the outbox to retry', async () => {
    graph.script('POST', /installedApps$/, { status: 429, headers: { 'Retry-After': '7' } }, { status: 503 });
    const throttled = refused(await installer().reach(MEGAN));
    expect(throttled).to.include({ status: 429, retryAfterMs: 7000 });
    expect(throttled.why).to.match(/answered 429 Scripted429 when installing the app: it is busy or unavailable$/);
    expect(refused(await installer().reach(MEGAN))).to.include({ status: 503, retryAfterMs: null });
  });

  it('a Graph call that hangs: no answer (status null) once its timeout passes', async () => {
    graph.script('GET', /chat$/, 'hang');
    const result = refused(await installer({ timeoutMs: 200 }).reach(MEGAN));
    expect(result).to.deep.equal({
      installed: false,
      status: null,
      retryAfterMs: null,
      why: 'the app could not be installed for them: Microsoft Graph gave no answer within 200 ms (finding its chat)',
    });
  });

  it('just installed but not listed yet (Graph lags): no answer yet, so it is tried again', async () => {
    graph.script('GET', /installedApps$/, { status: 404 });
    const result = refused(await installer().reach(MEGAN));
    expect(result).to.include({ status: null, why: 'the app was installed for them, but Microsoft Graph does not show its chat yet' });
  });

  it("Teams' address: configured (no store read), else a stored chat's; none known yet is no answer yet, with no Graph call", async () => {
    const configured = await installer({ serviceUrl: 'https://smba.trafficmanager.net/emea/', tenantId: TENANT }).reach(MEGAN);
    expect(configured.installed && configured.reference).to.deep.include({ serviceUrl: 'https://smba.trafficmanager.net/emea/' });
    expect(stored).to.equal(0);
    const fromStore = installer();
    await fromStore.reach(MEGAN);
    await fromStore.reach(ADELE);
    expect(stored, 'a stored chat’s address is read once, then kept').to.equal(1);

    graph.calls.length = 0;
    const unknown = refused(await installer({ stored: async () => null }).reach(ADELE));
    expect(unknown).to.include({ status: null });
    expect(unknown.why).to.include('set TEAMS_SERVICE_URL');
    expect(graph.calls).to.deep.equal([]);

    const plain = refused(await installer({ stored: async () => ({ serviceUrl: 'http://teams.example/', tenantId: TENANT }) }).reach(ADELE));
    expect(plain.why).to.include('no https address for Teams');
    expect(() => installer({ serviceUrl: 'http://teams.example/' })).to.throw(/must be an https URL/);
  });

  it('installs at most `maxConcurrent` at once; the others wait their turn', async () => {
    let release!: () => void;
    graph.gate = new Promise((resolve) => (release = resolve));
    const bounded = installer({ maxConcurrent: 2 });
    const people = Array.from({ length: 5 }, (_, i) => `1a1a1a1a-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`);
    const all = Promise.all(people.map((p) => bounded.reach(p)));
    await waitUntil('two installs under way', () => graph.calls.length === 2, 5000, 5);
    release();
    const results = await all;

    expect(results.map((r) => r.installed)).to.deep.equal(people.map(() => true));
    expect(graph.maxInFlight).to.equal(2);
  });

  it('never holds the caller past its deadline: one waiting for a slot behind a hung install gets no answer', async () => {
    graph.script('POST', /installedApps$/, 'hang');
    const slow = installer({ maxConcurrent: 1, timeoutMs: 10_000, deadlineMs: 300 });
    const [first, second] = await Promise.all([slow.reach(MEGAN), slow.reach(ADELE)]);
    const late = {
      installed: false,
      status: null,
      retryAfterMs: null,
      why: 'the app could not be installed for them: Microsoft Graph gave no answer within 300 ms',
    };
    expect(first, 'the hung install').to.deep.equal(late);
    expect(second, 'the one waiting for its turn').to.deep.equal(late);
    expect(graph.made()).to.deep.equal([`POST ${installs(MEGAN)}`]);
  });

  it('refuses a configuration it could not act on', () => {
    expect(() => installer({ catalogAppId: null, manifestAppId: null })).to.throw(/give the catalogue app id or the manifest id/);
    expect(() => installer({ catalogAppId: 'not-a-guid' })).to.throw(/catalogAppId must be a GUID/);
  });
});
