/** The entry point: format detection, option checks, error codes for unreadable input, formatSummary. */
import { describe, expect, it } from 'vitest';
import { isAppError, userMessageOf } from '../../../src/errors.ts';
import { detectFormat, formatSummary, importFile, type ImportSummary } from '../../../src/wearables/files/index.ts';
import { expectImportError, tempDir } from './helpers.ts';

const write = tempDir('entry');
const TZ = 'Europe/Paris';

describe('importFile: detection and options', () => {
  it('when the first bytes are FIT, zip, XML or a CSV header and there is no known extension, then the format follows them', () => {
    const fit = Uint8Array.from([14, 0x10, 0, 0, 0, 0, 0, 0, 0x2e, 0x46, 0x49, 0x54, 0, 0]);
    expect(detectFormat('upload', fit)).toBe('fit');
    expect(detectFormat('upload', Buffer.from('PK\x03\x04rest'))).toBe('apple_health');
    expect(detectFormat('upload', Buffer.from('\uFEFF  <?xml version="1.0"?><HealthData/>'))).toBe('apple_health');
    expect(detectFormat('upload', Buffer.from('resting_hr,date\n50,2024-01-01'))).toBe('csv');
    expect(detectFormat('upload.txt', Buffer.from('hello world'))).toBeUndefined();
  });

  it('when the extension is known, then it decides even if the bytes say otherwise (so the error speaks of that format)', () => {
    expect(detectFormat('run.FIT', Buffer.from('date,load\n'))).toBe('fit');
    expect(detectFormat('export.zip', Buffer.from('<xml/>'))).toBe('apple_health');
  });

  it('when the file is in no format we know, then the import fails with IMPORT.UNSUPPORTED_FORMAT', async () => {
    const err = await expectImportError(importFile(write('notes.txt', 'just some notes'), { timezone: TZ }), 'IMPORT.UNSUPPORTED_FORMAT');
    expect(err.userMessage).toMatch(/\.fit file, an Apple Health export/);
  });

  it('when options.format is given, then detection is skipped', async () => {
    const { summary } = await importFile(write('notes.txt', 'date,load\n2024-01-01,50\n'), { timezone: TZ, format: 'csv' });
    expect(summary).toMatchObject({ format: 'csv', daysImported: 1 });
  });

  it('when an import fails, then the error is an AppError whose user message reaches the user through the error boundary', async () => {
    const err = await expectImportError(importFile(write('bad.csv', 'date,resting_hr\n2024-01-01,abc\n'), { timezone: TZ }), 'IMPORT.INVALID_CSV');
    expect(isAppError(err)).toBe(true);
    expect(userMessageOf(err)).toBe("The CSV file has a problem:\nline 2, column resting_hr: 'abc' is not a number");
    expect(err.message).toBe(`IMPORT.INVALID_CSV: ${err.userMessage}`);
    expect(err.details).toEqual({ issues: [{ line: 2, column: 'resting_hr', message: "'abc' is not a number" }] });
  });

  it('when the path does not exist, then the import fails with IMPORT.FILE_NOT_FOUND', async () => {
    await expectImportError(importFile('/nonexistent/twincoach/file.fit', { timezone: TZ }), 'IMPORT.FILE_NOT_FOUND');
  });

  it('when the path is a directory, then the import fails with IMPORT.FILE_NOT_FOUND', async () => {
    const dir = write('x.csv', 'date\n').replace(/x\.csv$/, '');
    await expectImportError(importFile(dir, { timezone: TZ }), 'IMPORT.FILE_NOT_FOUND');
  });

  it('when the file is empty, then the import fails with IMPORT.EMPTY', async () => {
    await expectImportError(importFile(write('empty.fit', ''), { timezone: TZ }), 'IMPORT.EMPTY');
  });

  it('when the time zone is not an IANA zone, then the import fails with IMPORT.INVALID_OPTIONS before reading', async () => {
    const err = await expectImportError(importFile('/nonexistent', { timezone: 'Mars/Olympus' }), 'IMPORT.INVALID_OPTIONS');
    expect(err.userMessage).toMatch(/Mars\/Olympus/);
  });

  it('when the heart-rate profile is impossible, then the import fails with IMPORT.INVALID_OPTIONS', async () => {
    await expectImportError(importFile('/nonexistent', { timezone: TZ, hr: { maxHr: 150, thresholdHr: 160 } }), 'IMPORT.INVALID_OPTIONS');
  });

  it('when an unknown format is forced, then the import fails with IMPORT.INVALID_OPTIONS', async () => {
    await expectImportError(importFile('/nonexistent', { timezone: TZ, format: 'gpx' as never }), 'IMPORT.INVALID_OPTIONS');
  });
});

describe('formatSummary', () => {
  const base: ImportSummary = {
    format: 'apple_health',
    source: 'apple_health',
    daysImported: 27,
    fieldsPresent: { hrvRmssd: 0, hrvSdnn: 25, restingHr: 27, sleepHours: 1, sleepScore: 0, readiness: 0, load: 9 },
    gaps: ['2024-01-05', '2024-01-10', '2024-01-11', '2024-01-12'],
    firstDate: '2024-01-01',
    lastDate: '2024-01-31',
    workouts: 9,
    warnings: ['Skipped 2 sleep records with an unreadable or earlier endDate.'],
  };

  it('when there are gaps and warnings, then the summary folds consecutive gap days into ranges and lists the notes', () => {
    expect(formatSummary(base)).toBe(
      [
        'Imported 27 days of Apple Health data (2024-01-01 → 2024-01-31), 9 workouts.',
        'Fields: HRV (SDNN) 25 days, resting HR 27 days, sleep 1 day, training load 9 days.',
        'Gaps: 4 days without data: 2024-01-05, 2024-01-10 → 2024-01-12.',
        'Note: Skipped 2 sleep records with an unreadable or earlier endDate.',
      ].join('\n'),
    );
  });

  it('when a single day was imported without gaps, then it says so in the singular', () => {
    const one: ImportSummary = {
      ...base,
      format: 'fit',
      daysImported: 1,
      fieldsPresent: { ...base.fieldsPresent, hrvSdnn: 0, restingHr: 0, sleepHours: 0, load: 1 },
      gaps: [],
      firstDate: '2024-03-10',
      lastDate: '2024-03-10',
      workouts: 1,
      warnings: [],
    };
    expect(formatSummary(one)).toBe('Imported 1 day of FIT data (2024-03-10), 1 workout.\nFields: training load 1 day.\nGaps: none.');
  });

  it('when there are many separate gaps, then only the first eight ranges are shown and the rest counted', () => {
    const gaps = Array.from({ length: 12 }, (_, i) => `2024-02-${String(2 * i + 2).padStart(2, '0')}`);
    expect(formatSummary({ ...base, gaps }).split('\n')[2]).toBe(
      `Gaps: 12 days without data: ${gaps.slice(0, 8).join(', ')}, … (4 more).`,
    );
  });
});
