import type { Logger } from 'pino';
import { JOB_NAMES, type Job, type JobName, type JobReport } from '../app/jobs';
import type { JobLease, JobLeases, Versioned } from '../app/ports';
import type { Schedule } from './schedule';

export interface ScheduledJob {
  schedule: Schedule;
  run: Job;
}

export interface SchedulerDeps {
  leases: JobLeases;
  jobs: Partial<Record<JobName, ScheduledJob>>;
  /** The clock every time on a lease and every slot is read from (tests move it). */
  now: () => Date;
  log: Logger;
  /** How long a lease holds without renewal (JOB_LEASE_MS): after a crash, another instance runs the slot this much later. */
  leaseMs: number;
  /** How often the leases are looked at (JOBS_TICK_MS), on a real timer. */
  tickMs: number;
  /** Names this instance on the leases it holds. */
  instanceId: string;
}

/** What asking for a run now came to: no such job, someone is running it, or started (`done` settles with the run). */
export type RunNow = { outcome: 'unknown' } | { outcome: 'held' } | { outcome: 'started'; slot: Date; done: Promise<JobReport> };

const iso = (ms: number) => new Date(ms).toISOString();

/** A job failure as logged: its kind and status code, never its message (which may quote what a person typed). */
function failureOf(error: unknown): { error: string; code?: unknown } {
  const code = (error as { code?: unknown } | null)?.code;
  return { error: error instanceof Error ? error.name : typeof error, ...(code !== undefined ? { code } : {}) };
}

