/**
 * Local-day arithmetic with luxon. A "day" is the athlete's local calendar day in their IANA zone; a night's
 * sleep belongs to the local day on which it ends (the day you wake up) — see docs/domain.md.
 */
import { DateTime, Duration } from 'luxon';

function zoned(dt: DateTime, tz: string): DateTime {
  const z = dt.setZone(tz);
  if (!z.isValid) throw new RangeError(`invalid time zone "${tz}"`);
  return z;
}

/** Local calendar day (yyyy-mm-dd) in `tz` of an instant given as ISO-8601 with offset or Z. */
export function localDate(iso: string, tz: string): string {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) throw new RangeError(`invalid ISO timestamp "${iso}"`);
  return zoned(dt, tz).toISODate() as string;
}

/** The instant as ISO-8601 with the athlete's local offset. */
export function localIso(iso: string, tz: string): string {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) throw new RangeError(`invalid ISO timestamp "${iso}"`);
  return zoned(dt, tz).toISO({ suppressMilliseconds: true }) as string;
}

/** A wall-clock time with a UTC offset in minutes (Polar exercises) → ISO-8601 with that offset. */
export function isoFromLocalAndOffset(local: string, offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const dt = DateTime.fromISO(`${local}${off}`, { setZone: true });
  if (!dt.isValid) throw new RangeError(`invalid local time "${local}"`);
  return dt.toISO({ suppressMilliseconds: true }) as string;
}

export function addDays(date: string, days: number): string {
  const dt = DateTime.fromISO(date, { zone: 'utc' });
  if (!dt.isValid) throw new RangeError(`invalid date "${date}"`);
  return dt.plus({ days }).toISODate() as string;
}

export function inRange(date: string, from: string, to: string): boolean {
  return date >= from && date <= to;
}

/** UTC ISO instant of local midnight starting `date` in `tz`. */
export function startOfLocalDayIso(date: string, tz: string): string {
  const dt = DateTime.fromISO(date, { zone: tz });
  if (!dt.isValid) throw new RangeError(`invalid date "${date}" or zone "${tz}"`);
  return dt.startOf('day').toUTC().toISO() as string;
}

/** Minutes between two ISO instants. */
export function minutesBetween(startIso: string, endIso: string): number {
  const a = DateTime.fromISO(startIso, { setZone: true });
  const b = DateTime.fromISO(endIso, { setZone: true });
  if (!a.isValid || !b.isValid) throw new RangeError(`invalid interval ${startIso} – ${endIso}`);
  return b.diff(a, 'minutes').minutes;
}

/** ISO-8601 duration (PT1H2M3S) → seconds. */
export function isoDurationSeconds(duration: string): number {
  const d = Duration.fromISO(duration);
  if (!d.isValid) throw new RangeError(`invalid ISO duration "${duration}"`);
  return d.as('seconds');
}

/** Split [from, to] into consecutive windows of at most `days` days. */
export function dateWindows(from: string, to: string, days: number): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  let start = from;
  while (start <= to) {
    const endCandidate = addDays(start, days - 1);
    const end = endCandidate < to ? endCandidate : to;
    out.push({ from: start, to: end });
    start = addDays(end, 1);
  }
  return out;
}

/** Local hour-of-day offset trick: the local day of (instant + hours), e.g. WHOOP cycles that start at sleep onset. */
export function localDateShifted(iso: string, tz: string, hours: number): string {
  const dt = DateTime.fromISO(iso, { setZone: true });
  if (!dt.isValid) throw new RangeError(`invalid ISO timestamp "${iso}"`);
  return zoned(dt, tz).plus({ hours }).toISODate() as string;
}

/** A wall-clock time without offset, read in the athlete's zone → ISO-8601 with that zone's offset. */
export function wallClockIso(local: string, tz: string): string {
  const dt = DateTime.fromISO(local, { zone: tz });
  if (!dt.isValid) throw new RangeError(`invalid local time "${local}" or zone "${tz}"`);
  return dt.toISO({ suppressMilliseconds: true }) as string;
}
