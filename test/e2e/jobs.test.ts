import { expect } from 'chai';
import { request, type IncomingHttpHeaders } from 'node:http';
import { startEmbeddedCosmos, EMULATOR_KEY, type EmbeddedCosmos } from '../../src/store/embedded';
import type { JobLease } from '../../src/app/ports';
import { PEOPLE, startHarness, type Harness } from '../support/harness';
import { ConversationStore, channelKey } from '../../src/store/conversations';
import { SubscriptionStore } from '../../src/store/subscriptions';

const TEAM = '19:team@thread.tacv2';
import { FakeJob, ManualClock, capturedLog } from '../support/jobs';
import { waitUntil } from '../support/wait';

/** A JOBS_SECRET as `openssl rand -base64 32` gives it. */
const SECRET = 'q7Vn2Xc9Lp4Rz8Tw1Ys6Bd3Fg5Hj0Km+Na/Eo2Iu4U=';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: { code?: string; message?: string; job?: string; slot?: string; status?: string; report?: Record<string, number> } | null;
}

/** A request with exactly the headers given, repeats included (fetch would join two Authorization headers into one). */
function send(base: string, method: string, path: string, headers: string[] = [], body = ''): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname,
        headers: ['Host', url.host, 'Content-Length', String(Buffer.byteLength(body)), ...headers],
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const bearer = (token: string) => ['Authorization', `Bearer ${token}`];
const leaseOf = async (h: Harness, job: string): Promise<JobLease | undefined> =>
  (await h.bot.cosmos.containers.leases.item(`job:${job}`, `job:${job}`).read<JobLease>()).resource;

