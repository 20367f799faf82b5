/**
 * FIT import: files are built in the test with the SDK's Encoder. Expected loads are computed by hand
 * (see the comments) from the documented formulas, with the default HR profile HRmax 190 / HRrest 60 /
 * threshold 171.
 */
import { truncateSync } from 'node:fs';
import { Encoder, Profile } from '@garmin/fitsdk';
import { describe, expect, it } from 'vitest';
import { MAX_FIT_BYTES } from '../../../src/wearables/files/fit.importer.ts';
import { importFile } from '../../../src/wearables/files/index.ts';
import { expectImportError, tempDir } from './helpers.ts';

const write = tempDir('fit');
const TZ = 'Europe/Paris'; // UTC+1 in March before the 31st
const M = Profile.MesgNum;

type Mesg = Record<string, unknown> & { mesgNum: number };

function fitBytes(messages: Mesg[], serial = 4242): Uint8Array {
  const enc = new Encoder();
  const fileId: Mesg = { mesgNum: M.FILE_ID!, type: 'activity', manufacturer: 'garmin', product: 1, serialNumber: serial, timeCreated: new Date('2024-03-10T05:00:00Z') };
  enc.writeMesg(fileId);
  for (const m of messages) enc.writeMesg(m);
  return enc.close();
}

const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

function session(start: string, fields: Record<string, unknown>): Mesg {
  return { mesgNum: M.SESSION!, startTime: at(start), timestamp: at(start, Number(fields.totalElapsedTime ?? 0)), ...fields };
}

/** One record per second from `start`, HR given per second index. */
function records(start: string, seconds: number, hr: (i: number) => number | undefined): Mesg[] {
  const out: Mesg[] = [];
  for (let i = 0; i <= seconds; i++) {
    const r: Mesg = { mesgNum: M.RECORD!, timestamp: at(start, i) };
    const h = hr(i);
    if (h !== undefined) r.heartRate = h;
    out.push(r);
  }
  return out;
}

