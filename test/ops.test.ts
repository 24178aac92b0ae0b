import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CosmosClient } from '@azure/cosmos';
import { CONFIG_VARIABLES } from '../src/config';
import { EMULATOR_KEY, startEmbeddedCosmos, type EmbeddedCosmos } from '../src/store/embedded';
import { FakeConnector } from './support/connector';
import { startCosmosProxy, waitUntil, type CosmosProxy } from './support/cosmos-proxy';
import { activityFor, cardOf, cardText, startHarness, violentIncident } from './support/harness';

/**
 * Operations: the probes App Service uses (/healthz liveness, /readyz readiness against Cosmos) and the graceful
 * shutdown App Service relies on when it stops or recycles an instance (SIGTERM, then SIGKILL after a grace period).
 */

const ROOT = join(__dirname, '..');

interface Answer {
  status: number;
  body: unknown;
  ms: number;
}

/** One HTTP request on a fresh connection (no keep-alive pool), so "refused" means the listener is really closed. */
function send(url: string, method: 'GET' | 'POST', body?: object): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, agent: false, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null, ms: Date.now() - started });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A free loopback port (the child bot is told its port: with PORT=0 we could not know it). */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The bot as a separate process, started the way App Service starts it (but from src/ through tsx). */
class ChildBot {
  readonly lines: Record<string, unknown>[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private readonly child: ChildProcess;
  private readonly waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];

  constructor(env: Record<string, string>) {
    // The child gets the test's environment minus anything the app itself reads, plus `env`.
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONFIG_VARIABLES.includes(k)));
    this.child = spawn(process.execPath, ['--disable-warning=DEP0111', '--require', 'tsx/cjs', 'src/index.ts'], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
    let pending = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        let line: Record<string, unknown>;
        try {
          line = JSON.parse(text) as Record<string, unknown>;
        } catch {
          line = { msg: text };
        }
        this.lines.push(line);
        for (const w of this.waiters.filter((x) => x.msg === line.msg)) w.resolve(line);
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
  }

  /** Resolves with the first log line whose msg is `msg` (already logged or to come); rejects if the process exits first. */
  logged(msg: string, timeoutMs: number): Promise<Record<string, unknown>> {
    const seen = this.lines.find((l) => l.msg === msg);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${msg}" log within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({ msg, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void this.exited.then(({ code }) => reject(new Error(`bot exited (${code}) before "${msg}"; stderr: ${this.stderr}`)));
    });
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

