/**
 * Athlete-local calendar arithmetic (luxon, IANA zones). A "day" is the athlete's local calendar day.
 *
 * DST rules for a wall-clock time on a given local date:
 * - in a spring-forward gap (e.g. 02:30 when clocks jump 02:00→03:00) the instant is the first valid
 *   one after the gap (luxon shifts forward by the gap length: 02:30 → 03:30);
 * - in a fall-back overlap (01:30 happens twice) the first occurrence is used.
 * Either way each local date has exactly one morning instant, so an athlete gets exactly one message.
 */
import { DateTime } from 'luxon';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isValidZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

export function isIsoDate(s: string): boolean {
  return ISO_DATE.test(s) && DateTime.fromISO(s, { zone: 'UTC' }).isValid;
}

/** The athlete's local calendar date (yyyy-mm-dd) at an instant. */
export function localDate(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

/** The UTC instant of wall-clock `hhmm` on local `date` in `zone`, with the DST rules above. */
export function localTimeToInstant(date: string, hhmm: string, zone: string): Date {
  const m = HHMM.exec(hhmm);
  if (!m) throw new Error(`invalid time "${hhmm}" (HH:MM expected)`);
  if (!isIsoDate(date)) throw new Error(`invalid date "${date}" (yyyy-mm-dd expected)`);
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const dt = DateTime.fromObject({ year: y, month: mo, day: d, hour: Number(m[1]), minute: Number(m[2]) }, { zone });
  if (!dt.isValid) throw new Error(`invalid zone "${zone}"`);
  // Candidates: the wall time read with the offsets in force a few hours before and after. Each candidate
  // that maps back to the same wall time is a real occurrence; the earliest wins (fall-back overlap). If
  // none does, the time is in a spring-forward gap and luxon's forward shift is the answer.
  const wallAsUtc = Date.UTC(y, mo - 1, d, Number(m[1]), Number(m[2]));
  const wanted = dt.toFormat('yyyy-MM-dd HH:mm');
  const offsets = new Set<number>();
  for (const probe of [-6, 6]) offsets.add(DateTime.fromMillis(wallAsUtc + probe * 3_600_000, { zone }).offset);
  const occurrences = [...offsets]
    .map((offsetMin) => wallAsUtc - offsetMin * 60_000)
    .filter((ms) => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm') === `${date} ${hhmm}`)
    .sort((a, b) => a - b);
  if (occurrences.length > 0 && wanted === `${date} ${hhmm}`) return new Date(occurrences[0]!);
  return dt.toJSDate();
}

/** Shift a yyyy-mm-dd by n days (pure calendar arithmetic, zone-free). */
export function addDays(date: string, n: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days: n }).toISODate()!;
}

/** Whole days from a to b (b − a) for yyyy-mm-dd dates. */
export function daysBetween(a: string, b: string): number {
  return Math.round(DateTime.fromISO(b, { zone: 'UTC' }).diff(DateTime.fromISO(a, { zone: 'UTC' }), 'days').days);
}

/**
 * Has the athlete's local `hhmm` already come on their current local date at instant `at`?
 * Returns that local date and the instant, so callers key work by the athlete's day.
 */
export function localTimeReached(at: Date, hhmm: string, zone: string): { date: string; instant: Date; reached: boolean } {
  const date = localDate(at, zone);
  const instant = localTimeToInstant(date, hhmm, zone);
  return { date, instant, reached: at.getTime() >= instant.getTime() };
}
