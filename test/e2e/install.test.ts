import { expect } from 'chai';
import pino from 'pino';
import type { ConversationRecord } from '../../src/app/ports';
import { graphClient } from '../../src/directory/graph-directory';
import { GraphInstaller } from '../../src/directory/graph-installer';
import type { OutboxEntry } from '../../src/domain/outbox';
import { ConversationStore } from '../../src/store/conversations';
import { FileDirectory } from '../../src/directory/file-directory';
import { SAMPLE_DIRECTORY_FILE } from '../../src/paths';
import type { Recorded } from '../support/connector';
import { PEOPLE, TENANT, cardText, clockFrom, startHarness, violentIncident, type Harness, type PersonKey } from '../support/harness';
import { proactiveTo, waitFor } from '../support/proactive';
import { FakeCredential, TeamsGraph } from '../support/teams-graph';
import { waitUntil } from '../support/wait';

const MANIFEST_ID = '6c0a1f3e-5b7d-4c2a-9e81-2f4b6d8a0c13';
const CATALOG_ID = 'a1b2c3d4-0000-4000-8000-00000000c0de';

/** Patti Fernandez, deputy Head of Service for Repairs in the sample directory: the harness never has her chat. */
const PATTI = '00000000-0000-0000-0000-0000000000024';
const aad = (who: PersonKey | typeof PATTI) => (who === PATTI ? PATTI : PEOPLE[who].aadObjectId);
/** The fake connector's path for the chat Graph gives for the app installed for this person. */
const inChatOf = (who: PersonKey | typeof PATTI) => (r: Recorded) =>
  r.path.startsWith(`/v3/conversations/${encodeURIComponent(TeamsGraph.chatId(aad(who)))}/activities`);
const signOffIn = (who: PersonKey | typeof PATTI) => (r: Recorded) =>
  r.method === 'POST' && inChatOf(who)(r) && String(r.body.summary).startsWith('Sign-off needed');
const installsFor = (graph: TeamsGraph, who: PersonKey) =>
  graph.calls.filter((c) => c.method === 'POST' && c.path === `/v1.0/users/${encodeURIComponent(aad(who))}/teamwork/installedApps`);

/**
 * A Head of Service who has never chatted with the bot gets their sign-off card all the same: the real dispatcher, real
 * Cosmos, the real GraphInstaller against a local Graph stand-in, and the fake Bot Connector
 * (docs/rules.md#R-outbox-install). Only Alex, the reporter, has chatted with the bot.
 */
