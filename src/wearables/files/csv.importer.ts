/**
 * The twincoach CSV format (specified in README.md): a header row naming any subset of COLUMNS (date is
 * required), one row per day and/or per workout, empty cell = missing. The whole file is validated before
 * anything is returned; every problem names its line and column, e.g.
 *   line 14, column resting_hr: 'abc' is not a number
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { MetricField, WorkoutRecord } from '../../core/metrics.ts';
import { DayBook } from './day-book.ts';
import { ImportError, type ImportIssue } from './import-error.ts';
import type { LocalCalendar } from './local-calendar.ts';
import { durationLoad, round1, round2, SRPE_PER_TSS, trimp, trimpToTss, type HrProfile } from './load.ts';
import { canonicalSport } from './sport.ts';
import type { ParsedFile } from './types.ts';

type DailyField = Exclude<MetricField, 'load'>;

interface NumberColumn {
  kind: 'number';
  min: number;
  max: number;
  /** The lower bound itself is not allowed. */
  minExclusive?: boolean;
  unit: string;
  field?: DailyField;
}
type ColumnSpec = NumberColumn | { kind: 'date' } | { kind: 'text'; maxLength: number } | { kind: 'time' };

/** Column name → type, range and unit. Order here is the order documented in README.md. */
export const CSV_COLUMNS = {
  date: { kind: 'date' },
  hrv_rmssd: { kind: 'number', min: 0, max: 500, minExclusive: true, unit: 'ms', field: 'hrvRmssd' },
  hrv_sdnn: { kind: 'number', min: 0, max: 500, minExclusive: true, unit: 'ms', field: 'hrvSdnn' },
  resting_hr: { kind: 'number', min: 20, max: 150, unit: 'bpm', field: 'restingHr' },
  sleep_hours: { kind: 'number', min: 0, max: 24, unit: 'h', field: 'sleepHours' },
  sleep_score: { kind: 'number', min: 0, max: 100, unit: 'points', field: 'sleepScore' },
  readiness: { kind: 'number', min: 0, max: 100, unit: 'points', field: 'readiness' },
  load: { kind: 'number', min: 0, max: 2000, unit: 'TSS points' },
  sport: { kind: 'text', maxLength: 40 },
  minutes: { kind: 'number', min: 0, max: 1440, minExclusive: true, unit: 'min' },
  rpe: { kind: 'number', min: 0, max: 10, unit: '(CR-10)' },
  avg_hr: { kind: 'number', min: 30, max: 250, unit: 'bpm' },
  max_hr: { kind: 'number', min: 30, max: 250, unit: 'bpm' },
  distance_km: { kind: 'number', min: 0, max: 1000, unit: 'km' },
  start_time: { kind: 'time' },
} as const satisfies Record<string, ColumnSpec>;
export type CsvColumn = keyof typeof CSV_COLUMNS;

const DAILY_COLUMNS = ['hrv_rmssd', 'hrv_sdnn', 'resting_hr', 'sleep_hours', 'sleep_score', 'readiness'] as const;
/** Any of these makes the row describe a workout (and then `minutes` is required). */
const WORKOUT_COLUMNS = ['sport', 'minutes', 'rpe', 'avg_hr', 'max_hr', 'distance_km', 'start_time'] as const;

const MAX_ISSUES_KEPT = 100;
const MAX_ISSUES_SHOWN = 10;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Splits one line on commas; "double-quoted" fields may contain commas and "" for a quote. */
export function splitCsvLine(line: string): string[] | { error: string } {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q === -1) return { error: 'a quoted value is not closed (quoted values cannot span lines)' };
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const comma = line.indexOf(',', i);
      const tail = comma === -1 ? line.slice(i) : line.slice(i, comma);
      if (tail.trim() !== '') return { error: 'unexpected text after a closing quote' };
      out.push(value);
      if (comma === -1) return out;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      if (comma === -1) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

function isRealDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && y >= 1970 && y <= 2100;
}

type Cell = number | string;

class Issues {
  readonly list: ImportIssue[] = [];
  count = 0;
  add(line: number, column: string | undefined, message: string): void {
    this.count++;
    if (this.list.length < MAX_ISSUES_KEPT) this.list.push(column === undefined ? { line, message } : { line, column, message });
  }
}

