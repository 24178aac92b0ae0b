import type { NoticeCard } from '../../cards/types';
import type { OutboxEntry } from '../../domain/outbox';
import { reminderId, type Reminder } from '../../domain/reminders';
import type { AppContext } from '../context';
import { noticeTo } from '../notices';

/** One run of the reminders: the time it is for, and the directory's answers, asked once per run. */
export interface ReminderRun {
  ctx: AppContext;
  at: Date;
  caseManagers(): Promise<string[]>;
  admins(): Promise<string[]>;
  isCaseManager(id: string): Promise<boolean>;
}

export function reminderRun(ctx: AppContext, at: Date): ReminderRun {
  let caseManagers: Promise<string[]> | undefined;
  let admins: Promise<string[]> | undefined;
  const isCaseManager = new Map<string, Promise<boolean>>();
  const ids = (people: Promise<{ id: string }[]>) => people.then((list) => list.map((p) => p.id));
  return {
    ctx,
    at,
    caseManagers: () => (caseManagers ??= ids(ctx.directory.caseManagers())),
    admins: () => (admins ??= ids(ctx.directory.admins())),
    isCaseManager: (id) => {
      let answer = isCaseManager.get(id);
      if (!answer) isCaseManager.set(id, (answer = ctx.directory.isCaseManager(id)));
      return answer;
    },
  };
}

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
