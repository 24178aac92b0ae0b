/** Calendar arithmetic on UTC instants, clamping to month ends (31 Aug + 6 months = 28/29 Feb). */
export function addMonths(from: Date, months: number): Date {
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/** §8: every marker and measure is reviewed every six months. */
export const REVIEW_INTERVAL_MONTHS = 6;

export function reviewDateFrom(start: Date): Date {
  return addMonths(start, REVIEW_INTERVAL_MONTHS);
}