export function formatIssue(i: ImportIssue): string {
  return i.column === undefined ? `line ${i.line}: ${i.message}` : `line ${i.line}, column ${i.column}: ${i.message}`;
}

/** Validate one cell; returns the parsed value, undefined for empty, or records an issue and returns null. */
function parseCell(spec: ColumnSpec, raw: string, line: number, column: string, issues: Issues): Cell | undefined | null {
  const v = raw.trim();
  if (v === '') return undefined;
  switch (spec.kind) {
    case 'date':
      if (!isRealDate(v)) {
        issues.add(line, column, `'${v}' is not a valid date (use yyyy-mm-dd, e.g. 2024-01-31)`);
        return null;
      }
      return v;
    case 'time':
      if (!TIME.test(v)) {
        issues.add(line, column, `'${v}' is not a time (use HH:MM, 24-hour, e.g. 07:30)`);
        return null;
      }
      return v;
    case 'text':
      if (v.length > spec.maxLength) {
        issues.add(line, column, `'${v.slice(0, 20)}…' is longer than ${spec.maxLength} characters`);
        return null;
      }
      return v;
    case 'number': {
      if (!NUMBER.test(v)) {
        issues.add(line, column, `'${v}' is not a number${/^\d+,\d+$/.test(v) ? " (use '.' as the decimal separator)" : ''}`);
        return null;
      }
      const n = Number(v);
      if (n > spec.max || n < spec.min || (spec.minExclusive && n === spec.min)) {
        const low = spec.minExclusive ? `above ${spec.min}` : `${spec.min}`;
        issues.add(line, column, `${v} is out of range (${spec.minExclusive ? `must be ${low} and at most ${spec.max}` : `${low}–${spec.max}`} ${spec.unit})`);
        return null;
      }
      return n;
    }
  }
}

export interface CsvContext {
  calendar: LocalCalendar;
  hr: HrProfile;
}

export async function parseCsv(path: string, ctx: CsvContext): Promise<ParsedFile> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const issues = new Issues();
  const book = new DayBook('csv');
  /** date → column → [value, line] of daily values already seen (to catch conflicting repeats). */
  const seen = new Map<string, Map<string, [number, number]>>();
  const workoutsPerDate = new Map<string, number>();
  let header: CsvColumn[] | undefined;
  let lineNo = 0;
  let rows = 0;

  try {
    for await (let line of lines) {
      lineNo++;
      if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const cells = splitCsvLine(line);
      if (!Array.isArray(cells)) {
        issues.add(lineNo, undefined, cells.error);
        if (!header) break;
        continue;
      }
      if (!header) {
        header = readHeader(cells, lineNo, issues);
        if (!header) break;
        continue;
      }
      rows++;
      if (cells.length !== header.length) {
        issues.add(lineNo, undefined, `expected ${header.length} values (one per header column), found ${cells.length}`);
        continue;
      }
      const row = new Map<CsvColumn, Cell>();
      let bad = false;
      header.forEach((col, i) => {
        const v = parseCell(CSV_COLUMNS[col], cells[i]!, lineNo, col, issues);
        if (v === null) bad = true;
        else if (v !== undefined) row.set(col, v);
      });
      const date = row.get('date') as string | undefined;
      if (cells[header.indexOf('date')]!.trim() === '') issues.add(lineNo, 'date', 'missing (every row needs a date)');
      if (bad || date === undefined) continue;
      addRow(row, date, lineNo, ctx, book, seen, workoutsPerDate, issues);
    }
  } finally {
    lines.close();
    input.destroy();
  }

  if (issues.count > 0) {
    const shown = issues.list.slice(0, MAX_ISSUES_SHOWN).map(formatIssue);
    const more = issues.count - shown.length;
    const text = `The CSV file has ${issues.count === 1 ? 'a problem' : `${issues.count} problems`}:\n${shown.join('\n')}${more > 0 ? `\n… and ${more} more` : ''}`;
    throw new ImportError('IMPORT.INVALID_CSV', text, { issues: issues.list });
  }
  if (!header) throw new ImportError('IMPORT.EMPTY', 'The CSV file is empty.');
  if (rows === 0) throw new ImportError('IMPORT.EMPTY', 'The CSV file has a header row but no data rows.');
  return { days: book.toSourceDays(), warnings: [] };
}