describe('FIT import: workouts', () => {
  it('when a session carries training_stress_score, then the workout load is that TSS with method tss', async () => {
    const file = write(
      'tss.fit',
      fitBytes([
        session('2024-03-10T06:30:00Z', {
          sport: 'running',
          subSport: 'generic',
          totalElapsedTime: 3700,
          totalTimerTime: 3600,
          totalDistance: 10000.4,
          avgHeartRate: 150,
          maxHeartRate: 175,
          trainingStressScore: 85.3,
        }),
      ]),
    );
    const { days, summary } = await importFile(file, { timezone: TZ });
    expect(days).toEqual([
      {
        source: 'fit',
        date: '2024-03-10',
        metrics: { load: 85.3 },
        raw: {},
        workouts: [
          {
            source: 'fit',
            externalId: `fit:4242:${Date.parse('2024-03-10T06:30:00Z') / 1000}:0`,
            date: '2024-03-10',
            start: '2024-03-10T07:30:00+01:00',
            sport: 'running',
            minutes: 60,
            load: 85.3,
            loadMethod: 'tss',
            rawLoad: { value: 85.3, unit: 'tss' },
            avgHr: 150,
            maxHr: 175,
            distanceM: 10000.4,
          },
        ],
      },
    ]);
    expect(summary).toMatchObject({ format: 'fit', daysImported: 1, workouts: 1, firstDate: '2024-03-10', lastDate: '2024-03-10', gaps: [] });
  });

  it('when a session has no TSS but records with HR, then load is TRIMP over the samples normalised to the threshold hour', async () => {
    // 900 s at 171 bpm (threshold) + 900 s at 125 bpm. x = (HR−60)/130; w(x) = x·0.64·e^(1.92x).
    // TRIMP = 15·w(111/130) + 15·w(65/130) = 54.77; load = 100·TRIMP / (60·w(111/130)) = 32.42.
    const start = '2024-03-11T17:00:00Z';
    const file = write(
      'hr.fit',
      fitBytes([
        ...records(start, 1800, (i) => (i < 900 ? 171 : 125)),
        session(start, { sport: 'cycling', totalElapsedTime: 1800, totalTimerTime: 1800 }),
      ]),
    );
    const { days } = await importFile(file, { timezone: TZ });
    const w = days[0]!.workouts[0]!;
    expect(w).toMatchObject({ date: '2024-03-11', sport: 'cycling', minutes: 30, loadMethod: 'trimp', load: 32.4, rawLoad: { value: 54.8, unit: 'banister_trimp' } });
    // avg HR weighted by time: (900·171 + 900·125)/1800 = 148; max from the samples.
    expect(w.avgHr).toBe(148);
    expect(w.maxHr).toBe(171);
  });

  it('when the options give a threshold HR, then an hour of samples at that HR is exactly 100', async () => {
    const start = '2024-03-12T06:00:00Z';
    const file = write('threshold.fit', fitBytes([...records(start, 3600, () => 175), session(start, { sport: 'running', totalTimerTime: 3600, totalElapsedTime: 3600 })]));
    const { days } = await importFile(file, { timezone: TZ, hr: { maxHr: 200, restingHr: 50, thresholdHr: 175 } });
    expect(days[0]!.workouts[0]).toMatchObject({ load: 100, loadMethod: 'trimp' });
  });

  it('when HR samples pause for more than 30 s, then the pause adds no load and the cover is scaled to the timer time', async () => {
    // 600 s of samples at threshold, a 5-minute gap, 600 s more; timer 1200 s → exactly 20 min at threshold = 33.3.
    const start = '2024-03-12T06:00:00Z';
    const first = records(start, 600, () => 171);
    const second = records(new Date(Date.parse(start) + 900_000).toISOString(), 600, () => 171);
    const file = write('pause.fit', fitBytes([...first, ...second, session(start, { sport: 'running', totalTimerTime: 1200, totalElapsedTime: 1500 })]));
    const { days } = await importFile(file, { timezone: TZ });
    expect(days[0]!.workouts[0]).toMatchObject({ load: 33.3, loadMethod: 'trimp', minutes: 20 });
  });

  it('when a session has only avg_heart_rate, then load is the average-HR estimate (hr_estimate)', async () => {
    // 45 min at 150: TRIMP = 45·w(90/130) = 75.33; load = 100·75.33/(60·w(111/130)) = 44.59.
    const file = write('avg.fit', fitBytes([session('2024-03-13T07:00:00Z', { sport: 'swimming', totalTimerTime: 2700, totalElapsedTime: 2700, avgHeartRate: 150 })]));
    const { days } = await importFile(file, { timezone: TZ });
    expect(days[0]!.workouts[0]).toMatchObject({ load: 44.6, loadMethod: 'hr_estimate', rawLoad: { value: 75.3, unit: 'banister_trimp' }, avgHr: 150 });
  });

  it('when a session has neither TSS nor HR, then load is the per-sport duration estimate', async () => {
    // cycling: 50 TSS/h × 1.5 h = 75.
    const file = write('dur.fit', fitBytes([session('2024-03-14T07:00:00Z', { sport: 'cycling', totalTimerTime: 5400, totalElapsedTime: 5600 })]));
    const { days } = await importFile(file, { timezone: TZ });
    expect(days[0]!.workouts[0]).toMatchObject({ minutes: 90, load: 75, loadMethod: 'duration_estimate', rawLoad: { value: 90, unit: 'minutes' } });
    expect(days[0]!.metrics).toEqual({ load: 75 });
  });

  it('when a multisport file has two sessions, then both become workouts and the day load is their sum', async () => {
    const file = write(
      'multi.fit',
      fitBytes([
        session('2024-03-15T06:00:00Z', { sport: 'swimming', totalTimerTime: 1800, totalElapsedTime: 1800, trainingStressScore: 30 }),
        session('2024-03-15T06:40:00Z', { sport: 'training', subSport: 'strengthTraining', totalTimerTime: 1800, totalElapsedTime: 1800 }),
      ]),
    );
    const { days } = await importFile(file, { timezone: TZ });
    expect(days[0]!.workouts.map((w) => [w.sport, w.load, w.loadMethod])).toEqual([
      ['swimming', 30, 'tss'],
      ['strength', 20, 'duration_estimate'],
    ]);
    expect(days[0]!.metrics.load).toBe(50);
  });

  it('when a session starts after local midnight but before UTC midnight, then its date is the local day', async () => {
    // 23:30Z on the 15th is 00:30 on the 16th in Paris.
    const file = write('late.fit', fitBytes([session('2024-03-15T23:30:00Z', { sport: 'running', totalTimerTime: 600, totalElapsedTime: 600, trainingStressScore: 10 })]));
    const { days } = await importFile(file, { timezone: TZ });
    expect(days[0]!.date).toBe('2024-03-16');
    expect(days[0]!.workouts[0]!.start).toBe('2024-03-16T00:30:00+01:00');
  });
});

