/**
 * The documented CSV format (src/wearables/files/README.md): happy path and every validation rule, each
 * error naming its line and column, nothing returned when anything is wrong.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, importFile } from '../../../src/wearables/files/index.ts';
import { expectImportError, tempDir } from './helpers.ts';

const write = tempDir('csv');
const TZ = 'Europe/Paris';
const ALL = Object.keys(CSV_COLUMNS).join(',');

describe('CSV import: happy path', () => {
  it('when a CSV uses every column, then days carry the metrics and workouts get loads by load > rpe > avg_hr > duration', async () => {
    const csv = [
      '\uFEFF# exported by hand',
      ALL,
      '2024-02-01,62.5,,48,7.5,82,75,,run,45,6,,,,07:30',
      '2024-02-01,,,,,,,,Strength,30,,,,,',
      '',
      '2024-02-02,58,,50,6.25,,,,,,,,,,',
      '2024-02-04,,,,,,,85,,,,,,,',
      '2024-02-05,,,,,,,,"Cycling, hilly",40,,140,165,30.5,18:00',
      '2024-02-06,,41,,,,,70,running,50,,,,,',
    ].join('\r\n');
    const { days, summary } = await importFile(write('all.csv', csv), { timezone: TZ });

    expect(days.map((d) => [d.date, d.metrics])).toEqual([
      // load: run sRPE 6 × 45 / 4.5 = 60, strength 30 min × 40/h = 20.
      ['2024-02-01', { hrvRmssd: 62.5, restingHr: 48, sleepHours: 7.5, sleepScore: 82, readiness: 75, load: 80 }],
      ['2024-02-02', { hrvRmssd: 58, restingHr: 50, sleepHours: 6.25 }],
      ['2024-02-04', { load: 85 }],
      // 40 min at avg 140: TRIMP = 40·w(80/130) = 51.35; load = 100·51.35/(60·w(111/130)) = 30.4.
      ['2024-02-05', { load: 30.4 }],
      ['2024-02-06', { hrvSdnn: 41, load: 70 }],
    ]);
    expect(days[0]!.raw).toEqual({ hrv_rmssd: 62.5, resting_hr: 48, sleep_hours: 7.5, sleep_score: 82, readiness: 75 });
    expect(days[0]!.workouts).toEqual([
      {
        source: 'csv',
        externalId: 'csv:2024-02-01:2',
        date: '2024-02-01',
        start: '2024-02-01T00:00:00+01:00',
        sport: 'strength',
        minutes: 30,
        load: 20,
        loadMethod: 'duration_estimate',
        rawLoad: { value: 30, unit: 'minutes' },
      },
      {
        source: 'csv',
        externalId: 'csv:2024-02-01:1',
        date: '2024-02-01',
        start: '2024-02-01T07:30:00+01:00',
        sport: 'running',
        minutes: 45,
        load: 60,
        loadMethod: 'srpe',
        rawLoad: { value: 270, unit: 'srpe_au' },
        rpe: 6,
      },
    ]);
    expect(days[3]!.workouts).toEqual([
      {
        source: 'csv',
        externalId: 'csv:2024-02-05:1',
        date: '2024-02-05',
        start: '2024-02-05T18:00:00+01:00',
        sport: 'cycling_hilly',
        minutes: 40,
        load: 30.4,
        loadMethod: 'hr_estimate',
        rawLoad: { value: 51.3, unit: 'banister_trimp' },
        avgHr: 140,
        maxHr: 165,
        distanceM: 30500,
      },
    ]);
    expect(days[4]!.workouts[0]).toMatchObject({ load: 70, loadMethod: 'tss', rawLoad: { value: 70, unit: 'tss' } });
    expect(days[2]!.workouts).toEqual([]);
    expect(summary).toEqual({
      format: 'csv',
      source: 'csv',
      daysImported: 5,
      fieldsPresent: { hrvRmssd: 2, hrvSdnn: 1, restingHr: 2, sleepHours: 2, sleepScore: 1, readiness: 1, load: 4 },
      gaps: ['2024-02-03'],
      firstDate: '2024-02-01',
      lastDate: '2024-02-06',
      workouts: 4,
      warnings: [],
    });
  });

  it('when the header names a few columns in any order, then only those are read', async () => {
    const { days } = await importFile(write('few.csv', 'resting_hr,date\n51,2024-03-02\n49,2024-03-01\n'), { timezone: TZ });
    expect(days.map((d) => [d.date, d.metrics])).toEqual([
      ['2024-03-01', { restingHr: 49 }],
      ['2024-03-02', { restingHr: 51 }],
    ]);
  });

  it('when a date repeats with the same daily value, then it is accepted once', async () => {
    const { days } = await importFile(write('repeat.csv', 'date,resting_hr,sport,minutes\n2024-03-01,49,run,30\n2024-03-01,49,bike,60\n'), { timezone: TZ });
    expect(days).toHaveLength(1);
    expect(days[0]!.metrics.restingHr).toBe(49);
    expect(days[0]!.workouts).toHaveLength(2);
  });

  it('when the example from README.md is imported, then it parses as documented', async () => {
    const readme = readFileSync(new URL('../../../src/wearables/files/README.md', import.meta.url), 'utf8');
    const example = /```csv\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const { days, summary } = await importFile(write('readme.csv', example!), { timezone: TZ });
    expect(summary).toMatchObject({ daysImported: 3, workouts: 3, gaps: [] });
    expect(days.map((d) => d.workouts.map((w) => [w.sport, w.loadMethod, w.load]))).toEqual([
      [
        ['running', 'srpe', 60],
        ['strength', 'duration_estimate', 20],
      ],
      [],
      [['cycling', 'tss', 85]],
    ]);
  });

  it('when a CSV has no extension, then it is recognised by its header', async () => {
    const { summary } = await importFile(write('wellness-upload', 'date,sleep_hours\n2024-03-01,8\n'), { timezone: TZ });
    expect(summary.format).toBe('csv');
  });
});

/** A valid two-column file (date + an empty second value) with `bad` as file line `at` (1-based). */
function withLine(header: string, bad: string, at: number): string {
  const lines = [header];
  for (let i = 1; lines.length < at; i++) lines.push(`2024-01-${String(i).padStart(2, '0')},`);
  lines.splice(at - 1, 0, bad);
  return lines.join('\n') + '\n';
}

