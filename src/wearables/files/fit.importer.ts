/**
 * Garmin / Polar / Suunto / Wahoo .fit files, decoded with @garmin/fitsdk.
 *
 * Workouts: one WorkoutRecord per `session` message (start, local day, sport, timer minutes, avg/max HR,
 * distance). Load, in order of preference:
 *   1. the session's own training_stress_score (TSS)                      → 'tss'
 *   2. Banister TRIMP over the HR samples of the `record` messages inside the session, normalised so an
 *      hour at threshold HR is 100 (see load.ts); samples more than 30 s apart count as a pause. Used when
 *      the samples cover ≥ 50% of the timer time; the TRIMP is scaled up to the timer time if the cover is
 *      partial                                                             → 'trimp'
 *   3. the same formula on the session's avg_heart_rate                   → 'hr_estimate'
 *   4. the per-sport duration estimate                                    → 'duration_estimate'
 *
 * Daily metrics, when the file carries them:
 *   - hrv_status_summary.last_night_average (Garmin's overnight rMSSD)   → hrvRmssd on the wake-up day
 *   - hrv messages (beat-to-beat intervals) in a rest recording — a file without sessions, or whose sessions
 *     are all `meditation` / sub-sport `breathing` — give rMSSD = √(mean of squared successive differences):
 *     beats outside 300–2000 ms are dropped and break the chain; pairs differing by more than 20% of the
 *     previous interval are treated as artefacts and left out; at least 60 pairs are needed. Grouped by
 *     the wake-up day of the nearest preceding timestamp. Used only when there is no
 *     hrv_status_summary for that day. Intervals recorded during exercise are not a resting HRV and are
 *     ignored (with a warning).
 *   - monitoring_hr_data.current_day_resting_heart_rate                  → restingHr
 *   - sleep_level messages: time in light/deep/rem until the next level message (gaps > 8 h ignored)
 *                                                                         → sleepHours on the wake-up day
 *   - sleep_assessment.overall_sleep_score                               → sleepScore (file with one night)
 */
import { Decoder, Profile, Stream } from '@garmin/fitsdk';
import type { WorkoutRecord } from '../../core/metrics.ts';
import { DayBook } from './day-book.ts';
import { ImportError } from './import-error.ts';
import type { LocalCalendar } from './local-calendar.ts';
import { durationLoad, round1, round2, trimp, trimpToTss, type HrProfile } from './load.ts';
import { fitSport } from './sport.ts';
import type { ParsedFile } from './types.ts';

/** FIT files are read whole into memory (the SDK decodes from a buffer); real activity files are < 10 MB. */
export const MAX_FIT_BYTES = 64 * 1024 * 1024;
/** HR samples further apart than this are a pause, not effort. */
const MAX_SAMPLE_GAP_S = 30;
const MIN_RR_PAIRS = 60;
const RR_MIN_MS = 300;
const RR_MAX_MS = 2000;
const RR_MAX_CHANGE = 0.2;
const MAX_SLEEP_LEVEL_GAP_MS = 8 * 3_600_000;

export interface FitContext {
  calendar: LocalCalendar;
  hr: HrProfile;
}

type AnyMesg = Record<string, unknown>;

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function timeMs(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : undefined;
  return undefined;
}

