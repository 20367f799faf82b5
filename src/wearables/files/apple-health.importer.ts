/**
 * Apple Health export (export.zip, or the export.xml inside it), streamed: the xml is read through
 * HealthXmlScanner straight from disk or from the zip entry (yauzl, nothing extracted), and only per-day
 * aggregates are kept — memory depends on the number of days, workouts and disjoint sleep segments, never
 * on the number of records or the size of the file.
 *
 * Mapping (top-level <Record> elements; Records nested in <Correlation> are not read):
 *   HKQuantityTypeIdentifierRestingHeartRate (count/min)     → restingHr: mean of the day's samples
 *   HKQuantityTypeIdentifierHeartRateVariabilitySDNN (ms)    → hrvSdnn: mean of the day's samples. SDNN is
 *                                                              not rMSSD and never lands in hrvRmssd.
 *   HKCategoryTypeIdentifierSleepAnalysis, asleep values       → sleepHours: union of the intervals (overlaps
 *     (Asleep, AsleepCore, AsleepDeep, AsleepREM,                from several sources or stages count once),
 *      AsleepUnspecified; not InBed, not Awake)                  each merged interval on the day you wake up
 *                                                              (local end time; ending ≥ 18:00 → next day)
 *   <Workout>                                                 → WorkoutRecord: minutes from `duration`
 *     (durationUnit), sport from workoutActivityType, distance from totalDistance or the distance
 *     WorkoutStatistics, avg/max HR from the heart-rate WorkoutStatistics. Load: 'hr_estimate' (TRIMP on the
 *     average HR, load.ts) when an average HR is there, else 'duration_estimate'. Workouts with the same
 *     sport and start second (the same session written by two apps) are kept once, preferring the copy
 * with heart-rate statistics.
 * Day of a sample = local date of its startDate in the athlete's zone. Dates look like
 * "2024-01-05 07:12:03 +0100". A relevant record whose date or value cannot be read is skipped and counted
 * in a warning; a document that is not well-formed XML fails the whole import.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import type { WorkoutRecord } from '../../core/metrics.ts';
import { DayBook } from './day-book.ts';
import { HealthXmlScanner, type XmlHandler } from './health-xml-scanner.ts';
import { ImportError } from './import-error.ts';
import type { LocalCalendar } from './local-calendar.ts';
import { durationLoad, round1, round2, trimp, trimpToTss, type HrProfile } from './load.ts';
import { SleepIntervals } from './sleep-intervals.ts';
import { appleSport } from './sport.ts';
import type { ParsedFile } from './types.ts';

export const HK = {
  restingHr: 'HKQuantityTypeIdentifierRestingHeartRate',
  sdnn: 'HKQuantityTypeIdentifierHeartRateVariabilitySDNN',
  sleep: 'HKCategoryTypeIdentifierSleepAnalysis',
  heartRate: 'HKQuantityTypeIdentifierHeartRate',
} as const;

export const ASLEEP_VALUES: ReadonlySet<string> = new Set([
  'HKCategoryValueSleepAnalysisAsleep',
  'HKCategoryValueSleepAnalysisAsleepUnspecified',
  'HKCategoryValueSleepAnalysisAsleepCore',
  'HKCategoryValueSleepAnalysisAsleepDeep',
  'HKCategoryValueSleepAnalysisAsleepREM',
]);

const RECORD_TYPES: ReadonlySet<string> = new Set([HK.restingHr, HK.sdnn, HK.sleep]);

const APPLE_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** "2024-01-05 07:12:03 +0100" → epoch ms, NaN when it does not have that shape. */
export function parseAppleDate(s: string | undefined): number {
  const m = s === undefined ? null : APPLE_DATE.exec(s);
  if (!m) return NaN;
  const utc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const offset = (+m[8]! * 60 + +m[9]!) * (m[7] === '-' ? -1 : 1);
  return utc - offset * 60_000;
}

