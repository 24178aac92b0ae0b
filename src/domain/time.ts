/** Wall-clock time in England: staff enter local times; we store UTC instants. */
export const UK_TIME_ZONE = 'Europe/London';

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

function londonParts(instant: Date): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of partsFormat.formatToParts(instant)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** Offset of UK local time from UTC at an instant, in milliseconds (0 in GMT, 3,600,000 in BST). */
function londonOffsetMs(instant: Date): number {
  const p = londonParts(instant);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** Converts a UK wall-clock date (YYYY-MM-DD) and time (HH:mm) to a UTC instant. */
export function ukLocalToUtc(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, m - 1, d, hh, mm);
  const first = naive - londonOffsetMs(new Date(naive));
  return new Date(naive - londonOffsetMs(new Date(first)));
}

/** The UK calendar date (YYYY-MM-DD) of an instant. */
export function ukDate(instant: Date): string {
  const p = londonParts(instant);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The UK wall-clock time (HH:mm) of an instant. */
export function ukTime(instant: Date): string {
  const p = londonParts(instant);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: UK_TIME_ZONE,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dateFormat = new Intl.DateTimeFormat('en-GB', { timeZone: UK_TIME_ZONE, day: 'numeric', month: 'short', year: 'numeric' });

/** "26 Nov 2026, 14:05" in UK time, for cards and letters. (Formatters are built once: building one costs ~0.1 ms.) */
export function formatUk(instant: Date | string, withTime = true): string {
  return (withTime ? dateTimeFormat : dateFormat).format(new Date(instant));
}
