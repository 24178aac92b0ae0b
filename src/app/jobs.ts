/**
 * Scheduled jobs (docs/architecture.md#jobs): what each one is called, and what a run reports. The scheduler
 * (src/jobs/scheduler.ts) runs each once per schedule across instances; `POST /api/jobs/:name` runs one now.
 */
export const JOB_NAMES = ['digest', 'reminders', 'lapses', 'retention'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** What a run did, counted (logged, and the answer to `POST /api/jobs/:name`). Never names a customer. */
export type JobReport = Record<string, number>;

/** A job: `slot` is the scheduled time the run is for (or the time it was asked for); the clock is the context's. */
export type Job = (slot: Date) => Promise<JobReport>;