function number(s: string | undefined): number {
  if (s === undefined || s.trim() === '') return NaN;
  const v = Number(s);
  return Number.isFinite(v) ? v : NaN;
}

const DISTANCE_TO_M: Readonly<Record<string, number>> = { m: 1, km: 1000, mi: 1609.344, yd: 0.9144, ft: 0.3048 };
const DURATION_TO_MIN: Readonly<Record<string, number>> = { min: 1, s: 1 / 60, sec: 1 / 60, h: 60, hr: 60 };

interface DayAgg {
  rhrSum: number;
  rhrN: number;
  sdnnSum: number;
  sdnnN: number;
}

interface WorkoutDraft {
  attrs: Readonly<Record<string, string>>;
  avgHr?: number;
  maxHr?: number;
  distanceM?: number;
}

export class AppleHealthAggregator implements XmlHandler {
  private readonly days = new Map<string, DayAgg>();
  private readonly sleep = new SleepIntervals();
  private readonly workouts = new Map<string, WorkoutRecord>();
  private draft: WorkoutDraft | undefined;
  private readonly skipped = new Map<string, number>();
  private duplicateWorkouts = 0;
  /** Records of the types we read (for tests). */
  recordsRead = 0;

  constructor(
    private readonly calendar: LocalCalendar,
    private readonly hr: HrProfile,
  ) {}

  wants(name: string, type: string | undefined): boolean {
    return name === 'Record' ? type !== undefined && RECORD_TYPES.has(type) : name === 'Workout';
  }

  open(name: string, attrs: Readonly<Record<string, string>>, depth: number): void {
    if (depth === 0) {
      if (name !== 'HealthData') {
        throw new ImportError('IMPORT.UNSUPPORTED_FORMAT', `This XML file is not an Apple Health export (its root element is <${name}>, not <HealthData>).`);
      }
      return;
    }
    if (depth === 1 && name === 'Record') {
      const type = attrs.type;
      if (type !== undefined && RECORD_TYPES.has(type)) this.record(type, attrs);
    } else if (depth === 1 && name === 'Workout') {
      this.draft = { attrs };
    } else if (depth === 2 && name === 'WorkoutStatistics' && this.draft) {
      this.statistics(this.draft, attrs);
    }
  }

  close(name: string, depth: number): void {
    if (depth === 1 && name === 'Workout' && this.draft) {
      this.finishWorkout(this.draft);
      this.draft = undefined;
    }
  }

  private skip(reason: string): void {
    this.skipped.set(reason, (this.skipped.get(reason) ?? 0) + 1);
  }

  private day(date: string): DayAgg {
    let d = this.days.get(date);
    if (!d) this.days.set(date, (d = { rhrSum: 0, rhrN: 0, sdnnSum: 0, sdnnN: 0 }));
    return d;
  }

  private record(type: string, a: Readonly<Record<string, string>>): void {
    this.recordsRead++;
    const start = parseAppleDate(a.startDate);
    if (Number.isNaN(start)) return this.skip(`${short(type)} records with an unreadable startDate`);
    if (type === HK.sleep) {
      if (a.value === undefined || !ASLEEP_VALUES.has(a.value)) return;
      const end = parseAppleDate(a.endDate);
      if (Number.isNaN(end) || end < start) return this.skip('sleep records with an unreadable or earlier endDate');
      this.sleep.add(start, end);
      return;
    }
    const v = number(a.value);
    if (type === HK.restingHr) {
      if (!(v >= 20 && v <= 200) || (a.unit !== undefined && a.unit !== 'count/min')) {
        return this.skip('resting heart rate records with a value outside 20–200 count/min');
      }
      const d = this.day(this.calendar.date(start));
      d.rhrSum += v;
      d.rhrN++;
    } else if (type === HK.sdnn) {
      if (!(v > 0 && v <= 1000) || (a.unit !== undefined && a.unit !== 'ms')) {
        return this.skip('HRV (SDNN) records with a value outside 0–1000 ms');
      }
      const d = this.day(this.calendar.date(start));
      d.sdnnSum += v;
      d.sdnnN++;
    }
  }

