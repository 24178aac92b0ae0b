import { retentionCutoff, retentionVerdict } from '../../domain/retention';
import type { AppContext } from '../context';
import type { JobReport } from '../jobs';
import { eachPage } from '../pages';
import type { MoveOutcome, RetentionRecords } from '../ports';

/** The most cases one run looks at: the rest wait for the next (daily) run. */
export const RETENTION_LIMIT = 1000;

/**
 * The daily retention job (docs/rules.md#R-retention-period): first it completes moves a crash left half done, then
 * it anonymises every closed case whose retention has passed (src/domain/retention.ts) into a new random partition
 * (docs/architecture.md#retention). Candidates are bounded by their newest incident; each is judged on all its
 * records. Reports counts only.
 */
export async function runRetention(
  ctx: Pick<AppContext, 'log' | 'newId' | 'now'>,
  slot: Date,
  retention: { records: RetentionRecords; months: number },
): Promise<JobReport> {
  const { records, months } = retention;
  const tally = { resumed: 0, considered: 0, anonymised: 0, kept: 0, notYet: 0, changed: 0, tooLarge: 0, copied: 0, deleted: 0, failed: 0 };
  const count = (outcome: MoveOutcome) => {
    if (outcome.done) {
      tally.copied += outcome.copied;
      tally.deleted += outcome.deleted;
    } else if (outcome.why === 'changed') tally.changed++;
    else tally.tooLarge++;
    return outcome.done;
  };
  const failed = (error: unknown) => {
    tally.failed++;
    ctx.log.warn({ job: 'retention', error: error instanceof Error ? error.name : typeof error }, 'a case could not be anonymised');
  };
  for (const customerKey of await records.unfinished(RETENTION_LIMIT)) {
    try {
      const outcome = await records.finish(customerKey, ctx.now());
      if (outcome && count(outcome)) tally.resumed++;
    } catch (error) {
      failed(error);
    }
  }
  // Keys first, moves after: a move deletes what a query's later pages would be read from.
  const keys: string[] = [];
  const before = retentionCutoff(slot, months).toISOString();
  await eachPage(
    ctx,
    'closed cases',
    RETENTION_LIMIT,
    (n, page) => records.candidates(before, n, page),
    (items) => Promise.resolve(void keys.push(...items)),
  );
  for (const customerKey of keys) {
    tally.considered++;
    try {
      const found = await records.caseOf(customerKey);
      const verdict = retentionVerdict(found.records, found.writing, slot, months);
      if (!verdict.due) {
        if (verdict.why === 'not-yet' || verdict.why === 'empty') tally.notYet++;
        else tally.kept++;
        continue;
      }
      const plan = { anonKey: `anon:${ctx.newId()}`, salt: ctx.newId(), closedOn: verdict.closedOn.toISOString(), months };
      if (count(await records.move(found, plan, ctx.now()))) tally.anonymised++;
    } catch (error) {
      failed(error);
    }
  }
  return tally;
}
