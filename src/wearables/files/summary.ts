import { METRIC_FIELDS, type MetricField, type MetricSource, type SourceDay } from '../../core/metrics.ts';
import { missingDates } from './local-calendar.ts';
import type { ImportFormat, ImportSummary } from './types.ts';

/** Summary of a non-empty, date-sorted list of days. */
export function summarize(format: ImportFormat, source: MetricSource, days: SourceDay[], warnings: string[]): ImportSummary {
  const fieldsPresent = Object.fromEntries(METRIC_FIELDS.map((f) => [f, 0])) as Record<MetricField, number>;
  let workouts = 0;
  for (const d of days) {
    for (const f of METRIC_FIELDS) if (d.metrics[f] !== undefined) fieldsPresent[f]++;
    workouts += d.workouts.length;
  }
  const firstDate = days[0]!.date;
  const lastDate = days[days.length - 1]!.date;
  return {
    format,
    source,
    daysImported: days.length,
    fieldsPresent,
    gaps: missingDates(firstDate, lastDate, new Set(days.map((d) => d.date))),
    firstDate,
    lastDate,
    workouts,
    warnings,
  };
}

const FORMAT_NAMES: Record<ImportFormat, string> = { fit: 'FIT', apple_health: 'Apple Health', csv: 'CSV' };
const FIELD_NAMES: Record<MetricField, string> = {
  hrvRmssd: 'HRV (rMSSD)',
  hrvSdnn: 'HRV (SDNN)',
  restingHr: 'resting HR',
  sleepHours: 'sleep',
  sleepScore: 'sleep score',
  readiness: 'readiness',
  load: 'training load',
};
const MAX_GAP_RANGES = 8;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Consecutive dates folded into ranges: ['2024-01-02', '2024-01-03', '2024-01-07'] → ['2024-01-02 → 2024-01-03', '2024-01-07']. */
export function dateRanges(dates: string[]): string[] {
  const out: string[] = [];
  let from: string | undefined;
  let prev: string | undefined;
  let prevMs = NaN;
  for (const d of dates) {
    const ms = Date.parse(`${d}T00:00:00Z`);
    if (from !== undefined && ms - prevMs === 86_400_000) {
      prev = d;
    } else {
      if (from !== undefined) out.push(from === prev ? from : `${from} → ${prev}`);
      from = d;
      prev = d;
    }
    prevMs = ms;
  }
  if (from !== undefined) out.push(from === prev ? from : `${from} → ${prev}`);
  return out;
}

/** A few plain lines for the CLI (and a chat reply). */
export function formatSummary(s: ImportSummary): string {
  const lines: string[] = [];
  const span = s.firstDate === s.lastDate ? s.firstDate : `${s.firstDate} → ${s.lastDate}`;
  lines.push(`Imported ${plural(s.daysImported, 'day')} of ${FORMAT_NAMES[s.format]} data (${span}), ${plural(s.workouts, 'workout')}.`);
  const fields = METRIC_FIELDS.filter((f) => s.fieldsPresent[f] > 0).map((f) => `${FIELD_NAMES[f]} ${plural(s.fieldsPresent[f], 'day')}`);
  lines.push(`Fields: ${fields.length > 0 ? fields.join(', ') : 'none'}.`);
  if (s.gaps.length > 0) {
    const ranges = dateRanges(s.gaps);
    const shown = ranges.slice(0, MAX_GAP_RANGES).join(', ');
    lines.push(`Gaps: ${plural(s.gaps.length, 'day')} without data: ${shown}${ranges.length > MAX_GAP_RANGES ? `, … (${ranges.length - MAX_GAP_RANGES} more)` : ''}.`);
  } else {
    lines.push('Gaps: none.');
  }
  for (const w of s.warnings) lines.push(`Note: ${w}`);
  return lines.join('\n');
}
