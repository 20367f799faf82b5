/**
 * What a wearable and an athlete would report: measurement noise, days the wearable is not worn, session
 * RPE (CR-10) and soreness reports, wellness check-in and sport tests, in the canonical DailyObservation.
 *
 * Bulk values (hrv, rhr, sleep, rpe, soreness) are generated in the step loop into typed arrays with a
 * fixed number of draws per athlete-day. Wellness and test results are built on demand in observe(i) from a
 * stateless hash of (seed, athlete, day), so they never depend on which athletes were observed.
 */
import { hashNormal, type Rng } from './rng.ts';
import type { TwinBatch } from './dynamics.ts';
import { SESSION_TYPES, type DailyObservation, type Wellness } from './types.ts';
import { markerFromPerformance, toTestResult } from './params.ts';

export interface NoiseConfig {
  /** SD of ln rMSSD measurement error (typical error of resting lnRMSSD ≈ 12 %, Buchheit 2014). */
  hrvNoiseSd: number;
  /** SD of resting HR measurement error, bpm. */
  rhrNoiseSd: number;
  /** SD of the wearable's sleep-duration error, hours. */
  sleepNoiseSd: number;
  /** SD of the sleep score error, points. */
  sleepScoreNoiseSd: number;
  /** SD of reported session RPE around its expectation (before rounding), CR-10 points. */
  rpeNoiseSd: number;
  /** SD of reported soreness around its expectation (before rounding), 1–5 scale points. */
  sorenessNoiseSd: number;
  /** SD of wellness items (before rounding). */
  wellnessNoiseSd: number;
}

export const DEFAULT_NOISE: Readonly<NoiseConfig> = Object.freeze({
  hrvNoiseSd: 0.12,
  rhrNoiseSd: 3,
  sleepNoiseSd: 0.3,
  sleepScoreNoiseSd: 4,
  rpeNoiseSd: 0.8,
  sorenessNoiseSd: 0.5,
  wellnessNoiseSd: 0.6,
});

export interface ObservationConfig {
  /** Measurement noise on (false: observations equal the truth). */
  noise: boolean;
  /** Probability that the wearable is not worn on a day (no HRV, RHR, sleep). */
  missingRate: number;
  /** Probability that the athlete gives no feedback (no RPE, soreness, wellness). */
  feedbackMissingRate: number;
  noiseConfig: NoiseConfig;
}

const clampRound = (x: number, lo: number, hi: number): number => {
  const r = Math.round(x);
  return r < lo ? lo : r > hi ? hi : r;
};

/** Bulk observation buffers. `m*` = the coming morning, `d*` = the last simulated day. */
export class ObservationBuffers {
  readonly n: number;
  mHrv: Float32Array;
  mRhr: Float32Array;
  mSleep: Float32Array;
  mSleepScore: Float32Array;
  mSoreness: Float32Array;
  mWorn: Uint8Array;
  mFeedback: Uint8Array;
  dHrv: Float32Array;
  dRhr: Float32Array;
  dSleep: Float32Array;
  dSleepScore: Float32Array;
  dSoreness: Float32Array;
  dWorn: Uint8Array;
  dFeedback: Uint8Array;
  /** Reported session RPE of the last simulated day (NaN: rest day or not reported). */
  readonly rpe: Float32Array;

  constructor(n: number) {
    this.n = n;
    this.mHrv = new Float32Array(n);
    this.mRhr = new Float32Array(n);
    this.mSleep = new Float32Array(n);
    this.mSleepScore = new Float32Array(n);
    this.mSoreness = new Float32Array(n);
    this.mWorn = new Uint8Array(n);
    this.mFeedback = new Uint8Array(n);
    this.dHrv = new Float32Array(n).fill(NaN);
    this.dRhr = new Float32Array(n).fill(NaN);
    this.dSleep = new Float32Array(n).fill(NaN);
    this.dSleepScore = new Float32Array(n).fill(NaN);
    this.dSoreness = new Float32Array(n).fill(NaN);
    this.dWorn = new Uint8Array(n);
    this.dFeedback = new Uint8Array(n);
    this.rpe = new Float32Array(n).fill(NaN);
  }