describe('POST /api/jobs/:name (real HTTP, embedded Cosmos)', function () {
  this.timeout(60_000);

  it('is off without JOBS_SECRET: 404 whatever the token, nothing runs, and the start-up log says so', async () => {
    const job = new FakeJob();
    const captured = capturedLog();
    const h = await startHarness({}, { jobs: { digest: job.runAs('bot') }, log: captured.log });
    try {
      for (const headers of [[], bearer(SECRET), bearer('anything')])
        expect((await send(h.bot.url, 'POST', '/api/jobs/digest', headers)).status).to.equal(404);
      expect(job.runs).to.deep.equal([]);
      expect(captured.messages().map((l) => l.msg)).to.include('jobs scheduled; POST /api/jobs/:name is off (JOBS_SECRET is not set)');
    } finally {
      await h.stop();
    }
  });

  describe('with JOBS_SECRET', () => {
    let h: Harness;
    let digest: FakeJob;
    let reminders: FakeJob;
    const captured = capturedLog();
    const clock = new ManualClock(Date.parse('2026-11-26T10:00:30Z')); // a Thursday: no slot is due while the tests run
    const post = (path: string, headers: string[] = [], body = '') => send(h.bot.url, 'POST', path, headers, body);

    before(async () => {
      digest = new FakeJob();
      reminders = new FakeJob();
      h = await startHarness(
        { JOBS_SECRET: SECRET, JOBS_WAIT_MS: '3000' },
        { now: clock.now, log: captured.log, jobs: { digest: digest.runAs('request'), reminders: reminders.runAs('request') } },
      );
    });
    after(async () => {
      digest.release();
      await h.stop();
    });
    afterEach(async () => {
      digest.release();
      await h.bot.scheduler.idle();
    });

    it('the start-up log says the endpoint is on', () => {
      expect(captured.messages().map((l) => l.msg)).to.include('jobs scheduled; POST /api/jobs/:name is on');
    });

    it('without Authorization: 401 with the Bearer challenge, and nothing runs', async () => {
      const res = await post('/api/jobs/digest');
      expect(res.status).to.equal(401);
      expect(res.headers['www-authenticate']).to.equal('Bearer realm="jobs"');
      expect(res.body?.message).to.equal('Send Authorization: Bearer <JOBS_SECRET>');
      expect(digest.runs).to.deep.equal([]);
    });

    it('a wrong token (same length, shorter, longer, or the secret with more after it): 401 invalid_token', async () => {
      const sameLength = SECRET.replace(/.$/, SECRET.endsWith('A') ? 'B' : 'A');
      for (const token of [sameLength, SECRET.slice(0, -1), `${SECRET}x`, 'x', 'a'.repeat(4000)]) {
        const res = await post('/api/jobs/digest', bearer(token));
        expect(res.status, token.slice(0, 20)).to.equal(401);
        expect(res.headers['www-authenticate']).to.equal('Bearer realm="jobs", error="invalid_token"');
        expect(res.body?.message).to.equal('The bearer token is not the jobs secret');
      }
      expect(digest.runs).to.deep.equal([]);
    });

    it('another scheme, `Bearer` with no token, or a token with a space: 401 invalid_request', async () => {
      for (const value of [`Basic ${Buffer.from(`jobs:${SECRET}`).toString('base64')}`, 'Bearer', 'Bearer ', `Bearer ${SECRET} x`, SECRET]) {
        const res = await post('/api/jobs/digest', ['Authorization', value]);
        expect(res.status, value).to.equal(401);
        expect(res.headers['www-authenticate'], value).to.equal('Bearer realm="jobs", error="invalid_request"');
      }
      expect(digest.runs).to.deep.equal([]);
    });

    it('two Authorization headers: 400, even when one carries the secret', async () => {
      for (const headers of [
        [...bearer(SECRET), ...bearer(SECRET)],
        [...bearer('wrong'), ...bearer(SECRET)],
      ]) {
        const res = await post('/api/jobs/digest', headers);
        expect(res.status).to.equal(400);
        expect(res.body?.message).to.equal('Send one Authorization header');
      }
      expect(digest.runs).to.deep.equal([]);
    });

    it('compares every token, whatever its length or form, through the same digest comparison (no early return)', async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, to count calls made through it
      const crypto = require('node:crypto') as typeof import('node:crypto');
      const original = crypto.timingSafeEqual;
      const lengths: number[] = [];
      crypto.timingSafeEqual = (a, b) => {
        lengths.push(a.byteLength, b.byteLength);
        return original(a, b);
      };
      try {
        const cases = [[], bearer('x'), bearer('y'.repeat(4000)), ['Authorization', 'Basic abc'], [...bearer('a'), ...bearer('b')], bearer(SECRET)];
        for (const headers of cases) await post('/api/jobs/unknown', headers);
        expect(lengths, 'one comparison of two 32-byte digests per request').to.deep.equal(cases.flatMap(() => [32, 32]));
      } finally {
        crypto.timingSafeEqual = original;
      }
    });

    it('an unknown job: 404 naming the jobs there are', async () => {
      const res = await post('/api/jobs/letters', bearer(SECRET));
      expect(res.status).to.equal(404);
      expect(res.body).to.deep.equal({ code: 'UnknownJob', message: 'No such job. Jobs: digest, reminders, lapses, retention' });
    });

    it('a body: 413 and nothing runs (the endpoint takes none)', async () => {
      const res = await post('/api/jobs/digest', [...bearer(SECRET), 'Content-Type', 'application/json'], '{"slot":"2020-01-01"}');
      expect(res.status).to.equal(413);
      expect(res.headers.connection).to.equal('close');
      expect(digest.runs).to.deep.equal([]);
    });

    it('the right token runs the job now: 200 with the report; the lease records the run and keeps its lastSlot', async () => {
      const before = await leaseOf(h, 'digest');
      const res = await post('/api/jobs/digest', bearer(SECRET));
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ job: 'digest', slot: '2026-11-26T10:00:30.000Z', report: { sent: 1 } });
      expect(digest.runs).to.deep.equal([{ by: 'request', slot: '2026-11-26T10:00:30.000Z' }]);
      const after = await leaseOf(h, 'digest');
      expect(after).to.deep.include({ holder: null, expiresAt: null, lastSlot: before?.lastSlot });
      expect(after?.lastRun).to.deep.include({ trigger: 'request', report: { sent: 1 } });
    });

    it('the scheme is case-insensitive: `bearer` runs it too', async () => {
      const res = await post('/api/jobs/digest', ['Authorization', `bearer ${SECRET}`]);
      expect(res.status).to.equal(200);
      expect(digest.runs).to.have.length(2);
    });

    it('a run that outlasts JOBS_WAIT_MS: 202 while it carries on; another request meanwhile: 409; then it finishes', async () => {
      digest.hold();
      const runs = digest.runs.length;
      const res = await post('/api/jobs/digest', bearer(SECRET));
      expect(res.status).to.equal(202);
      expect(res.body).to.deep.include({ job: 'digest', status: 'running' });
      expect((await leaseOf(h, 'digest'))?.holder, 'held while it runs').to.be.a('string');
      const again = await post('/api/jobs/digest', bearer(SECRET));
      expect(again.status).to.equal(409);
      expect(again.body?.code).to.equal('JobRunning');
      digest.release();
      await waitUntil('the run is recorded and the lease freed', async () => (await leaseOf(h, 'digest'))?.holder === null);
      expect(digest.runs.length - runs, 'one run').to.equal(1);
      expect((await leaseOf(h, 'digest'))?.lastRun?.report).to.deep.equal({ sent: digest.runs.length });
    });

    it('a job that fails: 500 without its message, and its lease is free again', async () => {
      reminders.failures = 1;
      const res = await post('/api/jobs/reminders', bearer(SECRET));
      expect(res.status).to.equal(500);
      expect(res.body).to.deep.equal({ code: 'JobFailed', message: "reminders failed: see the bot's log" });
      expect(await leaseOf(h, 'reminders')).to.deep.include({ holder: null, lastRun: null });
      expect(captured.raw.join('\n')).to.not.include('injected job failure');
    });

    it('never logs the secret', () => {
      expect(captured.raw.length).to.be.greaterThan(0);
      expect(captured.raw.join('\n')).to.not.include(SECRET);
    });
  });
});

