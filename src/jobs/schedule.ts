import { Cron } from 'croner';
import { UK_TIME_ZONE } from '../domain/time';

/**
 * A job's schedule: a five-field cron pattern (minute hour day-of-month month day-of-week) read in UK time, so
 * `0 8 * * 1` is 08:00 on Mondays in GMT and in BST alike. croner parses it and does the date arithmetic.
 */
export class Schedule {
  private readonly cron: Cron;

  /** Throws, with croner's reason, on a pattern that is not five cron fields or never matches a date. */
  constructor(readonly pattern: string) {
    // Five fields only: a seconds field would make "once per slot" depend on the tick, and 5-part is what cron means.
    this.cron = new Cron(pattern, { timezone: UK_TIME_ZONE, paused: true, mode: '5-part' });
    if (this.cron.nextRun(new Date()) === null) throw new Error(`"${pattern}" never matches a date`);
  }

  /** The first scheduled time strictly after `after`; null if there is none. */
  next(after: Date): Date | null {
    return this.cron.nextRun(after);
  }

  /** The latest scheduled time at or before `at`; null if there is none. */
  latest(at: Date): Date | null {
    // previousRuns is strictly before its reference and works in whole seconds; slots fall on whole minutes, so one
    // second past `at` (rounded down) includes a slot at exactly `at` and nothing later.
    const justAfter = new Date(Math.floor(at.getTime() / 1000) * 1000 + 1000);
    return this.cron.previousRuns(1, justAfter)[0] ?? null;
  }
}