/** Checks the header and CRC and throws IMPORT.CORRUPT_FIT naming the problem. */
function validate(bytes: Uint8Array): void {
  if (bytes.length < 14) {
    throw new ImportError('IMPORT.CORRUPT_FIT', `This is not a FIT file: it is only ${bytes.length} bytes long, shorter than a FIT header.`);
  }
  const headerSize = bytes[0]!;
  const signature = String.fromCharCode(bytes[8]!, bytes[9]!, bytes[10]!, bytes[11]!);
  if ((headerSize !== 12 && headerSize !== 14) || signature !== '.FIT') {
    throw new ImportError(
      'IMPORT.CORRUPT_FIT',
      "This is not a FIT file: its header does not carry the '.FIT' signature. Export the original .fit file from your device or its app.",
    );
  }
  const dataSize = bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! * 0x1000000);
  if (bytes.length < headerSize + dataSize + 2) {
    throw new ImportError(
      'IMPORT.CORRUPT_FIT',
      `The FIT file is truncated: its header announces ${headerSize + dataSize + 2} bytes but the file has ${bytes.length}. Download it again.`,
    );
  }
  if (!new Decoder(Stream.fromByteArray(bytes)).checkIntegrity()) {
    throw new ImportError(
      'IMPORT.CORRUPT_FIT',
      'The FIT file is damaged: its checksum (CRC) does not match its contents. Download it again.',
    );
  }
}

interface HrvChunk {
  ts: number | undefined;
  times: unknown;
}

interface RrDay {
  prev: number | null;
  sumSq: number;
  pairs: number;
  beats: number;
}

export function parseFit(bytes: Uint8Array, ctx: FitContext): ParsedFile {
  validate(bytes);
  const { calendar, hr } = ctx;
  const warnings: string[] = [];

  const hrvChunks: HrvChunk[] = [];
  let lastTs: number | undefined;
  let firstTs: number | undefined;
  const { messages, errors } = new Decoder(Stream.fromByteArray(bytes)).read({
    mesgListener: (mesgNum: number, mesg: object) => {
      const ts = timeMs((mesg as AnyMesg).timestamp) ?? timeMs((mesg as AnyMesg).timeCreated);
      if (ts !== undefined) {
        lastTs = ts;
        firstTs ??= ts;
      }
      if (mesgNum === Profile.MesgNum.HRV) hrvChunks.push({ ts: lastTs, times: (mesg as AnyMesg).time });
    },
  });
  if (errors.length > 0) {
    const why = errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
    throw new ImportError('IMPORT.CORRUPT_FIT', `The FIT file could not be decoded (${why}). Download it again.`, { cause: errors[0] });
  }

  const book = new DayBook('fit');
  const fileId = (messages.fileIdMesgs?.[0] ?? {}) as AnyMesg;
  const serial = num(fileId.serialNumber) ?? 0;

  const records = ((messages.recordMesgs ?? []) as AnyMesg[])
    .map((r) => ({ t: timeMs(r.timestamp), hr: num(r.heartRate) }))
    .filter((r): r is { t: number; hr: number | undefined } => r.t !== undefined)
    .sort((a, b) => a.t - b.t);

  const sessions = (messages.sessionMesgs ?? []) as AnyMesg[];
  const isRestSession = (s: AnyMesg) => s.sport === 'meditation' || s.subSport === 'breathing';
  const restRecording = sessions.every(isRestSession);

  sessions.forEach((s, index) => {
    if (isRestSession(s)) return;
    const w = sessionToWorkout(s, index, serial, records, calendar, hr);
    if (w) book.addWorkout(w);
    else warnings.push(`Session ${index + 1} has no start time and was skipped.`);
  });

  // Garmin's own overnight rMSSD.
  for (const m of (messages.hrvStatusSummaryMesgs ?? []) as AnyMesg[]) {
    const ts = timeMs(m.timestamp);
    const v = num(m.lastNightAverage);
    if (ts === undefined || v === undefined || v <= 0) continue;
    const day = calendar.wakeDate(ts);
    book.setMetric(day, 'hrvRmssd', round1(v));
    book.setRaw(day, 'fit_hrv_last_night_average', v);
    const weekly = num(m.weeklyAverage);
    if (weekly !== undefined) book.setRaw(day, 'fit_hrv_weekly_average', weekly);
  }

  // Beat-to-beat intervals.
  if (hrvChunks.length > 0) {
    if (!restRecording) {
      warnings.push('Beat-to-beat (HRV) intervals recorded during exercise were not used: exercise HRV is not a resting rMSSD.');
    } else {
      rmssdFromBeats(hrvChunks, firstTs, calendar, book, warnings);
    }
  }

  for (const m of (messages.monitoringHrDataMesgs ?? []) as AnyMesg[]) {
    const ts = timeMs(m.timestamp);
    const today = num(m.currentDayRestingHeartRate);
    if (ts === undefined || today === undefined || today <= 0) continue;
    const day = calendar.date(ts);
    book.setMetric(day, 'restingHr', today);
    const avg7 = num(m.restingHeartRate);
    if (avg7 !== undefined) book.setRaw(day, 'fit_resting_hr_7d_average', avg7);
  }

  sleepFromLevels((messages.sleepLevelMesgs ?? []) as AnyMesg[], (messages.sleepAssessmentMesgs ?? []) as AnyMesg[], calendar, book, warnings);

  return { days: book.toSourceDays(), warnings };
}