  private statistics(draft: WorkoutDraft, a: Readonly<Record<string, string>>): void {
    if (a.type === HK.heartRate) {
      const avg = number(a.average);
      const max = number(a.maximum);
      if (avg > 0) draft.avgHr = Math.round(avg);
      if (max > 0) draft.maxHr = Math.round(max);
    } else if (a.type?.startsWith('HKQuantityTypeIdentifierDistance')) {
      const sum = number(a.sum);
      const factor = DISTANCE_TO_M[a.unit ?? ''];
      if (sum >= 0 && factor !== undefined) draft.distanceM = (draft.distanceM ?? 0) + sum * factor;
    }
  }

  private finishWorkout({ attrs: a, avgHr, maxHr, distanceM }: WorkoutDraft): void {
    const start = parseAppleDate(a.startDate);
    const end = parseAppleDate(a.endDate);
    if (Number.isNaN(start)) return this.skip('workouts with an unreadable startDate');
    let minutes = number(a.duration) * (DURATION_TO_MIN[a.durationUnit ?? 'min'] ?? NaN);
    if (!(minutes > 0) && end > start) minutes = (end - start) / 60_000;
    if (!(minutes > 0)) return this.skip('workouts without a duration');
    minutes = round2(minutes);
    const sport = appleSport(a.workoutActivityType);
    const id = `apple_health:${sport ?? 'workout'}:${Math.round(start / 1000)}`;
    const existing = this.workouts.get(id);
    if (existing) {
      this.duplicateWorkouts++;
      // Keep the copy with heart-rate statistics (the watch's), whichever app wrote first.
      if (existing.avgHr !== undefined || avgHr === undefined) return;
    }
    const w: WorkoutRecord = {
      source: 'apple_health',
      externalId: id,
      date: this.calendar.date(start),
      start: this.calendar.iso(start),
      minutes,
      load: 0,
      loadMethod: 'duration_estimate',
    };
    if (sport) w.sport = sport;
    if (avgHr !== undefined) {
      const t = trimp(avgHr, minutes, this.hr);
      w.load = round1(trimpToTss(t, this.hr));
      w.loadMethod = 'hr_estimate';
      w.rawLoad = { value: round1(t), unit: 'banister_trimp' };
      w.avgHr = avgHr;
    } else {
      w.load = round1(durationLoad(minutes, sport));
      w.rawLoad = { value: minutes, unit: 'minutes' };
    }
    if (maxHr !== undefined) w.maxHr = maxHr;
    const total = number(a.totalDistance);
    const factor = DISTANCE_TO_M[a.totalDistanceUnit ?? ''];
    const distance = total >= 0 && factor !== undefined ? total * factor : distanceM;
    if (distance !== undefined) w.distanceM = round1(distance);
    this.workouts.set(id, w);
  }

  result(): ParsedFile {
    const book = new DayBook('apple_health');
    for (const [date, d] of this.days) {
      if (d.rhrN > 0) {
        book.setMetric(date, 'restingHr', round1(d.rhrSum / d.rhrN));
        book.setRaw(date, 'apple_resting_hr_samples', d.rhrN);
      }
      if (d.sdnnN > 0) {
        book.setMetric(date, 'hrvSdnn', round1(d.sdnnSum / d.sdnnN));
        book.setRaw(date, 'apple_hrv_sdnn_samples', d.sdnnN);
      }
    }
    const sleepMs = new Map<string, number>();
    for (const [s, e] of this.sleep.merged()) {
      const day = this.calendar.wakeDate(e);
      sleepMs.set(day, (sleepMs.get(day) ?? 0) + (e - s));
    }
    for (const [date, ms] of sleepMs) {
      book.setMetric(date, 'sleepHours', round2(ms / 3_600_000));
      book.setRaw(date, 'apple_sleep_minutes', round1(ms / 60_000));
    }
    for (const w of this.workouts.values()) book.addWorkout(w);

    const warnings = [...this.skipped].map(([reason, n]) => `Skipped ${n} ${reason}.`);
    if (this.duplicateWorkouts > 0) {
      warnings.push(`Kept ${this.duplicateWorkouts} duplicate workout(s) once (same sport and start time from several apps).`);
    }
    return { days: book.toSourceDays(), warnings };
  }
}

