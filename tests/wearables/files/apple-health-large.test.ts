/**
 * The large-file requirement: an Apple Health export of ≥ 500 MB, generated on disk here (streamed
 * out of pre-rendered lines), imported while memory is sampled. Peak heap growth must stay under
 * HEAP_CAP_MB whatever the file size (the importer keeps per-day aggregates only) and every aggregate must
 * be exact. Runtime is logged; the whole test must finish well within two minutes on a 2-core machine.
 */
import { once } from 'node:events';
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { importFile } from '../../../src/wearables/files/index.ts';
import { EXPORT_HEAD, EXPORT_TAIL, heartRate, record, restingHr, sdnn, sleep, workout } from './apple-xml.ts';

const TARGET_BYTES = 520 * 1024 * 1024;
const DAYS = 1000;
const HEAP_CAP_MB = 150;
const RSS_CAP_MB = 250;
/** Import only; generation is timed separately. */
const FIRST_DAY_MS = Date.UTC(2021, 0, 1);
const DAY_MS = 86_400_000;

const file = path.join(tmpdir(), `twincoach-large-export-${process.pid}.xml`);
afterAll(() => rmSync(file, { force: true }));

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Apple's date format, in UTC (+0000); the athlete lives in Paris, so every local day is unambiguous. */
const apple = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} +0000`;
const H = 3_600_000;

/** The lines for day i that the importer must read, with values chosen so the aggregates are known. */
function dayLines(i: number): string {
  const d = FIRST_DAY_MS + i * DAY_MS;
  const lines = [
    restingHr(apple(d + 10 * H), 50 + (i % 7)),
    restingHr(apple(d + 10 * H + 60_000), 52 + (i % 7), 'Oura'),
    sdnn(apple(d + 3 * H), 40 + (i % 11)),
    sdnn(apple(d + 9 * H), 45 + (i % 11)),
    sdnn(apple(d + 15 * H), 50 + (i % 11)),
    // Night ending on day i. Union of asleep: 22:00–03:00 + 03:15–06:00 UTC = 300 + 165 min = 7.75 h.
    sleep(apple(d - 2 * H - 10 * 60_000), apple(d + 6 * H + 10 * 60_000), 'InBed', 'iPhone'),
    sleep(apple(d - 2 * H), apple(d + 1 * H), 'AsleepCore'),
    sleep(apple(d + 1 * H), apple(d + 2 * H), 'AsleepDeep'),
    sleep(apple(d + 2 * H), apple(d + 3 * H), 'AsleepREM'),
    sleep(apple(d + 3 * H), apple(d + 3 * H + 15 * 60_000), 'Awake'),
    sleep(apple(d + 3 * H + 15 * 60_000), apple(d + 6 * H), 'AsleepCore'),
    sleep(apple(d - 1.5 * H), apple(d + 2.5 * H), 'Asleep', 'iPhone'),
  ];
  if (i % 3 === 0) {
    lines.push(workout({ type: 'Running', start: apple(d + 16 * H), end: apple(d + 16.75 * H), minutes: 45, avgHr: 148, maxHr: 171, distanceKm: 8.5 }));
  }
  return lines.join('');
}

/** Bulk the importer must skip: one-line records of other types, plus a few multi-line ones (sax path). */
function fillerBlock(): string {
  const lines: string[] = [];
  for (let k = 0; k < 50; k++) {
    lines.push(heartRate(`2021-06-01 10:${String(k % 60).padStart(2, '0')}:00 +0000`, 60 + (k % 40)));
    lines.push(record({ type: 'HKQuantityTypeIdentifierStepCount', start: '2021-06-01 10:00:00 +0000', end: '2021-06-01 10:05:00 +0000', value: 120 + k, unit: 'count', source: 'iPhone' }));
    lines.push(record({ type: 'HKQuantityTypeIdentifierActiveEnergyBurned', start: '2021-06-01 10:00:00 +0000', end: '2021-06-01 10:01:00 +0000', value: 1.5, unit: 'kcal' }));
  }
  lines.push(
    ' <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min" creationDate="2021-06-01 10:00:00 +0000" startDate="2021-06-01 10:00:00 +0000" endDate="2021-06-01 10:00:00 +0000" value="72">\n' +
      '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n </Record>\n',
  );
  return lines.join('');
}

async function generate(): Promise<{ bytes: number; ms: number }> {
  const t0 = performance.now();
  const out = createWriteStream(file, { highWaterMark: 4 << 20 });
  const filler = fillerBlock();
  const fillerPerDay = Math.ceil((TARGET_BYTES / DAYS - 6000) / Buffer.byteLength(filler));
  const dayFiller = filler.repeat(fillerPerDay);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(EXPORT_HEAD);
  for (let i = 0; i < DAYS; i++) {
    await write(dayFiller);
    await write(dayLines(i));
  }
  out.end(EXPORT_TAIL);
  await once(out, 'finish');
  return { bytes: statSync(file).size, ms: performance.now() - t0 };
}

function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('Apple Health import: a ≥ 500 MB export', () => {
  it(
    'when a 500+ MB export is imported, then heap growth stays under the cap and every daily aggregate is exact',
    async () => {
      const generated = await generate();
      expect(generated.bytes).toBeGreaterThanOrEqual(500 * 1024 * 1024);

      const gc = gcFunction();
      gc();
      const base = process.memoryUsage();
      let peakHeap = base.heapUsed;
      let peakRss = base.rss;
      const sample = () => {
        const m = process.memoryUsage();
        if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
        if (m.rss > peakRss) peakRss = m.rss;
      };
      const timer = setInterval(sample, 10);
      const t0 = performance.now();
      let result;
      try {
        result = await importFile(file, { timezone: 'Europe/Paris' });
      } finally {
        clearInterval(timer);
      }
      sample();
      const importMs = performance.now() - t0;
      const heapGrowthMb = (peakHeap - base.heapUsed) / 1024 / 1024;
      const rssGrowthMb = (peakRss - base.rss) / 1024 / 1024;
      console.log(
        `large export: ${(generated.bytes / 1024 / 1024).toFixed(0)} MB generated in ${(generated.ms / 1000).toFixed(1)} s; ` +
          `imported in ${(importMs / 1000).toFixed(1)} s (${(generated.bytes / 1024 / 1024 / (importMs / 1000)).toFixed(0)} MB/s); ` +
          `peak heap growth ${heapGrowthMb.toFixed(1)} MB, peak RSS growth ${rssGrowthMb.toFixed(1)} MB`,
      );

      expect(heapGrowthMb).toBeLessThan(HEAP_CAP_MB);
      expect(rssGrowthMb).toBeLessThan(RSS_CAP_MB);

      const { days, summary } = result;
      const workoutDays = Math.ceil(DAYS / 3);
      expect(summary).toEqual({
        format: 'apple_health',
        source: 'apple_health',
        daysImported: DAYS,
        fieldsPresent: { hrvRmssd: 0, hrvSdnn: DAYS, restingHr: DAYS, sleepHours: DAYS, sleepScore: 0, readiness: 0, load: workoutDays },
        gaps: [],
        firstDate: iso(FIRST_DAY_MS),
        lastDate: iso(FIRST_DAY_MS + (DAYS - 1) * DAY_MS),
        workouts: workoutDays,
        warnings: [],
      });
      const mismatches: string[] = [];
      days.forEach((day, i) => {
        const expected: Record<string, number> = { restingHr: 51 + (i % 7), hrvSdnn: 45 + (i % 11), sleepHours: 7.75 };
        if (i % 3 === 0) expected.load = 42.3;
        const ok =
          day.date === iso(FIRST_DAY_MS + i * DAY_MS) &&
          JSON.stringify(day.metrics, Object.keys(day.metrics).sort()) === JSON.stringify(expected, Object.keys(expected).sort()) &&
          day.raw.apple_resting_hr_samples === 2 &&
          day.raw.apple_hrv_sdnn_samples === 3 &&
          day.workouts.length === (i % 3 === 0 ? 1 : 0);
        if (!ok && mismatches.length < 5) mismatches.push(`${day.date}: ${JSON.stringify(day.metrics)} ${JSON.stringify(day.raw)} expected ${JSON.stringify(expected)}`);
      });
      expect(mismatches).toEqual([]);
      expect(days[0]!.workouts[0]).toMatchObject({ sport: 'running', minutes: 45, load: 42.3, loadMethod: 'hr_estimate', distanceM: 8500, start: '2021-01-01T17:00:00+01:00' });
    },
    300_000,
  );
});
