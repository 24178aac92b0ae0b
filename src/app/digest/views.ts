import { renderCard, type AdaptiveCard } from '../../cards/render';
import type { DigestCard, DigestRow } from '../../cards/types';
import { REVIEWS_DUE_WITHIN_DAYS, SIGN_OFF_WAITING_DAYS, type DigestFigures, type Week, type WeekPair } from '../../domain/digest';
import { SEND_WITHIN_WORKING_DAYS } from '../../domain/letter-record';
import { MEASURE_KINDS, MEASURE_KIND_IDS } from '../../domain/measure';
import { CATEGORIES, CATEGORY_IDS } from '../../domain/policy';
import { brief } from '../../domain/text';
import { formatUk } from '../../domain/time';
import { weekdayDate } from '../../domain/working-days';
import type { ServiceArea } from '../ports';

/** Service areas listed one by one, at most; the rest share a row. Keeps the card small whatever the configuration. */
const AREA_ROWS = 12;
/** Area names are configuration, of any length: cut in the table, as lists cut names. */
const AREA_NAME_MAX = 60;

const count = (n: number) => n.toLocaleString('en-GB');
const dayMonth = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });
/** "23–29 Nov", "30 Nov–6 Dec": a week as a column heading. */
function span({ monday, sunday }: Week): string {
  const from = monday.slice(0, 7) === sunday.slice(0, 7) ? String(Number(monday.slice(8))) : dayMonth.format(Date.parse(monday));
  return `${from}–${dayMonth.format(Date.parse(sunday))}`;
}

const row = (label: string, now: number | string, before: number | string = '', weight: DigestRow['weight'] = 'Default'): DigestRow => ({
  label,
  now: typeof now === 'number' ? count(now) : now,
  before: typeof before === 'number' ? count(before) : before,
  weight,
});
const pairRow = (label: string, pair: WeekPair, weight: DigestRow['weight'] = 'Default') => row(label, pair.reporting, pair.previous, weight);

/** Every area with incidents, and every configured one: the busiest first, at most AREA_ROWS rows. */
function areaRows(figures: DigestFigures, areas: readonly ServiceArea[]): DigestRow[] {
  const byArea = new Map<string, WeekPair>(areas.map((a) => [a.id, { reporting: 0, previous: 0 }]));
  for (const [id, pair] of Object.entries(figures.incidents.byArea)) byArea.set(id, pair);
  const names = new Map(areas.map((a) => [a.id, a.name]));
  const name = (id: string) => brief(names.get(id) ?? id, AREA_NAME_MAX);
  const sorted = [...byArea].sort(([a, x], [b, y]) => y.reporting - x.reporting || y.previous - x.previous || name(a).localeCompare(name(b)));
  if (sorted.length <= AREA_ROWS) return sorted.map(([id, pair]) => pairRow(name(id), pair));
  const rest = sorted.slice(AREA_ROWS - 1);
  const others = rest.reduce((sum, [, p]) => ({ reporting: sum.reporting + p.reporting, previous: sum.previous + p.previous }), {
    reporting: 0,
    previous: 0,
  });
  return [...sorted.slice(0, AREA_ROWS - 1).map(([id, pair]) => pairRow(name(id), pair)), pairRow(`${count(rest.length)} other areas`, others)];
}

/** The digest card (docs/rules.md#R-digest-figures): counts only, never a customer's name, reference or narrative. */
export function digestCard(
  figures: DigestFigures,
  areas: readonly ServiceArea[],
  slot: Date,
  chatUrl: string,
): { card: AdaptiveCard; summary: string } {
  const { weeks, incidents, signOff, appeals, reviews } = figures;
  const areaName = figures.area === null ? null : (areas.find((a) => a.id === figures.area)?.name ?? figures.area);
  const compared = (heading: string, label: string, rows: DigestRow[]) => ({
    heading,
    compare: true,
    header: { label, now: span(weeks.reporting), before: span(weeks.previous) },
    rows,
  });
  const list = (heading: string, rows: DigestRow[]) => ({ heading, compare: false, header: { label: '', now: '', before: '' }, rows });
  const days = (n: number) => `${count(n)} ${n === 1 ? 'day' : 'days'}`;
  const inForceTotal = MEASURE_KIND_IDS.reduce((sum, k) => sum + figures.inForce[k], 0);
  const sections: DigestCard['sections'] = [
    compared('New incidents reported', 'Category', [
      ...CATEGORY_IDS.map((c) => pairRow(`${CATEGORIES[c].label} (§${CATEGORIES[c].section})`, incidents.byCategory[c])),
      pairRow('All incidents', incidents.total, 'Bolder'),
    ]),
    ...(areaName === null ? [compared('New incidents by service area', 'Service area', areaRows(figures, areas))] : []),
    list('Awaiting Head of Service sign-off (§5.2)', [
      row('Decisions awaiting sign-off', signOff.waiting, '', 'Bolder'),
      row(`Waiting ${SIGN_OFF_WAITING_DAYS[0]} days or more`, signOff.overAWeek),
      row(`Waiting ${SIGN_OFF_WAITING_DAYS[1]} days or more`, signOff.overTwoWeeks),
      row('Longest wait', signOff.oldestDays === null ? 'none' : days(signOff.oldestDays)),
    ]),
    list('Appeals (§7)', [row(`Due this week (by ${weekdayDate(weeks.sunday)})`, appeals.dueThisWeek), row('Overdue, not decided', appeals.overdue)]),
    list('Six-monthly reviews (§8)', [
      row(`Due in the next ${REVIEWS_DUE_WITHIN_DAYS} days`, reviews.dueSoon),
      row('Overdue: review date passed in the last 30 days, not reviewed', reviews.overdue),
    ]),
    list('Measures in force', [
      ...MEASURE_KIND_IDS.map((k) => row(MEASURE_KINDS[k].label, figures.inForce[k])),
      row('All measures in force', inForceTotal, '', 'Bolder'),
    ]),
    list('Letters to customers', [row(`Letters not recorded as sent within ${SEND_WITHIN_WORKING_DAYS} working days`, figures.lettersNotSent)]),
    list('Notices the bot could not deliver', [
      row(`Queued ${span(weeks.reporting)}, not delivered${areaName === null ? '' : ' (all service areas)'}`, figures.undelivered),
    ]),
  ];
  const title = `Weekly digest: ${areaName === null ? 'all service areas' : brief(areaName, AREA_NAME_MAX)}`;
  return {
    summary: `${title}, ${span(weeks.reporting)}`,
    card: renderCard('digest', {
      title,
      period: `New incidents reported ${weekdayDate(weeks.reporting.monday)} to ${weekdayDate(weeks.reporting.sunday)} (UK time), beside the week before; the rest as at ${formatUk(slot)}. Counts only: the cases are in a personal chat with the bot.`,
      sections,
      note: figures.incomplete ? 'Some lists held more records than one digest reads: their figures are at least those shown.' : '',
      chatUrl,
    }),
  };
}

/** A link that opens the bot's personal chat in Teams; '' when there is no app id (locally). */
export function chatUrlOf(botAppId: string | null): string {
  return botAppId ? `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(botAppId)}` : '';
}