async function scan(
  stream: Readable,
  calendar: LocalCalendar,
  hr: HrProfile,
  label: string,
  expectedCrc32?: number,
): Promise<ParsedFile> {
  const aggregator = new AppleHealthAggregator(calendar, hr);
  const scanner = new HealthXmlScanner(aggregator, label);
  let crc = 0;
  try {
    for await (const chunk of stream) {
      if (expectedCrc32 !== undefined) crc = crc32(chunk as Buffer, crc);
      scanner.write(chunk as Buffer);
    }
  } finally {
    stream.destroy();
  }
  // yauzl does not check the CRC-32 of what it inflates; a damaged archive can inflate to plausible bytes.
  if (expectedCrc32 !== undefined && crc !== expectedCrc32) {
    throw new ImportError('IMPORT.INVALID_ZIP', `${label} in the zip is damaged (its checksum does not match). Export it again from the Health app.`);
  }
  scanner.end();
  return aggregator.result();
}

export function parseAppleHealthXml(path: string, calendar: LocalCalendar, hr: HrProfile): Promise<ParsedFile> {
  return scan(createReadStream(path, { highWaterMark: 1 << 20 }), calendar, hr, 'export.xml');
}

/** The export's main document, wherever the archive puts it (apple_health_export/export.xml normally). */
export function isExportXmlEntry(fileName: string): boolean {
  return !fileName.startsWith('__MACOSX/') && /(^|\/)export\.xml$/i.test(fileName);
}

export async function parseAppleHealthZip(path: string, calendar: LocalCalendar, hr: HrProfile): Promise<ParsedFile> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) => (err || !z ? reject(err) : resolve(z))),
    );
  } catch (e) {
    throw new ImportError('IMPORT.INVALID_ZIP', `The zip archive cannot be read (${(e as Error).message}). Export it again from the Health app.`, { cause: e });
  }
  try {
    const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => (isExportXmlEntry(e.fileName) ? resolve(e) : zip.readEntry()));
      zip.on('end', () => resolve(undefined));
      zip.on('error', reject);
      zip.readEntry();
    }).catch((e: unknown) => {
      throw new ImportError('IMPORT.INVALID_ZIP', `The zip archive is damaged (${(e as Error).message}). Export it again from the Health app.`, { cause: e });
    });
    if (!entry) {
      throw new ImportError(
        'IMPORT.INVALID_ZIP',
        'This zip is not an Apple Health export: it holds no apple_health_export/export.xml. Upload the export.zip from Health → profile → Export All Health Data.',
      );
    }
    const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, s) => (err || !s ? reject(err) : resolve(s)))).catch(
      (e: unknown) => {
        throw new ImportError('IMPORT.INVALID_ZIP', `${entry.fileName} cannot be read from the zip (${(e as Error).message}).`, { cause: e });
      },
    );
    try {
      return await scan(stream, calendar, hr, entry.fileName, entry.crc32);
    } catch (e) {
      if (e instanceof ImportError) throw e;
      throw new ImportError('IMPORT.INVALID_ZIP', `${entry.fileName} cannot be decompressed (${(e as Error).message}). The zip is damaged.`, { cause: e });
    }
  } finally {
    zip.close();
  }
}

function short(type: string): string {
  if (type === HK.restingHr) return 'resting heart rate';
  if (type === HK.sdnn) return 'HRV (SDNN)';
  if (type === HK.sleep) return 'sleep';
  return type;
}