function readHeader(cells: string[], lineNo: number, issues: Issues): CsvColumn[] | undefined {
  const names = cells.map((c) => c.trim().toLowerCase());
  const known = Object.keys(CSV_COLUMNS);
  let ok = true;
  names.forEach((n, i) => {
    if (!(n in CSV_COLUMNS)) {
      issues.add(lineNo, n === '' ? `#${i + 1}` : n, `unknown column (known columns: ${known.join(', ')})`);
      ok = false;
    } else if (names.indexOf(n) !== i) {
      issues.add(lineNo, n, 'appears twice in the header');
      ok = false;
    }
  });
  if (!names.includes('date')) {
    issues.add(lineNo, undefined, "the header has no 'date' column");
    ok = false;
  }
  return ok ? (names as CsvColumn[]) : undefined;
}

function addRow(
  row: Map<CsvColumn, Cell>,
  date: string,
  lineNo: number,
  ctx: CsvContext,
  book: DayBook,
  seen: Map<string, Map<string, [number, number]>>,
  workoutsPerDate: Map<string, number>,
  issues: Issues,
): void {
  let daySeen = seen.get(date);
  if (!daySeen) seen.set(date, (daySeen = new Map()));
  for (const col of DAILY_COLUMNS) {
    const v = row.get(col) as number | undefined;
    if (v === undefined) continue;
    const before = daySeen.get(col);
    if (before && before[0] !== v) {
      issues.add(lineNo, col, `${v} conflicts with ${before[0]} given for ${date} on line ${before[1]}`);
      continue;
    }
    daySeen.set(col, [v, lineNo]);
    book.setMetric(date, CSV_COLUMNS[col].field, v);
    book.setRaw(date, col, v);
  }

  const isWorkout = WORKOUT_COLUMNS.some((c) => row.has(c));
  const load = row.get('load') as number | undefined;
  if (!isWorkout) {
    if (load !== undefined) book.addBareLoad(date, load);
    return;
  }
  const minutes = row.get('minutes') as number | undefined;
  if (minutes === undefined) {
    issues.add(lineNo, 'minutes', 'required when the row describes a workout (sport, rpe, avg_hr, max_hr, distance_km or start_time is set)');
    return;
  }
  const avgHr = row.get('avg_hr') as number | undefined;
  const maxHr = row.get('max_hr') as number | undefined;
  if (avgHr !== undefined && maxHr !== undefined && maxHr < avgHr) {
    issues.add(lineNo, 'max_hr', `${maxHr} is below avg_hr ${avgHr}`);
    return;
  }
  const sportText = row.get('sport') as string | undefined;
  const sport = sportText === undefined ? undefined : canonicalSport(sportText);
  const rpe = row.get('rpe') as number | undefined;
  const k = (workoutsPerDate.get(date) ?? 0) + 1;
  workoutsPerDate.set(date, k);
  const startMs = ctx.calendar.instant(date, (row.get('start_time') as string | undefined) ?? '00:00');

  const w: WorkoutRecord = {
    source: 'csv',
    externalId: `csv:${date}:${k}`,
    date,
    start: ctx.calendar.iso(startMs),
    minutes,
    load: 0,
    loadMethod: 'duration_estimate',
  };
  if (sport) w.sport = sport;
  if (load !== undefined) {
    w.load = round1(load);
    w.loadMethod = 'tss';
    w.rawLoad = { value: load, unit: 'tss' };
  } else if (rpe !== undefined) {
    w.load = round1((rpe * minutes) / SRPE_PER_TSS);
    w.loadMethod = 'srpe';
    w.rawLoad = { value: round2(rpe * minutes), unit: 'srpe_au' };
  } else if (avgHr !== undefined) {
    const t = trimp(avgHr, minutes, ctx.hr);
    w.load = round1(trimpToTss(t, ctx.hr));
    w.loadMethod = 'hr_estimate';
    w.rawLoad = { value: round1(t), unit: 'banister_trimp' };
  } else {
    w.load = round1(durationLoad(minutes, sport));
    w.rawLoad = { value: minutes, unit: 'minutes' };
  }
  if (rpe !== undefined) w.rpe = rpe;
  if (avgHr !== undefined) w.avgHr = avgHr;
  if (maxHr !== undefined) w.maxHr = maxHr;
  const km = row.get('distance_km') as number | undefined;
  if (km !== undefined) w.distanceM = round1(km * 1000);
  book.addWorkout(w);
}