describe('two bot instances on one Cosmos, each with its own clock moved to Monday 08:00', function () {
  this.timeout(60_000);
  let cosmos: EmbeddedCosmos;
  const instances: Harness[] = [];
  before(async () => (cosmos = await startEmbeddedCosmos()));
  after(async () => {
    await Promise.all(instances.map((h) => h.stop()));
    await cosmos.close();
  });

  it('runs the digest exactly once across both (and the hourly reminders once)', async () => {
    const digest = new FakeJob();
    const reminders = new FakeJob();
    const clocks = [new ManualClock(Date.parse('2026-11-30T07:59:50Z')), new ManualClock(Date.parse('2026-11-30T07:59:52Z'))];
    const env = { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: EMULATOR_KEY, COSMOS_ATOMIC_BATCH: 'false', JOBS_TICK_MS: '50' };
    for (const [n, clock] of clocks.entries())
      instances.push(await startHarness(env, { now: clock.now, jobs: { digest: digest.runAs(`bot-${n}`), reminders: reminders.runAs(`bot-${n}`) } }));
    const [a, b] = instances as [Harness, Harness];
    await waitUntil('both jobs are seen', async () => (await leaseOf(a, 'digest')) !== undefined && (await leaseOf(a, 'reminders')) !== undefined);
    digest.hold(); // while the digest runs, both instances keep ticking
    clocks[0]!.set('2026-11-30T08:00:00Z');
    clocks[1]!.set('2026-11-30T08:00:01Z');
    await waitUntil('the digest starts', () => digest.runs.length > 0);
    await Promise.all([a.bot.scheduler.tick(), b.bot.scheduler.tick(), a.bot.scheduler.tick(), b.bot.scheduler.tick()]);
    digest.release();
    await waitUntil('both slots are done', async () =>
      [await leaseOf(b, 'digest'), await leaseOf(b, 'reminders')].every((l) => l?.lastSlot === '2026-11-30T08:00:00.000Z' && l.holder === null),
    );
    await Promise.all([a.bot.scheduler.tick(), b.bot.scheduler.tick(), a.bot.scheduler.tick(), b.bot.scheduler.tick()]);
    await Promise.all([a.bot.scheduler.idle(), b.bot.scheduler.idle()]);
    expect(digest.runs.map((r) => r.slot)).to.deep.equal(['2026-11-30T08:00:00.000Z']);
    expect(reminders.runs.map((r) => r.slot)).to.deep.equal(['2026-11-30T08:00:00.000Z']);
    expect((await leaseOf(a, 'digest'))?.lastRun).to.deep.include({ trigger: 'schedule', report: { sent: 1 } });
  });

  it('with the real jobs: moved to Monday 08:05, the digest, the reminders and the lapses each run once across both', async () => {
    const slots = { digest: '2026-12-07T08:00:00.000Z', reminders: '2026-12-07T08:00:00.000Z', lapses: '2026-12-07T08:05:00.000Z' };
    const logs = [capturedLog(), capturedLog()];
    const clocks = [new ManualClock(Date.parse('2026-12-07T07:59:00Z')), new ManualClock(Date.parse('2026-12-07T07:59:00Z'))];
    const env = {
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: EMULATOR_KEY,
      COSMOS_ATOMIC_BATCH: 'false',
      COSMOS_DATABASE: 'real-jobs',
      JOBS_TICK_MS: '50',
    };
    const [a, b] = [
      await startHarness(env, { now: clocks[0]!.now, log: logs[0]!.log }),
      await startHarness(env, { now: clocks[1]!.now, log: logs[1]!.log }),
    ];
    instances.push(a, b);
    // Two channels subscribed (every area; one area), reachable through instance a's connector.
    const channels = ['19:general@thread.tacv2', '19:repairs@thread.tacv2'];
    for (const [i, channel] of channels.entries()) {
      const key = channelKey(TEAM, channel);
      const reference = {
        channelId: 'msteams',
        serviceUrl: a.connector.url,
        bot: { id: '28:bot-id' },
        conversation: { id: channel, conversationType: 'channel' },
      };
      await new ConversationStore(a.bot.cosmos).remember(key, reference, null, new Date('2026-12-01T09:00:00Z'));
      const by = { id: PEOPLE.alex.aadObjectId, name: PEOPLE.alex.name };
      await new SubscriptionStore(a.bot.cosmos).save({
        channelKey: key,
        teamId: TEAM,
        area: i === 0 ? null : 'repairs',
        by,
        at: '2026-12-01T09:00:00.000Z',
      });
    }
    await waitUntil('the jobs are seen', async () => (await Promise.all(Object.keys(slots).map((job) => leaseOf(a, job)))).every(Boolean));
    for (const clock of clocks) clock.set('2026-12-07T08:05:00Z');
    await waitUntil(
      () => `every slot done; logged: ${logs.flatMap((l) => l.messages().map((m) => `${m.job ?? ''} ${m.msg}`)).join(' | ')}`,
      async () => (await Promise.all(Object.entries(slots).map(async ([job, slot]) => (await leaseOf(a, job))?.lastSlot === slot))).every(Boolean),
    );
    await Promise.all([a.bot.scheduler.tick(), b.bot.scheduler.tick(), a.bot.scheduler.tick(), b.bot.scheduler.tick()]);
    await Promise.all([a.bot.scheduler.idle(), b.bot.scheduler.idle()]);
    const logged = logs.flatMap((l) => l.messages()).filter((m) => m.msg === 'job finished' || m.msg === 'job failed');
    expect(logged.map((m) => `${m.job} ${m.msg}`).sort()).to.deep.equal(['digest job finished', 'lapses job finished', 'reminders job finished']);

    // Exactly one digest per subscribed channel, each a new post in the channel, whichever instance ran the job.
    const posts = () =>
      [a, b].flatMap((h) => h.connector.received).filter((r) => r.method === 'POST' && /^\/v3\/conversations\/19%3A(general|repairs)/.test(r.path));
    await waitUntil('both digests posted', () => posts().length >= 2);
    await Promise.all([a.bot.dispatcher.runOnce(), b.bot.dispatcher.runOnce()]);
    expect(
      posts()
        .map((r) => r.path)
        .sort(),
    ).to.deep.equal(channels.map((c) => `/v3/conversations/${encodeURIComponent(c)}/activities`).sort());
  });
});