  /** Noisy morning readings of the coming day. Draws per athlete (rng given): 2 uniforms + 5 normals. */
  fillMorning(b: TwinBatch, rng: Rng | null, cfg: ObservationConfig): void {
    const { lnHrv, rhr, sleep, sleepScore, soreM } = b;
    const nc = cfg.noiseConfig;
    const noisy = cfg.noise && rng !== null;
    const { mHrv, mRhr, mSleep, mSleepScore, mSoreness, mWorn, mFeedback } = this;
    for (let i = 0; i < this.n; i++) {
      let uW = 1;
      let uF = 1;
      let z1 = 0;
      let z2 = 0;
      let z3 = 0;
      let z4 = 0;
      let z5 = 0;
      if (rng !== null) {
        uW = rng.uniform();
        uF = rng.uniform();
        z1 = rng.normal();
        z2 = rng.normal();
        z3 = rng.normal();
        z4 = rng.normal();
        z5 = rng.normal();
      }
      if (!noisy) {
        z1 = z2 = z3 = z4 = z5 = 0;
      }
      const worn = uW >= cfg.missingRate ? 1 : 0;
      const fb = uF >= cfg.feedbackMissingRate ? 1 : 0;
      mWorn[i] = worn;
      mFeedback[i] = fb;
      if (worn) {
        mHrv[i] = Math.exp(lnHrv[i]! + nc.hrvNoiseSd * z1);
        mRhr[i] = rhr[i]! + nc.rhrNoiseSd * z2;
        let s = sleep[i]! + nc.sleepNoiseSd * z3;
        if (s < 0) s = 0;
        mSleep[i] = s;
        let sc = sleepScore[i]! + nc.sleepScoreNoiseSd * z4;
        sc = sc < 0 ? 0 : sc > 100 ? 100 : sc;
        mSleepScore[i] = Math.round(sc);
      } else {
        mHrv[i] = NaN;
        mRhr[i] = NaN;
        mSleep[i] = NaN;
        mSleepScore[i] = NaN;
      }
      mSoreness[i] = fb ? clampRound(soreM[i]! + nc.sorenessNoiseSd * z5, 1, 5) : NaN;
    }
  }

  /** Reported session RPE of the day just simulated. Draws per athlete (rng given): 1 normal. */
  fillSession(b: TwinBatch, rng: Rng | null, cfg: ObservationConfig): void {
    const { rpeExp } = b;
    const nc = cfg.noiseConfig;
    const noisy = cfg.noise && rng !== null;
    const fbArr = this.mFeedback; // feedback availability belongs to the day (decided in its morning)
    for (let i = 0; i < this.n; i++) {
      let z = rng !== null ? rng.normal() : 0;
      if (!noisy) z = 0;
      const e = rpeExp[i]!;
      this.rpe[i] = e === e && fbArr[i] ? clampRound(e + nc.rpeNoiseSd * z, 1, 10) : NaN;
    }
  }

  /** The coming morning becomes the last simulated day. */
  swapDay(): void {
    let f = this.dHrv;
    this.dHrv = this.mHrv;
    this.mHrv = f;
    f = this.dRhr;
    this.dRhr = this.mRhr;
    this.mRhr = f;
    f = this.dSleep;
    this.dSleep = this.mSleep;
    this.mSleep = f;
    f = this.dSleepScore;
    this.dSleepScore = this.mSleepScore;
    this.mSleepScore = f;
    f = this.dSoreness;
    this.dSoreness = this.mSoreness;
    this.mSoreness = f;
    let u = this.dWorn;
    this.dWorn = this.mWorn;
    this.mWorn = u;
    u = this.dFeedback;
    this.dFeedback = this.mFeedback;
    this.mFeedback = u;
  }
}

/** ISO date (yyyy-mm-dd) `day` days after `start`. */
export function addDays(start: string, day: number): string {
  const t = Date.parse(`${start}T00:00:00Z`);
  const base = Number.isFinite(t) ? t : Date.UTC(2025, 0, 6);
  return new Date(base + day * 86_400_000).toISOString().slice(0, 10);
}

const num = (x: number): number | undefined => (x === x ? Math.round(x * 100) / 100 : undefined);

