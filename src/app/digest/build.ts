import { digestFigures, digestWeeks, type DigestRows } from '../../domain/digest';
import { reviewWindow } from '../../domain/review';
import { ukDate } from '../../domain/time';
import type { AdaptiveCard } from '../../cards/render';
import type { AppContext } from '../context';
import { eachPage } from '../pages';
import type { Page } from '../ports';
import { chatUrlOf, digestCard } from './views';

/** The most of each list one digest reads: far above a landlord's week, and still a bounded read if a week is not. */
export const DIGEST_LIMIT = 20_000;

/** A whole list, page by page up to DIGEST_LIMIT; `complete` is false when it met the limit (there may be more). */
async function readAll<T>(ctx: AppContext, list: string, read: (limit: number, page: string | null) => Promise<Page<T>>) {
  const rows: T[] = [];
  const count = await eachPage(ctx, list, DIGEST_LIMIT, read, (items) => Promise.resolve(void rows.push(...items)));
  return { rows, complete: count < DIGEST_LIMIT };
}

/**
 * What every digest of a run counts, read once (docs/rules.md#R-digest-figures): incidents of the two weeks compared,
 * measures awaiting sign-off, active ones and lapsed ones in the review window, open appeals, the notices queued in
 * the reporting week that failed, and the letters not recorded as sent in time. Each read is bounded by dates or by being open, so it costs the same after years.
 */
export async function readDigestRows(ctx: AppContext, slot: Date): Promise<DigestRows> {
  const { reporting, previous } = digestWeeks(slot);
  const { from: reviewsFrom } = reviewWindow(slot);
  const { digest } = ctx;
  const reads = await Promise.all([
    readAll(ctx, 'digest: incidents', (n, page) => digest.incidentsReported(previous.from, reporting.to, n, page)),
    readAll(ctx, 'digest: awaiting sign-off', (n, page) => digest.measures('pending-sign-off', '', n, page)),
    readAll(ctx, 'digest: active measures', (n, page) => digest.measures('active', reviewsFrom, n, page)),
    readAll(ctx, 'digest: lapsed measures', (n, page) => digest.measures('lapsed', reviewsFrom, n, page)),
    readAll(ctx, 'digest: open appeals', (n, page) => digest.openAppeals(n, page)),
    readAll(ctx, 'digest: failed notices', (n, page) => digest.failedNotices(reporting.from, reporting.to, n, page)),
    readAll(ctx, 'digest: letters not sent', (n, page) => ctx.letters.unsentDueBefore(ukDate(slot), n, page)),
  ] as const);
  const [incidents, awaiting, active, lapsed, appeals, failed, letters] = reads;
  const measures = [...awaiting.rows, ...active.rows, ...lapsed.rows];
  // An appeal has no service area: it counts under its measure's. That is in force, so nearly always among the active
  // ones just read; any other (its review date long past) is read by id: one read per open appeal at most.
  const areaOf = new Map<string, string | null>(measures.map((m) => [m.id, m.serviceArea]));
  const unknown = appeals.rows.filter((a) => !areaOf.has(a.measureId));
  const read = await Promise.all(unknown.map((a) => ctx.measures.read(a.measureId, a.customerKey)));
  unknown.forEach((a, i) => areaOf.set(a.measureId, read[i]?.value.serviceArea ?? null));
  return {
    incidents: incidents.rows,
    measures,
    appeals: appeals.rows.map((a) => ({ dueOn: a.dueOn, serviceArea: areaOf.get(a.measureId) ?? null })),
    failedNotices: failed.rows,
    overdueLetters: letters.rows.map((l) => ({ serviceArea: l.serviceArea })),
    incomplete: !reads.every((r) => r.complete),
  };
}

/** One channel's digest from the rows of a run: every service area (`area` null) or one. */
export async function digestMessage(
  ctx: AppContext,
  rows: DigestRows,
  slot: Date,
  area: string | null,
): Promise<{ card: AdaptiveCard; summary: string }> {
  return digestCard(digestFigures(rows, slot, area), await ctx.directory.serviceAreas(), slot, chatUrlOf(ctx.botAppId));
}
