import { expect } from 'chai';
import type { Logger } from 'pino';
import { startEmbeddedCosmos, EMULATOR_KEY, type EmbeddedCosmos } from '../../src/store/embedded';
import { openCosmos, type CosmosStore } from '../../src/store/cosmos';
import { JobLeaseStore } from '../../src/store/leases';
import { Schedule } from '../../src/jobs/schedule';
import { Scheduler } from '../../src/jobs/scheduler';
import type { JobLease } from '../../src/app/ports';
import { createLogger } from '../../src/log';
import { startCosmosProxy, type CosmosProxy } from '../support/cosmos-proxy';
import { waitUntil } from '../support/wait';
import { FakeJob, ManualClock, capturedLog } from '../support/jobs';

/** Monday 30 November 2026, 08:00 in London (GMT): the digest's default slot. */
const MONDAY_8 = '2026-11-30T08:00:00.000Z';

describe('Scheduler: each job once per slot across instances (embedded Cosmos)', function () {
  this.timeout(30_000);
  let cosmos: EmbeddedCosmos;
  let db: CosmosStore;
  let leases: JobLeaseStore;
  let clock: ManualClock;
  let job: FakeJob;
  let schedulers: Scheduler[];
  let dbCount = 0;
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

  before(async () => (cosmos = await startEmbeddedCosmos()));
  after(async () => cosmos.close());
  beforeEach(async () => {
    db = await openCosmos({ endpoint: cosmos.endpoint, database: `scheduler-${++dbCount}`, timeoutMs: 1000 });
    leases = new JobLeaseStore(db);
    clock = new ManualClock(Date.parse('2026-11-30T07:59:30Z'));
    job = new FakeJob();
    schedulers = [];
  });
  afterEach(async () => {
    job.release();
    await Promise.all(schedulers.map((s) => s.stop()));
    db.client.dispose();
  });

  function scheduler(
    by: string,
    options: { pattern?: string; leaseMs?: number; tickMs?: number; store?: CosmosStore; log?: Logger } = {},
  ): Scheduler {
    const s = new Scheduler({
      leases: options.store ? new JobLeaseStore(options.store) : leases,
      jobs: { digest: { schedule: new Schedule(options.pattern ?? '0 8 * * 1'), run: job.runAs(by) } },
      now: clock.now,
      log: options.log ?? log,
      leaseMs: options.leaseMs ?? 60_000,
      tickMs: options.tickMs ?? 3_600_000,
      instanceId: by,
    });
    schedulers.push(s);
    return s;
  }
  const lease = async (): Promise<JobLease> => (await leases.read('digest'))!.value;

  it('two instances on one Cosmos, moved to Monday 08:00 on their own timers: the job runs exactly once', async () => {
    const [a, b] = [scheduler('a', { tickMs: 20 }), scheduler('b', { tickMs: 20 })];
    job.hold(); // the run lasts while both keep ticking
    a.start();
    b.start();
    await waitUntil('the first sight is recorded', async () => (await leases.read('digest')) !== null);
    expect(await lease()).to.include({ lastSlot: '2026-11-30T07:59:30.000Z', holder: null });
    clock.set(MONDAY_8);
    await waitUntil('one of them runs it', () => job.runs.length > 0);
    const held = await lease();
    expect(held.holder).to.be.oneOf(['a', 'b']);
    expect(held.expiresAt).to.equal('2026-11-30T08:01:00.000Z');
    // Both go on ticking (and the other finds the lease held) while the run lasts.
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    job.release();
    await waitUntil('the run is recorded and the lease freed', async () => (await lease()).holder === null);
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    expect(job.runs).to.deep.equal([{ by: held.holder, slot: MONDAY_8 }]);
    expect(await lease()).to.deep.equal({
      holder: null,
      expiresAt: null,
      lastSlot: MONDAY_8,
      lastRun: { slot: MONDAY_8, startedAt: MONDAY_8, finishedAt: MONDAY_8, report: { sent: 1 }, trigger: 'schedule' },
    });
  });

  it('two instances ticking at the same moment over ten Mondays: one run per slot, by whichever took the lease', async () => {
    const [a, b] = [scheduler('a'), scheduler('b')];
    await Promise.all([a.tick(), b.tick()]);
    const slots: string[] = [];
    for (let week = 0; week < 10; week++) {
      const slot = new Date(Date.parse(MONDAY_8) + week * 7 * 86_400_000).toISOString();
      slots.push(slot);
      clock.set(slot);
      await Promise.all([a.tick(), b.tick()]);
      await Promise.all([a.idle(), b.idle()]);
      await Promise.all([a.tick(), b.tick()]);
      await Promise.all([a.idle(), b.idle()]);
    }
    expect(job.runs.map((r) => r.slot)).to.deep.equal(slots);
    expect((await lease()).lastSlot).to.equal(slots.at(-1));
  });

  it('a job that fails does not advance its slot: it runs again at the next tick, and then the slot is done', async () => {
    const a = scheduler('a');
    await a.tick();
    clock.set(MONDAY_8);
    job.failures = 1;
    await a.tick();
    await a.idle();
    expect(job.runs).to.have.length(1);
    expect(await lease(), 'not advanced, and free').to.deep.include({
      lastSlot: '2026-11-30T07:59:30.000Z',
      holder: null,
      expiresAt: null,
      lastRun: null,
    });
    clock.set('2026-11-30T08:00:30Z');
    await a.tick();
    await a.idle();
    expect(job.runs.map((r) => r.slot)).to.deep.equal([MONDAY_8, MONDAY_8]);
    expect(await lease()).to.deep.include({ lastSlot: MONDAY_8, holder: null });
    await a.tick();
    await a.idle();
    expect(job.runs).to.have.length(2);
  });

  describe('an instance cut off mid-run', () => {
    let proxy: CosmosProxy;
    let cutOff: CosmosStore;
    beforeEach(async () => {
      proxy = await startCosmosProxy(cosmos.endpoint);
      cutOff = await openCosmos({ endpoint: proxy.url, key: EMULATOR_KEY, database: `scheduler-${dbCount}`, timeoutMs: 1000 });
    });
    afterEach(async () => {
      job.release();
      await Promise.all(schedulers.map((s) => s.stop()));
      cutOff.client.dispose();
      await proxy.close();
    });

    it('another instance runs the same slot once the lease expires, exactly once more', async () => {
      const a = scheduler('a', { store: cutOff, leaseMs: 1000 });
      const b = scheduler('b', { leaseMs: 1000 });
      await b.tick();
      clock.set(MONDAY_8);
      job.hold(); // a's run never ends while it is cut off
      await a.tick();
      expect(job.runs).to.deep.equal([{ by: 'a', slot: MONDAY_8 }]);
      proxy.failAfter(0, 'reset'); // a can no longer reach Cosmos: no renewal, no release
      await b.tick();
      expect(job.runs, 'held until it expires').to.have.length(1);
      clock.set('2026-11-30T08:00:01.001Z');
      const runsBefore = job.runs.length;
      job.release();
      await b.tick();
      await b.idle();
      expect(job.runs.slice(runsBefore)).to.deep.equal([{ by: 'b', slot: MONDAY_8 }]);
      expect(await lease()).to.deep.include({ lastSlot: MONDAY_8, holder: null });
      await a.idle(); // a's run ends too, and its release fails: the lease is b's record
      await b.tick();
      await b.idle();
      expect(job.runs.map((r) => r.by)).to.deep.equal(['a', 'b']);
      expect((await lease()).lastRun?.startedAt).to.equal('2026-11-30T08:00:01.001Z');
    });

    it('a tick that cannot reach Cosmos logs and resolves; the timer goes on and runs the slot once Cosmos answers', async () => {
      const captured = capturedLog();
      const failed = () =>
        captured.messages().filter((l) => l.msg === 'job lease check failed; trying again at the next tick' && l.job === 'digest').length;
      const a = scheduler('a', { store: cutOff, tickMs: 20, log: captured.log });
      await a.tick();
      clock.set(MONDAY_8);
      proxy.failAfter(0, 503);
      await a.tick(); // resolves, does not throw
      expect(failed()).to.equal(1);
      a.start();
      await waitUntil('the timer has ticked and failed twice more', () => failed() >= 3);
      expect(job.runs).to.deep.equal([]);
      proxy.heal();
      await waitUntil('the slot runs', async () => (await lease()).lastSlot === MONDAY_8);
      expect(job.runs).to.deep.equal([{ by: 'a', slot: MONDAY_8 }]);
    });
  });

  it('renews the lease while a run outlasts half of it, so a slow run is not taken over', async () => {
    const a = scheduler('a', { leaseMs: 400 });
    const b = scheduler('b', { leaseMs: 400 });
    await a.tick();
    clock.set(MONDAY_8);
    job.hold();
    await a.tick();
    clock.set('2026-11-30T08:00:05Z'); // long past the first expiry (08:00:00.400)
    await waitUntil('a renews its lease', async () => Date.parse((await lease()).expiresAt ?? '') > Date.parse('2026-11-30T08:00:05Z'));
    await b.tick();
    job.release();
    await a.idle();
    expect(job.runs).to.deep.equal([{ by: 'a', slot: MONDAY_8 }]);
    expect(await lease()).to.deep.include({ lastSlot: MONDAY_8, holder: null });
  });

  it('after an outage over several slots, runs once, for the latest slot passed', async () => {
    const a = scheduler('a', { pattern: '0 * * * *' });
    await a.tick();
    clock.set('2026-11-30T13:30:00Z');
    await a.tick();
    await a.idle();
    await a.tick();
    await a.idle();
    expect(job.runs).to.deep.equal([{ by: 'a', slot: '2026-11-30T13:00:00.000Z' }]);
    expect((await lease()).lastSlot).to.equal('2026-11-30T13:00:00.000Z');
  });

  it('the first sight of a job is its baseline: a slot passed before it was seen is not run, the next one is', async () => {
    clock.set('2026-11-30T08:00:30Z'); // Monday's slot has just passed
    const a = scheduler('a');
    await a.tick();
    await a.idle();
    expect(job.runs).to.deep.equal([]);
    expect(await lease()).to.deep.equal({ holder: null, expiresAt: null, lastSlot: '2026-11-30T08:00:30.000Z', lastRun: null });
    clock.set('2026-12-06T23:59:59Z');
    await a.tick();
    expect(job.runs).to.deep.equal([]);
    clock.set('2026-12-07T08:00:00Z');
    await a.tick();
    await a.idle();
    expect(job.runs).to.deep.equal([{ by: 'a', slot: '2026-12-07T08:00:00.000Z' }]);
  });

  it('follows UK time: in summer the Monday 08:00 slot is 07:00 UTC', async () => {
    clock.set('2026-07-05T12:00:00Z');
    const a = scheduler('a');
    await a.tick();
    clock.set('2026-07-06T07:00:00Z');
    await a.tick();
    await a.idle();
    expect(job.runs).to.deep.equal([{ by: 'a', slot: '2026-07-06T07:00:00.000Z' }]);
  });

  describe('runNow', () => {
    it('runs through the same lease without advancing lastSlot, and records the run', async () => {
      const a = scheduler('a');
      clock.set('2026-11-30T10:15:00Z');
      const started = await a.runNow('digest');
      if (started.outcome !== 'started') return expect.fail(`expected a run, got ${started.outcome}`);
      expect(await started.done).to.deep.equal({ sent: 1 });
      expect(await lease()).to.deep.equal({
        holder: null,
        expiresAt: null,
        lastSlot: '2026-11-30T10:15:00.000Z', // the first sight, not advanced by the run
        lastRun: {
          slot: '2026-11-30T10:15:00.000Z',
          startedAt: '2026-11-30T10:15:00.000Z',
          finishedAt: '2026-11-30T10:15:00.000Z',
          report: { sent: 1 },
          trigger: 'request',
        },
      });
      expect(await a.runNow('letters')).to.deep.equal({ outcome: 'unknown' });
    });

    it('is refused while the job runs, in this instance or another', async () => {
      const [a, b] = [scheduler('a'), scheduler('b')];
      await a.tick();
      clock.set(MONDAY_8);
      job.hold();
      await a.tick();
      expect(await a.runNow('digest')).to.deep.equal({ outcome: 'held' });
      expect(await b.runNow('digest')).to.deep.equal({ outcome: 'held' });
      job.release();
      await a.idle();
      const again = await b.runNow('digest');
      expect(again.outcome).to.equal('started');
      if (again.outcome === 'started') await again.done;
      expect(job.runs.map((r) => r.by)).to.deep.equal(['a', 'b']);
      expect((await lease()).lastSlot, 'the schedule advanced it, the request did not').to.equal(MONDAY_8);
    });
  });

  it('stop() waits for the run in hand, which releases its lease', async () => {
    const a = scheduler('a');
    await a.tick();
    clock.set(MONDAY_8);
    job.hold();
    await a.tick();
    let stopped = false;
    const stopping = a.stop().then(() => (stopped = true));
    expect((await lease()).holder, 'still running').to.equal('a');
    expect(stopped).to.equal(false);
    job.release();
    await stopping;
    expect(await lease()).to.deep.include({ holder: null, lastSlot: MONDAY_8 });
    expect(await a.runNow('digest'), 'a stopped scheduler starts nothing').to.deep.equal({ outcome: 'held' });
  });
});
