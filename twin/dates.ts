/**
 * Calendar arithmetic on epoch days (days since 1970-01-01) for ISO `yyyy-mm-dd` strings.
 *
 * The state engine and the history replay run for thousands of athletes a second, so they avoid luxon
 * and `Date` in their hot loops: a local calendar day is already resolved to `yyyy-mm-dd` upstream
 * (athlete time zone, luxon), and from there on a day is just an integer. Algorithms: Howard Hinnant,
 * "chrono-compatible low-level date algorithms" (days_from_civil / civil_from_days), proleptic Gregorian
 * calendar. Lives in twin/ (which imports nothing) so that both twin/ and agent/ can use it.
 */

/** Parse `yyyy-mm-dd` to an epoch day. Returns NaN when the string is not a valid calendar date. */
export function epochDay(iso: string): number {
  if (typeof iso !== 'string' || iso.length !== 10) return Number.NaN;
  if (iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45) return Number.NaN;
  const y = digits(iso, 0, 4);
  const m = digits(iso, 5, 2);
  const d = digits(iso, 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return Number.NaN;
  return daysFromCivil(y, m, d);
}

/** Format an epoch day as `yyyy-mm-dd`. */
export function isoDate(day: number): string {
  const [y, m, d] = civilFromDays(day);
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** `iso` shifted by `days` (negative goes back). */
export function addDays(iso: string, days: number): string {
  return isoDate(epochDay(iso) + days);
}

/** Day of week with Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday = 3). */
export function dayOfWeek(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function digits(s: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}