/** Wellness check-in (1–5, 5 best) built from the day's truth with hashed noise. */
export function wellnessFor(b: TwinBatch, i: number, day: number, seed: number, nc: NoiseConfig, noisy: boolean): Wellness {
  const z = (k: number): number => (noisy ? nc.wellnessNoiseSd * hashNormal(seed, i, day, 10 + k) : 0);
  const dev = b.dayLnHrv[i]! - b.lnBase[i]!;
  const stress = b.stress[i]!;
  const sleepQ = 1 + (4 * b.daySleepScore[i]!) / 100;
  const soreness = b.daySoreM[i]!;
  return {
    sleepQuality: clampRound(sleepQ + z(0), 1, 5),
    fatigue: clampRound(expectedWellnessFatigue(dev) + z(1), 1, 5),
    stress: clampRound(4.6 - 2 * stress + z(2), 1, 5),
    mood: clampRound(4.2 + 3 * Math.min(0, dev) - stress + z(3), 1, 5),
    soreness: clampRound(6 - soreness + z(4), 1, 5),
  };
}

/** Expected wellness "fatigue" item (5 = fresh) from the HRV deviation from baseline (ln units). */
export function expectedWellnessFatigue(dev: number): number {
  return 4.5 + 10 * (dev < 0.05 ? dev : 0.05);
}

export interface ObserveContext {
  seed: number;
  startDate: string;
  cfg: ObservationConfig;
  testEveryDays: number;
}

/** Canonical observation of the last simulated day `day` for athlete i. */
export function buildObservation(b: TwinBatch, o: ObservationBuffers, i: number, day: number, ctx: ObserveContext): DailyObservation {
  const obs: DailyObservation = { date: addDays(ctx.startDate, day) };
  if (o.dWorn[i]) {
    const hrv = num(o.dHrv[i]!);
    const rhr = num(o.dRhr[i]!);
    const sl = num(o.dSleep[i]!);
    const sc = num(o.dSleepScore[i]!);
    if (hrv !== undefined) obs.hrvRmssd = hrv;
    if (rhr !== undefined) obs.restingHr = rhr;
    if (sl !== undefined) obs.sleepHours = sl;
    if (sc !== undefined) obs.sleepScore = sc;
  }
  const t = b.type[i]!;
  obs.sessionType = SESSION_TYPES[t]!;
  obs.minutes = Math.round(b.minutes[i]! * 100) / 100;
  obs.load = Math.round(b.load[i]! * 100) / 100;
  obs.completion = b.overridden[i] ? 'skipped' : 'done';
  const rpe = o.rpe[i]!;
  if (rpe === rpe) obs.rpe = rpe;
  const sor = o.dSoreness[i]!;
  if (sor === sor) obs.soreness = sor;
  const noisy = ctx.cfg.noise;
  if (o.dFeedback[i]) obs.wellness = wellnessFor(b, i, day, ctx.seed, ctx.cfg.noiseConfig, noisy);
  if (b.dayIll[i]! > 0 || b.illEvent[i]) obs.illness = true;
  if (b.injEvent[i] || b.injuredDay[i]) obs.injury = true;
  if (ctx.testEveryDays > 0 && (day + 1) % ctx.testEveryDays === 0 && !b.injuredDay[i] && b.dayIll[i] === 0) {
    obs.testResult = toTestResult(b.params[i]!.sport, testValue(b, i, day, ctx.seed, noisy));
  }
  return obs;
}

/**
 * Acute performance penalty (%) of a short night: linear from 0 at 6.5 h to −7.6 % at ≤ 5 h (Craven 2022
 * meta-analysis: −7.6 % on average after acute sleep loss ≤ 6 h). `trainableRange` is kept for API stability.
 */
export function sleepPenaltyPct(sleepHours: number, _trainableRange?: number): number {
  let f = (6.5 - sleepHours) / 1.5;
  f = f < 0 ? 0 : f > 1 ? 1 : f;
  return -7.6 * f;
}

/** Sport test value after the last simulated day (truth + acute sleep effect + test noise). */
export function testValue(b: TwinBatch, i: number, day: number, seed: number, noisy: boolean): number {
  const p = b.params[i]!;
  const perf = b.perf[i]! + sleepPenaltyPct(b.daySleep[i]!, p.trainableRange);
  const z = noisy ? hashNormal(seed, i, day, 99) : 0;
  const v = markerFromPerformance(p, perf) * Math.exp(p.testNoiseCv * z);
  return Math.round(v * 100) / 100;
}