/** RR chunk messages of `n` beats alternating 1000 / 1050 ms (every successive difference is 50 ms). */
function alternatingBeats(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1.0 : 1.05));
}
function hrvMessages(beats: number[]): Mesg[] {
  const out: Mesg[] = [];
  for (let i = 0; i < beats.length; i += 5) out.push({ mesgNum: M.HRV!, time: beats.slice(i, i + 5) });
  return out;
}

describe('FIT import: nightly metrics', () => {
  it('when a rest recording carries beat intervals over a night, then rMSSD lands on the wake-up day with artefacts left out', async () => {
    // Evening (22:30 local on the 9th) and morning (05:00 local on the 10th) chunks both belong to the 10th.
    // 0.25 s is out of range (breaks the chain); 1.6 s is an ectopic jump (> 20%): its two pairs are dropped.
    const evening = [...alternatingBeats(40), 0.25, ...alternatingBeats(30)]; // pairs: 39 + 29 = 68
    const morning = [...alternatingBeats(20), 1.6, ...alternatingBeats(20)]; // pairs: 19 + 0 + 0 + 19 = 38 (+1 joining the evening chain)
    const file = write(
      'night.fit',
      fitBytes([
        { mesgNum: M.EVENT!, timestamp: at('2024-03-09T21:30:00Z'), event: 'timer', eventType: 'start' },
        ...hrvMessages(evening),
        { mesgNum: M.EVENT!, timestamp: at('2024-03-10T04:00:00Z'), event: 'timer', eventType: 'stop' },
        ...hrvMessages(morning),
      ]),
    );
    const { days } = await importFile(file, { timezone: TZ });
    expect(days).toHaveLength(1);
    expect(days[0]!.date).toBe('2024-03-10');
    expect(days[0]!.metrics).toEqual({ hrvRmssd: 50 });
    // evening ends on 1.05 (30 beats, last index odd), morning starts with 1.0: one more clean 50 ms pair.
    expect(days[0]!.raw).toEqual({ fit_rr_rmssd: 50, fit_rr_pairs: 68 + 1 + 38 });
    expect(days[0]!.workouts).toEqual([]);
  });

  it('when beat intervals come with an exercise session, then they are not used as resting HRV and a warning says so', async () => {
    const start = '2024-03-10T06:30:00Z';
    const file = write('exercise-hrv.fit', fitBytes([...hrvMessages(alternatingBeats(200)), session(start, { sport: 'running', totalTimerTime: 600, totalElapsedTime: 600, trainingStressScore: 12 })]));
    const { days, summary } = await importFile(file, { timezone: TZ });
    expect(days[0]!.metrics.hrvRmssd).toBeUndefined();
    expect(summary.fieldsPresent.hrvRmssd).toBe(0);
    expect(summary.warnings.join(' ')).toMatch(/exercise/);
  });

  it('when a file has Garmin HRV status, resting HR and sleep levels, then they become the day metrics', async () => {
    // Local times (UTC+1): light 22:30, deep 23:30, awake 01:00, rem 01:10, light 02:00, awake 06:40.
    // Asleep = 22:30–01:00 (150 min) + 01:10–06:40 (330 min) = 480 min = 8 h, on the wake-up day (the 10th).
    const levels: [string, string][] = [
      ['2024-03-09T21:30:00Z', 'light'],
      ['2024-03-09T22:30:00Z', 'deep'],
      ['2024-03-10T00:00:00Z', 'awake'],
      ['2024-03-10T00:10:00Z', 'rem'],
      ['2024-03-10T01:00:00Z', 'light'],
      ['2024-03-10T05:40:00Z', 'awake'],
    ];
    const file = write(
      'wellness.fit',
      fitBytes([
        ...levels.map(([t, level]) => ({ mesgNum: M.SLEEP_LEVEL!, timestamp: at(t), sleepLevel: level })),
        { mesgNum: M.SLEEP_ASSESSMENT!, overallSleepScore: 82 },
        { mesgNum: M.HRV_STATUS_SUMMARY!, timestamp: at('2024-03-10T05:45:00Z'), lastNightAverage: 48, weeklyAverage: 52 },
        { mesgNum: M.MONITORING_HR_DATA!, timestamp: at('2024-03-09T23:00:00Z'), currentDayRestingHeartRate: 47, restingHeartRate: 50 },
      ]),
    );
    const { days } = await importFile(file, { timezone: TZ });
    expect(days).toEqual([
      {
        source: 'fit',
        date: '2024-03-10',
        metrics: { sleepHours: 8, sleepScore: 82, hrvRmssd: 48, restingHr: 47 },
        raw: { fit_sleep_minutes: 480, fit_hrv_last_night_average: 48, fit_hrv_weekly_average: 52, fit_resting_hr_7d_average: 50 },
        workouts: [],
      },
    ]);
  });
});