function sessionToWorkout(
  s: AnyMesg,
  index: number,
  serial: number,
  records: { t: number; hr: number | undefined }[],
  calendar: LocalCalendar,
  hrProfile: HrProfile,
): WorkoutRecord | undefined {
  const elapsed = num(s.totalElapsedTime);
  const timer = num(s.totalTimerTime) ?? elapsed;
  const end = timeMs(s.timestamp);
  const start = timeMs(s.startTime) ?? (end !== undefined && elapsed !== undefined ? end - elapsed * 1000 : undefined);
  if (start === undefined) return undefined;
  const spanEnd = start + (elapsed ?? timer ?? 0) * 1000;
  const inside = records.filter((r) => r.t >= start && r.t <= spanEnd);

  // HR over the samples: each sample holds until the next one, unless they are > 30 s apart.
  let trimpSum = 0;
  let covered = 0;
  let hrWeighted = 0;
  let hrMax: number | undefined;
  for (let i = 0; i < inside.length; i++) {
    const r = inside[i]!;
    if (r.hr === undefined) continue;
    hrMax = Math.max(hrMax ?? 0, r.hr);
    const next = inside[i + 1];
    const dt = next ? (next.t - r.t) / 1000 : 0;
    if (dt <= 0 || dt > MAX_SAMPLE_GAP_S) continue;
    trimpSum += trimp(r.hr, dt / 60, hrProfile);
    hrWeighted += r.hr * dt;
    covered += dt;
  }

  const timerS = timer ?? (inside.length > 1 ? (inside[inside.length - 1]!.t - inside[0]!.t) / 1000 : 0);
  const minutes = round2(timerS / 60);
  const sport = fitSport(s.sport, s.subSport);
  const avgHr = num(s.avgHeartRate) ?? (covered > 0 ? Math.round(hrWeighted / covered) : undefined);
  const maxHr = num(s.maxHeartRate) ?? hrMax;

  const w: WorkoutRecord = {
    source: 'fit',
    externalId: `fit:${serial}:${Math.round(start / 1000)}:${index}`,
    date: calendar.date(start),
    start: calendar.iso(start),
    minutes,
    load: 0,
    loadMethod: 'duration_estimate',
  };
  if (sport) w.sport = sport;

  const tss = num(s.trainingStressScore);
  if (tss !== undefined && tss > 0) {
    w.load = round1(tss);
    w.loadMethod = 'tss';
    w.rawLoad = { value: tss, unit: 'tss' };
  } else if (covered > 0 && covered >= 0.5 * timerS) {
    const scaled = trimpSum * Math.max(1, timerS / covered);
    w.load = round1(trimpToTss(scaled, hrProfile));
    w.loadMethod = 'trimp';
    w.rawLoad = { value: round1(scaled), unit: 'banister_trimp' };
  } else if (avgHr !== undefined && minutes > 0) {
    const t = trimp(avgHr, minutes, hrProfile);
    w.load = round1(trimpToTss(t, hrProfile));
    w.loadMethod = 'hr_estimate';
    w.rawLoad = { value: round1(t), unit: 'banister_trimp' };
  } else {
    w.load = round1(durationLoad(minutes, sport));
    w.rawLoad = { value: minutes, unit: 'minutes' };
  }
  if (avgHr !== undefined) w.avgHr = avgHr;
  if (maxHr !== undefined) w.maxHr = maxHr;
  const distance = num(s.totalDistance);
  if (distance !== undefined) w.distanceM = round1(distance);
  return w;
}

