/**
 * Instants → the athlete's local calendar days, fast enough to call once per record of a 1 GB export
 * (core/local-time.ts answers the same questions through luxon on every call, ~100× slower).
 *
 * luxon answers the zone offset; we cache it per 15-minute bucket of UTC time. Every transition in the
 * modern tz database happens at a local wall time on a whole quarter hour with an offset that is a whole
 * number of quarter hours, so the UTC instant of a transition is always a bucket boundary and the offset is
 * constant within a bucket. The cache is cleared when it grows past CACHE_LIMIT entries (bounded memory).
 */
import { DateTime, IANAZone } from 'luxon';
import { localTimeToInstant } from '../../core/local-time.ts';
import { ImportError } from './import-error.ts';

const BUCKET_MS = 15 * 60_000;
const CACHE_LIMIT = 50_000;
const DAY_MS = 86_400_000;
/** Sleep that ends at or after this local hour belongs to the next day's night (see wakeDate). */
export const SLEEP_DAY_CUTOFF_HOUR = 18;

export class LocalCalendar {
  readonly timezone: string;
  private readonly zone: IANAZone;
  private readonly offsets = new Map<number, number>();

  constructor(timezone: string) {
    if (typeof timezone !== 'string' || !IANAZone.isValidZone(timezone)) {
      throw new ImportError('IMPORT.INVALID_OPTIONS', `Unknown time zone '${String(timezone)}'. Use an IANA name such as Europe/Paris.`);
    }
    this.timezone = timezone;
    this.zone = IANAZone.create(timezone);
  }

  /** UTC offset in minutes at the instant `ms`. */
  offsetMinutes(ms: number): number {
    const bucket = Math.floor(ms / BUCKET_MS);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      if (this.offsets.size >= CACHE_LIMIT) this.offsets.clear();
      offset = this.zone.offset(bucket * BUCKET_MS);
      this.offsets.set(bucket, offset);
    }
    return offset;
  }

  /** Local calendar day (yyyy-mm-dd) of the instant. */
  date(ms: number): string {
    return isoDate(ms + this.offsetMinutes(ms) * 60_000);
  }

  /**
   * The day a sleep (or an overnight measurement) ending at `ms` belongs to: the day you wake up. Sleep
   * ending at or after 18:00 local counts toward the following day, so an evening segment before midnight
   * joins the night it starts, while a nap in the afternoon stays on its own day.
   */
  wakeDate(ms: number): string {
    const local = ms + this.offsetMinutes(ms) * 60_000;
    const hour = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000);
    return isoDate(hour >= SLEEP_DAY_CUTOFF_HOUR ? local + DAY_MS : local);
  }

  /** ISO timestamp with the athlete's offset, e.g. 2024-03-10T07:00:00+01:00. */
  iso(ms: number): string {
    return DateTime.fromMillis(ms, { zone: this.zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString();
  }

  /** The instant of a local wall time on a local day ('HH:MM', default midnight), DST rules of core/local-time. */
  instant(date: string, time = '00:00'): number {
    return localTimeToInstant(date, time, this.timezone).getTime();
  }
}

/** yyyy-mm-dd of a millisecond value read as UTC. */
export function isoDate(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return `${y}-${m < 10 ? '0' : ''}${m}-${day < 10 ? '0' : ''}${day}`;
}

/** Every day strictly between two yyyy-mm-dd days that is not in `present`. */
export function missingDates(first: string, last: string, present: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`) + DAY_MS; t < end; t += DAY_MS) {
    const d = isoDate(t);
    if (!present.has(d)) out.push(d);
  }
  return out;
}