describe('operations: health probes and graceful shutdown', () => {
  describe('probes', () => {
    it('/healthz is liveness only; /readyz turns 503 once Cosmos is gone, and a flood of probes costs one Cosmos request', async () => {
      const cosmos = await startEmbeddedCosmos();
      const proxy = await startCosmosProxy(cosmos.endpoint);
      const h = await startHarness({ COSMOS_ENDPOINT: proxy.url, COSMOS_KEY: EMULATOR_KEY, COSMOS_ATOMIC_BATCH: 'false', OUTBOX_POLL_MS: '60000' });
      try {
        expect(await send(`${h.bot.url}/healthz`, 'GET'))
          .to.include({ status: 200 })
          .and.nested.include({ 'body.status': 'ok' });
        await h.bot.dispatcher.stop(); // only the probes talk to Cosmos from here
        const before = proxy.forwarded();
        const probes = await Promise.all(Array.from({ length: 50 }, () => send(`${h.bot.url}/readyz`, 'GET')));
        for (const p of probes) expect(p).to.include({ status: 200 }).and.nested.include({ 'body.status': 'ready' });
        expect(proxy.forwarded() - before, '50 probes at once share one Cosmos read').to.be.at.most(1);

        await cosmos.close(); // Cosmos gone underneath the running bot: connections refused
        await waitUntil('/readyz says 503', async () => (await send(`${h.bot.url}/readyz`, 'GET')).status === 503);
        const notReady = await send(`${h.bot.url}/readyz`, 'GET');
        expect(notReady).to.include({ status: 503 }).and.nested.include({ 'body.status': 'cosmos unreachable' });
        expect(await send(`${h.bot.url}/healthz`, 'GET')).to.include({ status: 200 });
      } finally {
        await h.stop();
        await proxy.close();
        await cosmos.close();
      }
    });

    it('/readyz gives up on a Cosmos that accepts connections but never answers, /healthz answers meanwhile, and it recovers', async () => {
      const cosmos = await startEmbeddedCosmos();
      const proxy = await startCosmosProxy(cosmos.endpoint);
      const h = await startHarness({ COSMOS_ENDPOINT: proxy.url, COSMOS_KEY: EMULATOR_KEY, COSMOS_ATOMIC_BATCH: 'false' });
      try {
        expect((await send(`${h.bot.url}/readyz`, 'GET')).status).to.equal(200);
        proxy.hang();
        await waitUntil('/readyz says 503', async () => (await send(`${h.bot.url}/readyz`, 'GET')).status === 503, 15_000);
        expect(await send(`${h.bot.url}/readyz`, 'GET'))
          .to.include({ status: 503 })
          .and.nested.include({ 'body.status': 'cosmos unreachable' });
        expect((await send(`${h.bot.url}/healthz`, 'GET')).status).to.equal(200);
        proxy.release();
        await waitUntil('/readyz says 200 again', async () => (await send(`${h.bot.url}/readyz`, 'GET')).status === 200, 15_000);
      } finally {
        proxy.release(); // lets the outbox poll held by the proxy finish, so the bot can stop
        await h.stop();
        await proxy.close();
        await cosmos.close();
      }
    });
  });

  it('close() twice (e.g. SIGTERM then SIGINT) with a submission in flight: both finish once it is answered', async () => {
    const cosmos = await startEmbeddedCosmos();
    const proxy = await startCosmosProxy(cosmos.endpoint, 500);
    const h = await startHarness({ COSMOS_ENDPOINT: proxy.url, COSMOS_KEY: EMULATOR_KEY, COSMOS_ATOMIC_BATCH: 'false' });
    try {
      const report = await h.message('report');
      const form = cardOf(report.replies[0]!.body);
      const formId = (form.actions as { verb: string; data: { formId: string } }[]).find((a) => a.verb === 'incident.submit')!.data.formId;
      const submission = h.invoke('incident.submit', violentIncident(formId, { customerRef: 'T880002' }));
      await proxy.firstBatch;
      const deadline = new Promise<string>((resolve) => setTimeout(() => resolve('still closing after 3 s'), 3000).unref());
      const closes = [h.bot.close(), h.bot.close()].map((c) => Promise.race([c.then(() => 'closed'), deadline]));
      expect(await Promise.all(closes)).to.deep.equal(['closed', 'closed']);
      const answer = await submission;
      expect(answer.status).to.equal(200);
      expect(cardText(answer.body.value)).to.match(/UB-[2-9A-Z]{3}-[2-9A-Z]{3}/);
    } finally {
      await h.stop();
      await proxy.close();
      await cosmos.close();
    }
  });

  describe('SIGTERM with an incident submission in flight', () => {
    let cosmos: EmbeddedCosmos;
    let proxy: CosmosProxy;
    let connector: FakeConnector;
    let bot: ChildBot | undefined;

    before(async () => {
      cosmos = await startEmbeddedCosmos();
      proxy = await startCosmosProxy(cosmos.endpoint, 500);
      connector = await new FakeConnector().start();
    });
    after(async () => {
      if (bot?.running) {
        bot.signal('SIGKILL');
        await bot.exited;
      }
      await connector.stop();
      await proxy.close();
      await cosmos.close();
    });

    it('finishes the submission (200 + reference, stored in Cosmos), refuses new requests, and exits 0', async function () {
      this.timeout(20_000); // typically 4–8 s, most of it the child starting through tsx
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      bot = new ChildBot({
        PORT: String(port),
        COSMOS_ENDPOINT: proxy.url,
        COSMOS_KEY: EMULATOR_KEY,
        COSMOS_ATOMIC_BATCH: 'false',
        LOG_LEVEL: 'info',
      });
      const listening = await bot.logged('bot listening', 15_000);
      expect(listening.url).to.equal(`${url}/api/messages`);

      const activity = (type: string, extra: object) => activityFor(connector.url, type, 'alex', extra);

      // The report form, whose submit action carries the form id.
      expect((await send(`${url}/api/messages`, 'POST', activity('message', { text: 'report' }))).status).to.equal(200);
      const form = cardOf(connector.received.find((r) => r.body.summary === 'Report an incident')!.body);
      const formId = (form.actions as { verb: string; data: { formId: string } }[]).find((a) => a.verb === 'incident.submit')!.data.formId;

      const customerRef = 'T880001';
      const submission = send(
        `${url}/api/messages`,
        'POST',
        activity('invoke', {
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: 'incident.submit', data: violentIncident(formId, { customerRef }) } },
        }),
      );
      submission.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile

      // SIGTERM while the incident's batch write is held by the proxy: the request is certainly in flight.
      await proxy.firstBatch;
      const sigterm = Date.now();
      bot.signal('SIGTERM');
      await bot.logged('shutting down: no new requests, finishing those in flight', 2000);

      // The listener is closed at once: a new connection is refused while the submission is still being written.
      const attempt = () =>
        send(`${url}/healthz`, 'GET').then(
          (a) => `answered ${a.status}`,
          (error: NodeJS.ErrnoException) => error.code,
        );
      let refused = await attempt();
      // The log line is written just before the listener closes: a connection that lands in the backlog in that
      // instant is reset when it closes (never answered). The next one must find nothing listening.
      if (refused === 'ECONNRESET') refused = await attempt();
      expect(refused).to.equal('ECONNREFUSED');

      const answer = await submission;
      const answeredMs = Date.now() - sigterm;
      expect(answer.status, `answered ${answeredMs} ms after SIGTERM`).to.equal(200);
      const text = cardText((answer.body as { value: unknown }).value);
      const reference = /UB-[2-9A-Z]{3}-[2-9A-Z]{3}/.exec(text)?.[0];
      expect(reference, text).to.be.a('string');
      expect(text).to.include('Report received');

      const exit = await bot.exited;
      expect(exit, bot.stderr).to.include({ code: 0, signal: null });
      const shutdownMs = exit.at - sigterm;
      expect(shutdownMs - answeredMs, `exits promptly once the submission is answered (exit ${shutdownMs} ms after SIGTERM)`).to.be.lessThan(1000);
      expect(proxy.delayed(), 'the batch was held by the proxy').to.equal(1);

      // Nothing lost: the incident and its audit event are in Cosmos (read directly, not through the proxy).
      const client = new CosmosClient({ endpoint: cosmos.endpoint, key: EMULATOR_KEY, connectionPolicy: { enableEndpointDiscovery: false } });
      try {
        const cases = client.database('ubp').container('cases');
        const { resource: incident } = await cases.item(reference!, customerRef).read();
        expect(incident).to.include({ type: 'incident', id: reference, customerRef, category: 'aggressive' });
        const { resource: audit } = await cases.item(`${reference}:reported`, customerRef).read();
        expect(audit).to.include({ type: 'audit', action: 'incident.reported', subject: reference });
      } finally {
        client.dispose();
      }
      expect(
        bot.lines.filter((l) => (l.level as number) >= 50),
        'no errors logged',
      ).to.deep.equal([]);
    });
  });
});
