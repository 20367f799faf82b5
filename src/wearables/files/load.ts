/**
 * Workout load on the TSS scale (one hour at threshold = 100) when the file carries no TSS of its own.
 * The assumptions are written out here and in README.md; every estimate keeps its raw value and method.
 *
 * 1. Heart rate → "hrTSS" by Banister's TRIMP, normalised to the threshold hour:
 *      x = (HR − HRrest) / (HRmax − HRrest), clamped to [0, 1]          (heart-rate reserve fraction)
 *      TRIMP = Σ minutes · x · 0.64 · e^(1.92·x)                         (Banister 1991, men's weighting)
 *      load  = 100 · TRIMP / TRIMP(60 min at threshold HR)
 *    so one hour at threshold HR is exactly 100, like TSS. The 0.64 factor cancels in the ratio; only the
 *    exponent 1.92 shapes the curve (women's 1.67 would change loads by a few percent).
 *    From a sample stream (FIT records) the sum runs over samples ('trimp'); from an average HR only
 *    (Apple workouts, FIT sessions without records) the same formula uses the average ('hr_estimate'),
 *    which underestimates uneven sessions because the weighting is convex.
 * 2. Nothing but duration → a per-sport "TSS per hour at unknown intensity" (DURATION_TSS_PER_HOUR), rough
 *    population guesses for steady, moderate sessions ('duration_estimate').
 * 3. CSV session-RPE: load = RPE (CR-10) × minutes / 4.5 (Foster sRPE ≈ 4.5 × TSS, see docs/domain.md) ('srpe').
 */
import { ImportError } from './import-error.ts';

export interface HrProfile {
  maxHr: number;
  restingHr: number;
  /** Lactate-threshold heart rate. */
  thresholdHr: number;
}

/** Defaults when the athlete has told us nothing: HRmax 190, HRrest 60, threshold 90% of HRmax. */
export const DEFAULT_MAX_HR = 190;
export const DEFAULT_RESTING_HR = 60;
export const DEFAULT_THRESHOLD_FRACTION = 0.9;

export function resolveHrProfile(partial: Partial<HrProfile> = {}): HrProfile {
  const maxHr = partial.maxHr ?? DEFAULT_MAX_HR;
  const restingHr = partial.restingHr ?? DEFAULT_RESTING_HR;
  const thresholdHr = partial.thresholdHr ?? Math.round(DEFAULT_THRESHOLD_FRACTION * maxHr);
  const ok = [maxHr, restingHr, thresholdHr].every((v) => Number.isFinite(v) && v > 0) && restingHr < thresholdHr && thresholdHr < maxHr;
  if (!ok) {
    throw new ImportError(
      'IMPORT.INVALID_OPTIONS',
      `Heart-rate profile must satisfy resting < threshold < max (got resting ${restingHr}, threshold ${thresholdHr}, max ${maxHr}).`,
    );
  }
  return { maxHr, restingHr, thresholdHr };
}

function weightedReserve(hr: number, p: HrProfile): number {
  const x = Math.min(1, Math.max(0, (hr - p.restingHr) / (p.maxHr - p.restingHr)));
  return x * 0.64 * Math.exp(1.92 * x);
}

/** Banister TRIMP for `minutes` at heart rate `hr`. */
export function trimp(hr: number, minutes: number, p: HrProfile): number {
  return minutes * weightedReserve(hr, p);
}

/** TRIMP of one hour at threshold heart rate: the 100-point reference. */
export function thresholdHourTrimp(p: HrProfile): number {
  return trimp(p.thresholdHr, 60, p);
}

export function trimpToTss(trimpValue: number, p: HrProfile): number {
  return (100 * trimpValue) / thresholdHourTrimp(p);
}

/** TSS per hour when only the duration is known. Keys are canonical sport names (see sport.ts). */
export const DURATION_TSS_PER_HOUR: Readonly<Record<string, number>> = {
  running: 60,
  cycling: 50,
  swimming: 50,
  rowing: 55,
  cross_country_skiing: 60,
  hiking: 35,
  walking: 25,
  strength: 40,
  yoga: 20,
  default: 50,
};

export function durationTssPerHour(sport: string | undefined): number {
  return DURATION_TSS_PER_HOUR[sport ?? 'default'] ?? DURATION_TSS_PER_HOUR.default!;
}

export function durationLoad(minutes: number, sport: string | undefined): number {
  return (minutes / 60) * durationTssPerHour(sport);
}

/** Foster session-RPE (CR-10 × minutes) → TSS scale. */
export const SRPE_PER_TSS = 4.5;

export const round1 = (v: number): number => Math.round(v * 10) / 10;
export const round2 = (v: number): number => Math.round(v * 100) / 100;