function rmssdFromBeats(chunks: HrvChunk[], firstTs: number | undefined, calendar: LocalCalendar, book: DayBook, warnings: string[]): void {
  const byDay = new Map<string, RrDay>();
  for (const c of chunks) {
    const ts = c.ts ?? firstTs;
    if (ts === undefined || !Array.isArray(c.times)) continue;
    const day = calendar.wakeDate(ts);
    let acc = byDay.get(day);
    if (!acc) byDay.set(day, (acc = { prev: null, sumSq: 0, pairs: 0, beats: 0 }));
    for (const v of c.times) {
      const rr = typeof v === 'number' ? v * 1000 : NaN;
      if (!(rr >= RR_MIN_MS && rr <= RR_MAX_MS)) {
        acc.prev = null;
        continue;
      }
      acc.beats++;
      if (acc.prev !== null && Math.abs(rr - acc.prev) <= RR_MAX_CHANGE * acc.prev) {
        acc.sumSq += (rr - acc.prev) ** 2;
        acc.pairs++;
      }
      acc.prev = rr;
    }
  }
  for (const [day, acc] of byDay) {
    if (acc.pairs < MIN_RR_PAIRS) {
      warnings.push(`${day}: only ${acc.pairs} clean beat-to-beat pairs (need ${MIN_RR_PAIRS}); no rMSSD computed.`);
      continue;
    }
    const rmssd = round1(Math.sqrt(acc.sumSq / acc.pairs));
    book.setRaw(day, 'fit_rr_rmssd', rmssd);
    book.setRaw(day, 'fit_rr_pairs', acc.pairs);
    if (book.getMetric(day, 'hrvRmssd') === undefined) book.setMetric(day, 'hrvRmssd', rmssd);
  }
}

function sleepFromLevels(levels: AnyMesg[], assessments: AnyMesg[], calendar: LocalCalendar, book: DayBook, warnings: string[]): void {
  const seq = levels
    .map((m) => ({ t: timeMs(m.timestamp), level: m.sleepLevel }))
    .filter((m): m is { t: number; level: unknown } => m.t !== undefined)
    .sort((a, b) => a.t - b.t);
  const minutesByDay = new Map<string, number>();
  for (let i = 0; i + 1 < seq.length; i++) {
    const cur = seq[i]!;
    const next = seq[i + 1]!;
    if (cur.level !== 'light' && cur.level !== 'deep' && cur.level !== 'rem') continue;
    if (next.t - cur.t > MAX_SLEEP_LEVEL_GAP_MS) continue;
    const day = calendar.wakeDate(next.t);
    minutesByDay.set(day, (minutesByDay.get(day) ?? 0) + (next.t - cur.t) / 60_000);
  }
  for (const [day, minutes] of minutesByDay) {
    book.setMetric(day, 'sleepHours', round2(minutes / 60));
    book.setRaw(day, 'fit_sleep_minutes', round1(minutes));
  }
  const score = assessments.map((a) => num(a.overallSleepScore)).find((v) => v !== undefined && v >= 0 && v <= 100);
  if (score === undefined) return;
  const nights = new Set(seq.map((m) => calendar.wakeDate(m.t)));
  if (nights.size === 1) {
    const day = [...nights][0]!;
    book.setMetric(day, 'sleepScore', score);
  } else {
    warnings.push('A sleep score was found but could not be tied to exactly one night; it was not imported.');
  }
}