describe('FIT import: damaged and non-FIT files', () => {
  const good = fitBytes([session('2024-03-10T06:30:00Z', { sport: 'running', totalTimerTime: 600, totalElapsedTime: 600, trainingStressScore: 12 })]);

  it('when a byte inside the data is flipped, then the import fails with IMPORT.CORRUPT_FIT naming the checksum', async () => {
    const bad = Uint8Array.from(good);
    bad[40] = bad[40]! ^ 0xff;
    const err = await expectImportError(importFile(write('flipped.fit', bad), { timezone: TZ }), 'IMPORT.CORRUPT_FIT');
    expect(err.userMessage).toMatch(/checksum \(CRC\)/);
  });

  it('when the file is cut short, then the import fails with IMPORT.CORRUPT_FIT saying it is truncated', async () => {
    const err = await expectImportError(importFile(write('cut.fit', good.subarray(0, good.length - 20)), { timezone: TZ }), 'IMPORT.CORRUPT_FIT');
    expect(err.userMessage).toMatch(/truncated/);
  });

  it('when a .fit file is not FIT at all, then the import fails with IMPORT.CORRUPT_FIT saying so', async () => {
    const err = await expectImportError(importFile(write('photo.fit', 'this is a text file, not a FIT file at all'), { timezone: TZ }), 'IMPORT.CORRUPT_FIT');
    expect(err.userMessage).toMatch(/not a FIT file/);
  });

  it('when a FIT file without an extension is uploaded, then it is recognised by its header', async () => {
    const { summary } = await importFile(write('upload-123', good), { timezone: TZ });
    expect(summary.format).toBe('fit');
  });

  it('when a .fit file is larger than the in-memory limit, then the import fails with IMPORT.TOO_LARGE without reading it', async () => {
    const file = write('huge.fit', good);
    truncateSync(file, MAX_FIT_BYTES + 1); // sparse: no 64 MB written
    const err = await expectImportError(importFile(file, { timezone: TZ }), 'IMPORT.TOO_LARGE');
    expect(err.userMessage).toMatch(/limit is 64 MB/);
  });

  it('when a FIT file holds neither sessions nor daily metrics, then the import fails with IMPORT.EMPTY', async () => {
    const file = write('empty.fit', fitBytes(records('2024-03-10T06:00:00Z', 10, () => 120)));
    await expectImportError(importFile(file, { timezone: TZ }), 'IMPORT.EMPTY');
  });
});