describe('reaching people who have never chatted with the bot: the app installed through Graph (end to end)', () => {
  const graph = new TeamsGraph();
  let h: Harness;

  before(async () => {
    await graph.start();
    graph.catalogue.push({ id: CATALOG_ID, externalId: MANIFEST_ID });
    const installer = new GraphInstaller({
      client: graphClient(new FakeCredential(), graph.baseUrl),
      baseUrl: graph.baseUrl,
      manifestAppId: MANIFEST_ID, // no catalogue id configured: looked up by it
      botAppId: 'bot-id',
      // Teams' address comes from the chats the bot has: the store of the bot under test.
      stored: () => new ConversationStore(h.bot.cosmos).teamsAddress(),
      timeoutMs: 1500, // the hung call below costs this once
    });
    h = await startHarness({ OUTBOX_POLL_MS: '50' }, { now: clockFrom(), installer });
    await h.message('help', 'alex');
  });
  after(async () => {
    await h.stop();
    await graph.stop();
  });

  const conversationOf = async (who: PersonKey) =>
    (await h.bot.cosmos.containers.conversations.item(`person:${aad(who)}`, `person:${aad(who)}`).read<ConversationRecord>()).resource ?? null;
  const entry = async (id: string, customerKey: string) =>
    (await h.bot.cosmos.containers.cases.item(id, customerKey).read<OutboxEntry>()).resource ?? null;
  const report = async (formId: string, customerRef: string, serviceArea: string) => {
    const res = await h.invoke('incident.submit', violentIncident(formId, { customerRef, serviceArea }));
    return `${/UB-\w{3}-\w{3}/.exec(cardText(res.body.value))![0]}:pairs-visit`;
  };

  it('a §5.1 sign-off: the app is installed for the Head of Service (201) and deputy (409: installed already), their chats remembered, the cards delivered there', async () => {
    graph.installed.set(aad('adele'), 'aW5zdGFsbGVkIGJ5IGhlcnNlbGY='); // Adele had it, but never wrote to the bot
    await report('install-form-1', 'T300001', 'housing-management');

    const [toMegan] = await waitFor(h, 'sign-off card in the chat Graph gave for Megan', signOffIn('megan'));
    await waitFor(h, 'sign-off card in the chat Graph gave for Adele', signOffIn('adele'));
    expect(cardText(toMegan!.body)).to.include('Waiting for Megan Bowen (Head of Service) or Adele Vance (deputy)');

    // Remembered as the reference the bot would have stored had she written first: Teams' address from Alex's chat.
    expect((await conversationOf('megan'))!.reference).to.deep.equal({
      channelId: 'msteams',
      serviceUrl: h.connector.url,
      conversation: { id: TeamsGraph.chatId(aad('megan')), conversationType: 'personal', tenantId: TENANT },
      bot: { id: '28:bot-id' },
      user: { aadObjectId: aad('megan') },
    });
    expect(await conversationOf('adele')).to.deep.include({ dead: null });
    expect(
      graph.calls.filter((c) => c.path === '/v1.0/appCatalogs/teamsApps'),
      'the catalogue id is looked up once',
    ).to.have.length(1);
    expect(installsFor(graph, 'megan').map((c) => c.body)).to.deep.equal([
      { 'teamsApp@odata.bind': `${graph.baseUrl}v1.0/appCatalogs/teamsApps/${CATALOG_ID}` },
    ]);
  });

  it('later messages go straight to the chat remembered: the decision updates both cards there and tells the reporter, with no install', async () => {
    const measureId = await report('install-form-2', 'T300002', 'housing-management');
    await waitFor(h, 'the second card to Megan', signOffIn('megan'), 2);
    const before = graph.calls.length;

    const decided = await h.invoke(
      'signoff.decide',
      { measureId, customerKey: 'T300002', outcome: 'approve', vulnerabilitiesConsidered: 'None known after checking.' },
      'megan',
    );
    expect(decided.status).to.equal(200);
    await waitFor(h, 'the reporter told', (r) => proactiveTo('alex')(r) && String(r.body.summary).includes('T300002: approved'));
    await waitFor(h, 'both cards updated in place', (r) => r.method === 'PUT' && (inChatOf('megan')(r) || inChatOf('adele')(r)), 2);
    expect(graph.calls.slice(before)).to.deep.equal([]);
  });

  it('Graph refuses (403): the entry fails and the case managers are told by name, with what to grant; Graph busy or silent is retried, then delivered', async () => {
    graph.script('POST', new RegExp(`/users/${aad('isaiah')}/`), { status: 403 });
    graph.script('POST', new RegExp(`/users/${PATTI}/`), { status: 503 }, 'hang');
    const measureId = await report('install-form-3', 'T300003', 'repairs'); // Isaiah (Head of Service) and Patti Fernandez (deputy)

    const told = await waitFor(
      h,
      'Alex told Isaiah could not be reached',
      (r) => proactiveTo('alex')(r) && String(r.body.summary).startsWith('Undelivered'),
    );
    const notice = cardText(told[0]!.body);
    expect(notice).to.include('could not be delivered to Isaiah Langer: the app could not be installed for them: Microsoft Graph answered 403');
    expect(notice).to.include('TeamsAppInstallation.ReadWriteSelfForUser.All');
    const isaiahs = await entry(`${measureId}:signoff:${aad('isaiah')}`, 'T300003');
    expect(isaiahs).to.include({ status: 'failed', attempts: 1 });
    expect(isaiahs!.lastError).to.match(/^the app could not be installed for them: Microsoft Graph answered 403/);
    expect(await conversationOf('isaiah'), 'a refusal marks nobody dead, and remembers nothing').to.equal(null);

    // Lynne, the other case manager, never chatted either: her notice installs the app for her too.
    await waitFor(h, 'Lynne told, in the chat Graph gave for her', (r) => inChatOf('lynne')(r) && String(r.body.summary).startsWith('Undelivered'));

    const pattis = `${measureId}:signoff:${PATTI}`;
    await waitUntil(
      'Patti’s card delivered on the third attempt (503, then no answer, then installed)',
      async () => (await entry(pattis, 'T300003'))?.status === 'sent',
    );
    expect(await entry(pattis, 'T300003')).to.include({ attempts: 3, lastError: null });
    expect(h.connector.received.filter(signOffIn(PATTI))).to.have.length(1);
  });

  it('someone who removed the bot is never installed for again: told to the case managers instead', async () => {
    await h.post(h.activity('installationUpdate', 'adele', { action: 'remove' }));
    const before = installsFor(graph, 'adele').length;
    const measureId = await report('install-form-4', 'T300004', 'housing-management');

    await waitFor(
      h,
      'Alex told Adele could not be reached',
      (r) => proactiveTo('alex')(r) && cardText(r.body).includes('could not be delivered to Adele Vance'),
    );
    expect((await entry(`${measureId}:signoff:${aad('adele')}`, 'T300004'))!.lastError).to.equal('they removed the bot from their Teams');
    expect(installsFor(graph, 'adele')).to.have.length(before);
  });
});