/**
 * Runs each scheduled job once per slot across any number of instances (docs/architecture.md#jobs). Every `tickMs` it
 * reads each job's lease; a job is due when a scheduled time has passed since the lease's `lastSlot`. An instance
 * takes a due job's free (or expired) lease with its ETag, so exactly one does; it runs the job for the latest slot
 * passed, renews the lease while the run lasts, then releases it, advancing `lastSlot` only on success.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Ticks run one after another, never together: a tick asked for while one runs waits for it. */
  private ticks: Promise<void> = Promise.resolve();
  /** Runs this instance has in hand: ticks go on while they run, and stop() waits for them. */
  private readonly inHand = new Map<JobName, Promise<void>>();

  constructor(private readonly d: SchedulerDeps) {}

  /** The jobs this scheduler runs. */
  get names(): JobName[] {
    return JOB_NAMES.filter((name) => this.d.jobs[name]);
  }

  /** Ticks at once, then `tickMs` after each tick ends. */
  start(): void {
    this.next(0);
  }

  /** Stops ticking and waits for the runs in hand (they release their leases); the caller bounds the wait. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticks;
    await this.idle();
  }

  /** One look at every lease, after any tick in progress. Never throws: a failure is logged and tried at the next tick. */
  tick(): Promise<void> {
    this.ticks = this.ticks.then(() => this.pass());
    return this.ticks;
  }

  /** Waits until no run is in hand. */
  async idle(): Promise<void> {
    while (this.inHand.size > 0) await Promise.all(this.inHand.values());
  }

  /**
   * Runs a job now, through the same lease as the schedule (so never beside a scheduled run), for the time asked for.
   * It does not advance `lastSlot`: the schedule's own runs are unaffected.
   */
  async runNow(name: string): Promise<RunNow> {
    const job = this.jobNamed(name);
    if (!job) return { outcome: 'unknown' };
    if (this.inHand.has(job) || this.closed) return { outcome: 'held' };
    const now = this.d.now();
    const lease = (await this.d.leases.read(job)) ?? (await this.firstSight(job, now)) ?? (await this.d.leases.read(job));
    const taken = lease && (await this.take(job, lease, now));
    if (!taken) return { outcome: 'held' };
    return { outcome: 'started', slot: now, done: this.launch(job, taken, now, 'request') };
  }

  private jobNamed(name: string): JobName | null {
    return this.names.find((n) => n === name) ?? null;
  }

  private next(delayMs: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.tick().then(() => this.next(this.d.tickMs)), delayMs);
  }

  private async pass(): Promise<void> {
    await Promise.all(
      this.names.map(async (job) => {
        if (this.inHand.has(job)) return;
        try {
          await this.consider(job);
        } catch (error) {
          this.d.log.error({ job, ...failureOf(error) }, 'job lease check failed; trying again at the next tick');
        }
      }),
    );
  }

  /** Takes the job's lease and starts it if a slot is due and nobody holds it. */
  private async consider(job: JobName): Promise<void> {
    if (this.closed) return;
    const { schedule } = this.d.jobs[job]!;
    const now = this.d.now();
    const lease = (await this.d.leases.read(job)) ?? (await this.firstSight(job, now));
    if (!lease) return; // another instance saw it first this very moment
    const due = schedule.next(new Date(lease.value.lastSlot));
    if (!due || due > now) return;
    const taken = await this.take(job, lease, now);
    if (!taken) return;
    // A long outage runs once, for the latest slot passed, not once per slot missed.
    const slot = schedule.latest(now) ?? due;
    void this.launch(job, taken, slot, 'schedule').catch(() => undefined); // launch logs the failure
  }

  /**
   * The first time a job is seen its schedule starts from now: no backfill of slots before it was deployed. null when
   * another instance created the lease first.
   */
  private async firstSight(job: JobName, now: Date): Promise<Versioned<JobLease> | null> {
    const created = await this.d.leases.create(job, { holder: null, expiresAt: null, lastSlot: now.toISOString(), lastRun: null });
    if (created) this.d.log.info({ job, from: created.value.lastSlot }, 'job seen for the first time: it runs from its next scheduled time');
    return created;
  }

  /** The lease, taken for this instance with the ETag it was read at; null when someone holds it or got there first. */
  private async take(job: JobName, lease: Versioned<JobLease>, now: Date): Promise<Versioned<JobLease> | null> {
    const { holder, expiresAt } = lease.value;
    if (holder !== null && expiresAt !== null && Date.parse(expiresAt) > now.getTime()) return null;
    return this.d.leases.replace(job, lease, { ...lease.value, holder: this.d.instanceId, expiresAt: iso(now.getTime() + this.d.leaseMs) });
  }

  /** Runs the job under the lease taken; the promise settles with the run (the endpoint waits on it, ticks do not). */
  private launch(job: JobName, lease: Versioned<JobLease>, slot: Date, trigger: 'schedule' | 'request'): Promise<JobReport> {
    const run = this.run(job, lease, slot, trigger);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.inHand.set(job, settled);
    void settled.then(() => this.inHand.delete(job));
    return run;
  }

  private async run(job: JobName, taken: Versioned<JobLease>, slot: Date, trigger: 'schedule' | 'request'): Promise<JobReport> {
    const { leases, log, now, leaseMs } = this.d;
    const startedAt = now();
    log.info({ job, slot: slot.toISOString(), trigger }, 'job started');
    let lease: Versioned<JobLease> | null = taken;
    // Renewed at half its length, so a slow run is never taken over by another instance while it goes on.
    let renewing = Promise.resolve();
    const renewal = setInterval(() => {
      renewing = renewing.then(async () => {
        if (!lease) return;
        try {
          lease = await leases.replace(job, lease, { ...lease.value, expiresAt: iso(now().getTime() + leaseMs) });
          if (!lease) log.warn({ job }, 'job lease was taken over while running: another instance may run this slot too');
        } catch (error) {
          log.warn({ job, ...failureOf(error) }, 'job lease could not be renewed; trying again');
        }
      });
    }, leaseMs / 2);
    let outcome: { report: JobReport } | { error: unknown };
    try {
      outcome = { report: await this.d.jobs[job]!.run(slot) };
    } catch (error) {
      outcome = { error };
    } finally {
      clearInterval(renewal);
      await renewing;
    }
    const finishedAt = now();
    const ms = finishedAt.getTime() - startedAt.getTime();
    if ('report' in outcome) log.info({ job, slot: slot.toISOString(), trigger, ms, report: outcome.report }, 'job finished');
    else log.error({ job, slot: slot.toISOString(), trigger, ms, ...failureOf(outcome.error) }, 'job failed; its slot stays due');
    if (lease) await this.release(job, lease, slot, trigger, startedAt, finishedAt, outcome);
    if ('error' in outcome) throw outcome.error;
    return outcome.report;
  }

  /** Frees the lease; a scheduled run that succeeded also advances `lastSlot`, so its slot is done. */
  private async release(
    job: JobName,
    lease: Versioned<JobLease>,
    slot: Date,
    trigger: 'schedule' | 'request',
    startedAt: Date,
    finishedAt: Date,
    outcome: { report: JobReport } | { error: unknown },
  ): Promise<void> {
    const free = { ...lease.value, holder: null, expiresAt: null };
    const next: JobLease =
      'report' in outcome
        ? {
            ...free,
            lastSlot: trigger === 'schedule' ? slot.toISOString() : free.lastSlot,
            lastRun: {
              slot: slot.toISOString(),
              startedAt: startedAt.toISOString(),
              finishedAt: finishedAt.toISOString(),
              report: outcome.report,
              trigger,
            },
          }
        : free;
    try {
      if (!(await this.d.leases.replace(job, lease, next))) this.d.log.warn({ job }, 'job lease changed under the run: not released');
    } catch (error) {
      // The lease then expires by itself; a success not recorded is run again then (jobs are idempotent).
      this.d.log.error({ job, ...failureOf(error) }, 'job lease could not be released; it expires by itself');
    }
  }
}
