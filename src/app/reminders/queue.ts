import type { NoticeCard } from '../../cards/types';
import type { OutboxEntry } from '../../domain/outbox';
import { reminderId, type Reminder } from '../../domain/reminders';
import type { AppContext } from '../context';
import { noticeTo } from '../notices';

/**
 * One run of the reminders: the context and the time it is for. Who is a case manager or admin is the directory's to
 * answer (in production a cached directory, src/directory/cached-directory.ts, so a run asks Graph once).
 */
export interface ReminderRun {
  ctx: AppContext;
  at: Date;
}

/** The ids of a directory list (the case managers, the admins). */
export const idsOf = async (people: Promise<{ id: string }[]>): Promise<string[]> => (await people).map((p) => p.id);

/**
 * Queues a reminder to each of `people` not queued before, and sends them at once. Each id is looked up first (a point
 * read), so a repeated run, or a second instance, adds nothing and `build` is asked only for those missing; two runs
 * at the same moment add the same ids, which the outbox refuses. Returns how many were queued.
 */
export async function queueOnce(
  run: ReminderRun,
  customerKey: string,
  reminder: Reminder,
  people: readonly string[],
  build: (missing: string[]) => OutboxEntry[] | Promise<OutboxEntry[]>,
): Promise<number> {
  const { ctx } = run;
  const queued = await Promise.all([...new Set(people)].map(async (p) => [p, await ctx.outbox.read(reminderId(reminder, p), customerKey)] as const));
  const missing = queued.filter(([, entry]) => !entry).map(([p]) => p);
  if (missing.length === 0) return 0;
  const entries = await build(missing);
  await ctx.outbox.add(customerKey, entries);
  ctx.notify(entries);
  return entries.length;
}

/** The same notice to each person, as a reminder (a notice card in their personal chat). */
export function noticesOf(
  run: ReminderRun,
  customerKey: string,
  reminder: Reminder,
  people: string[],
  notice: Pick<NoticeCard, 'title' | 'text' | 'color'>,
) {
  const now = run.ctx.now();
  return people.map((p) => noticeTo(reminderId(reminder, p), customerKey, p, notice, now));
}