describe('installing for people who have never chatted: on only with the Graph directory and an app id to install (startup)', () => {
  const AUTH = {
    MicrosoftAppId: 'b07b07b0-0000-4000-8000-000000000001',
    MicrosoftAppPassword: 'x',
    MicrosoftAppTenantId: TENANT,
    ALLOWED_TENANT_IDS: TENANT,
  };
  const GRAPH = {
    GRAPH_CASE_MANAGER_GROUP_ID: '2b7e1c3a-9f4d-4e21-8a6b-5c0d9e8f7a61',
    GRAPH_ADMIN_GROUP_ID: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
    SERVICE_AREAS_JSON: JSON.stringify([{ id: 'repairs', name: 'Repairs', headOfService: '6f1c1f52-3d0e-4a43-9a55-3a8f1f0d2a11', deputy: null }]),
  };
  /** What the bot says about installing when it starts with this environment (Graph itself is never called at start). */
  async function startupLines(env: Record<string, string>): Promise<{ level: number; msg: string }[]> {
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) });
    const h = await startHarness(env, { log, directory: await FileDirectory.load(SAMPLE_DIRECTORY_FILE) });
    await h.stop();
    return lines.filter((l) => /install/.test(l.msg));
  }

  it('the local file directory: off, said once at info level (locally everything works as before)', async () => {
    expect((await startupLines({})).map((l) => [l.level, l.msg])).to.deep.equal([
      [
        30,
        'installing the app for people who have never chatted with the bot is off: it needs the Microsoft Graph directory (the local directory file is in use); messages to them fail and the case managers are told',
      ],
    ]);
  });

  it('the Graph directory with neither TEAMS_CATALOG_APP_ID nor TEAMS_APP_ID: off, with a warning saying what to set', async () => {
    const [line, ...more] = await startupLines({ ...AUTH, ...GRAPH });
    expect(more).to.deep.equal([]);
    expect(line).to.include({ level: 40 });
    expect(line!.msg).to.include('is off: set TEAMS_CATALOG_APP_ID, or TEAMS_APP_ID (the manifest id) to look it up in the app catalogue');
  });

  it('the Graph directory with the manifest id: on', async () => {
    const lines = await startupLines({ ...AUTH, ...GRAPH, TEAMS_APP_ID: MANIFEST_ID });
    expect(lines.map((l) => [l.level, l.msg])).to.deep.equal([[30, 'the app is installed for people who have never chatted with the bot']]);
    expect(lines[0]).to.include({ manifestAppId: MANIFEST_ID, catalogAppId: null });
  });
});