describe('CSV import: validation (line and column in every message, nothing returned)', () => {
  const cases: [string, string, string, string][] = [
    ['a value is not a number', 'date,resting_hr', '2024-02-10,abc', "line 14, column resting_hr: 'abc' is not a number"],
    ['a decimal comma is used', 'date,resting_hr', '2024-02-10,"52,5"', "line 14, column resting_hr: '52,5' is not a number (use '.' as the decimal separator)"],
    ['a value is out of range', 'date,sleep_hours', '2024-02-10,25', 'line 14, column sleep_hours: 25 is out of range (0–24 h)'],
    ['an exclusive lower bound is hit', 'date,hrv_rmssd', '2024-02-10,0', 'line 14, column hrv_rmssd: 0 is out of range (must be above 0 and at most 500 ms)'],
    ['a date does not exist', 'date,resting_hr', '2024-02-30,50', "line 14, column date: '2024-02-30' is not a valid date (use yyyy-mm-dd, e.g. 2024-01-31)"],
    ['a date is in another format', 'date,resting_hr', '10/02/2024,50', "line 14, column date: '10/02/2024' is not a valid date (use yyyy-mm-dd, e.g. 2024-01-31)"],
    ['a date is missing', 'date,resting_hr', ',50', 'line 14, column date: missing (every row needs a date)'],
    ['a row has too few values', 'date,resting_hr', '2024-02-10', 'line 14: expected 2 values (one per header column), found 1'],
    ['a quote is not closed', 'date,resting_hr', '2024-02-10,"50', 'line 14: a quoted value is not closed (quoted values cannot span lines)'],
  ];
  for (const [what, header, bad, message] of cases) {
    it(`when ${what}, then IMPORT.INVALID_CSV says "${message}"`, async () => {
      const err = await expectImportError(importFile(write(`bad-${what.replace(/\W+/g, '-')}.csv`, withLine(header, bad, 14)), { timezone: TZ }), 'IMPORT.INVALID_CSV');
      expect(err.userMessage).toBe(`The CSV file has a problem:\n${message}`);
      expect(err.issues).toHaveLength(1);
      expect(err.issues[0]!.line).toBe(14);
    });
  }

  const rowCases: [string, string, string, string][] = [
    ['a workout row has no minutes', 'date,sport,rpe,minutes', '2024-02-01,run,6,', 'line 2, column minutes: required when the row describes a workout (sport, rpe, avg_hr, max_hr, distance_km or start_time is set)'],
    ['max_hr is below avg_hr', 'date,minutes,avg_hr,max_hr', '2024-02-01,30,150,140', 'line 2, column max_hr: 140 is below avg_hr 150'],
    ['a start time is malformed', 'date,minutes,start_time', '2024-02-01,30,7:5', "line 2, column start_time: '7:5' is not a time (use HH:MM, 24-hour, e.g. 07:30)"],
    ['an rpe is outside CR-10', 'date,minutes,rpe', '2024-02-01,30,11', 'line 2, column rpe: 11 is out of range (0–10 (CR-10))'],
    ['the header has an unknown column', 'date,restinghr', '2024-02-01,50', 'line 1, column restinghr: unknown column (known columns: ' + Object.keys(CSV_COLUMNS).join(', ') + ')'],
    ['the header repeats a column', 'date,resting_hr,resting_hr', '2024-02-01,50,50', 'line 1, column resting_hr: appears twice in the header'],
    ['the header has no date column', 'day,resting_hr', '2024-02-01,50', "line 1, column day: unknown column (known columns: " + Object.keys(CSV_COLUMNS).join(', ') + ")\nline 1: the header has no 'date' column"],
  ];
  for (const [what, header, row, message] of rowCases) {
    it(`when ${what}, then IMPORT.INVALID_CSV says so with its line and column`, async () => {
      const err = await expectImportError(importFile(write(`row-${what.replace(/\W+/g, '-')}.csv`, `${header}\n${row}\n`), { timezone: TZ }), 'IMPORT.INVALID_CSV');
      expect(err.userMessage.split('\n').slice(1).join('\n')).toBe(message);
    });
  }

  it('when a date repeats with a different daily value, then the conflict names both lines', async () => {
    const err = await expectImportError(
      importFile(write('conflict.csv', 'date,resting_hr\n2024-01-05,50\n2024-01-06,51\n2024-01-05,52\n'), { timezone: TZ }),
      'IMPORT.INVALID_CSV',
    );
    expect(err.userMessage).toBe('The CSV file has a problem:\nline 4, column resting_hr: 52 conflicts with 50 given for 2024-01-05 on line 2');
  });

  it('when several rows are wrong, then every problem is listed and nothing is returned', async () => {
    const csv = 'date,resting_hr,sleep_hours\n2024-01-01,50,7\n2024-01-02,x,7\n2024-01-03,50,-1\n2024-01-04,50,8\n';
    const err = await expectImportError(importFile(write('many.csv', csv), { timezone: TZ }), 'IMPORT.INVALID_CSV');
    expect(err.issues).toEqual([
      { line: 3, column: 'resting_hr', message: "'x' is not a number" },
      { line: 4, column: 'sleep_hours', message: '-1 is out of range (0–24 h)' },
    ]);
    expect(err.userMessage).toBe("The CSV file has 2 problems:\nline 3, column resting_hr: 'x' is not a number\nline 4, column sleep_hours: -1 is out of range (0–24 h)");
  });

  it('when more than ten rows are wrong, then the message shows ten and counts the rest', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')},bad`);
    const err = await expectImportError(importFile(write('lots.csv', ['date,resting_hr', ...rows].join('\n')), { timezone: TZ }), 'IMPORT.INVALID_CSV');
    expect(err.userMessage.split('\n')).toHaveLength(1 + 10 + 1);
    expect(err.userMessage).toMatch(/… and 15 more$/);
    expect(err.issues).toHaveLength(25);
  });

  it('when the CSV has only a header, then the import fails with IMPORT.EMPTY', async () => {
    await expectImportError(importFile(write('header.csv', 'date,resting_hr\n'), { timezone: TZ }), 'IMPORT.EMPTY');
  });

  it('when the CSV has only comments and blank lines, then the import fails with IMPORT.EMPTY', async () => {
    await expectImportError(importFile(write('comments.csv', '# nothing\n\n'), { timezone: TZ }), 'IMPORT.EMPTY');
  });

  it('when every data row has only empty values, then the import fails with IMPORT.EMPTY', async () => {
    await expectImportError(importFile(write('blank-values.csv', 'date,resting_hr\n2024-01-01,\n'), { timezone: TZ }), 'IMPORT.EMPTY');
  });
});
