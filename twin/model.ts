/**
 * Model constants shared by the dynamics, the calibration and the what-if engine.
 * Tables are indexed like SESSION_TYPES: [REST, ACTIVE_RECOVERY, ENDURANCE, TEMPO, INTERVALS, STRENGTH].
 * Sources and reasoning: twin/README.md.
 */
import type { Sport } from './types.ts';

export const N_TYPES = 6;
export const T_REST = 0;
export const T_ACTIVE_RECOVERY = 1;
export const T_ENDURANCE = 2;
export const T_TEMPO = 3;
export const T_INTERVALS = 4;
export const T_STRENGTH = 5;

/** Fraction of a session's load that feeds the high-intensity fatigue channel (rest feeds the low one). */
export const SPLIT_HIGH = Float64Array.of(0, 0, 0.05, 0.5, 0.9, 0.8);
/** HRV suppression per 100 load points, relative to TEMPO (intensity matters, not only load). */
export const HRV_INTENSITY = Float64Array.of(0, 0.6, 0.8, 1.0, 1.4, 0.9);
/** Share of the HRV impulse that goes to the slow (≈1.6 d) compartment rather than the fast (≈0.6 d) one. */
export const HRV_SLOW_FRACTION = Float64Array.of(0, 0, 0.1, 0.5, 0.9, 0.6);
/** Neuromuscular / soreness stress per 100 load points (scaled by the sport's impact). */
export const NEURO = Float64Array.of(0, 0.1, 0.4, 0.6, 1.0, 1.6);
/** Injury exposure per hour (scaled by the sport's impact). */
export const INJURY_EXPOSURE = Float64Array.of(0, 0.3, 0.7, 1.0, 1.5, 1.2);
/** Session RPE (CR-10) of a 60-minute session on a fresh day, for an athlete with no bias. */
export const RPE_BASE = Float64Array.of(0, 2, 3.5, 5.5, 7.5, 6.5);
/** Hard sessions (threshold or above, heavy strength): same as HARD_SESSIONS in types.ts. */
export const HARD = Uint8Array.of(0, 0, 0, 1, 1, 1);

export const SPORT_CODES: Readonly<Record<Sport, number>> = Object.freeze({ running: 0, cycling: 1, sprint400: 2, team: 3 });

/**
 * Sport specificity of the fitness impulse per session type (how much one load point builds the sport's
 * test performance). Endurance sports gain most from ENDURANCE/TEMPO/INTERVALS; the 400 m and team sports
 * from INTERVALS and STRENGTH.
 */
export const SPORT_SPEC: Readonly<Record<Sport, Float64Array>> = Object.freeze({
  running: Float64Array.of(0, 0.5, 1.0, 1.15, 1.35, 0.5),
  cycling: Float64Array.of(0, 0.5, 1.0, 1.15, 1.35, 0.35),
  sprint400: Float64Array.of(0, 0.3, 0.6, 0.9, 1.6, 1.3),
  team: Float64Array.of(0, 0.4, 0.85, 1.0, 1.45, 1.0),
});
/** Impact factor: injury exposure and soreness relative to running. */
export const SPORT_IMPACT: Readonly<Record<Sport, number>> = Object.freeze({ running: 1.0, cycling: 0.35, sprint400: 1.3, team: 1.2 });
/** Trainable range S (%): marker gain at the capacity load vs fully detrained, median per sport. */
export const SPORT_TRAINABLE: Readonly<Record<Sport, number>> = Object.freeze({ running: 18, cycling: 24, sprint400: 6, team: 45 });

/** Ratio of the high- to the low-intensity channel's quadratic fatigue coefficient (B_H = β·B_L). */
export const HIGH_CHANNEL_BETA = 3;

/** One day of a weekly template: session type index and share of the weekly load. */
export interface DayTemplate {
  type: number;
  share: number;
}
/** Typical week of endurance sports (Mon…Sun): rest, 2 hard days (INTERVALS, TEMPO), easy endurance. */
export const ENDURANCE_WEEK: readonly DayTemplate[] = Object.freeze([
  { type: T_REST, share: 0 },
  { type: T_INTERVALS, share: 0.18 },
  { type: T_ENDURANCE, share: 0.14 },
  { type: T_ENDURANCE, share: 0.12 },
  { type: T_TEMPO, share: 0.16 },
  { type: T_ENDURANCE, share: 0.24 },
  { type: T_ENDURANCE, share: 0.16 },
]);
/** Typical week of the 400 m and team sports: rest, 2 hard days (INTERVALS, STRENGTH), easy work. */
export const POWER_WEEK: readonly DayTemplate[] = Object.freeze([
  { type: T_REST, share: 0 },
  { type: T_INTERVALS, share: 0.22 },
  { type: T_ENDURANCE, share: 0.14 },
  { type: T_ACTIVE_RECOVERY, share: 0.1 },
  { type: T_STRENGTH, share: 0.2 },
  { type: T_ENDURANCE, share: 0.18 },
  { type: T_ENDURANCE, share: 0.16 },
]);
/** The habitual week the twin starts from (periodic steady state) and that scales the Busso gains. */
export function habitualWeek(sport: Sport): readonly DayTemplate[] {
  return sport === 'sprint400' || sport === 'team' ? POWER_WEEK : ENDURANCE_WEEK;
}

/**
 * Periodic steady state of x_d = a·x_{d−1} + in_d with a 7-day periodic input: the value at the end of each
 * weekday d = 0…6 (exact, closed form).
 */
export function periodicEnd(a: number, inputs: ArrayLike<number>): Float64Array {
  const out = new Float64Array(7);
  let s = 0;
  for (let d = 0; d < 7; d++) s = a * s + inputs[d]!;
  let x = s / (1 - Math.pow(a, 7));
  for (let d = 0; d < 7; d++) {
    x = a * x + inputs[d]!;
    out[d] = x;
  }
  return out;
}

// EWMA constants
export const K_ATL = 1 - Math.exp(-1 / 7);
export const K_CTL = 1 - Math.exp(-1 / 42);
export const L_ACUTE = 2 / (7 + 1);
export const L_CHRONIC = 2 / (28 + 1);
export const D_SORENESS = Math.exp(-1 / 1.5);
export const D_STRESS = Math.exp(-1 / 3);
export const D_SLEEP_DEBT = Math.exp(-1 / 2);

// HRV (ln rMSSD) fixed coefficients
/** + ln units per 100 CTL points above the starting CTL (fitter → higher vagal tone). */
export const HRV_FIT = 0.1;
/** − ln units per 100 points of ATL above CTL (overreaching). */
export const HRV_OVERREACH = 0.15;
export const HRV_STRESS = 0.15;
export const HRV_ILL = 0.15;

// Resting HR fixed coefficients (bpm)
export const RHR_FIT = -3; // per 100 CTL points above start
export const RHR_OVERREACH = 4; // per 100 points ATL above CTL
export const RHR_STRESS = 3;
export const RHR_ILL = 6;

// RPE
/** RPE points per 1.0 ln-unit of current HRV suppression (hrvSens × X). */
export const RPE_FATIGUE = 6;
/** RPE points per doubling of duration around 60 minutes. */
export const RPE_DURATION = 1.0;
export const RPE_SLEEP_DEBT = 0.2;

// Risk model (daily hazards)
/** ln RR per unit of ACWR above 1 (Hulin 2014: RR≈4.5 at ACWR≈2.25 vs ≤1; Warren 2018: ≈1.7 at 1.42). */
export const RISK_ACWR = 1.2;
/** ln RR per unit of chronic/capacity, capped at 1.5 (Warren 2018: high chronic load RR 0.35). */
export const RISK_CHRONIC = 0.7;
export const RISK_MONOTONY = 0.25;
export const RISK_MONOTONY_FREE = 1.5;
/** ln RR per 0.1 ln-rMSSD of suppression (beyond a 0.05 tolerance) when training hard. */
export const RISK_HRV = 0.25;
/** ln RR per consecutive previous hard day (counted up to RISK_HARD_STREAK_CAP) when training hard again. */
export const RISK_HARD_STREAK = 0.2;
export const RISK_HARD_STREAK_CAP = 3;
export const ILL_STRESS = 0.8;
export const ILL_SLEEP_DEBT = 0.15;
export const ILL_ACWR = 0.6;
export const ILL_MONOTONY = 0.3;
export const ILL_HRV = 0.2;
export const HAZARD_CAP = 0.5;
/** Mean extra days of injury (3 + Exp(9) floored) and illness (2 + Exp(3) floored). */
export const INJURY_MIN_DAYS = 3;
export const INJURY_MEAN_EXTRA = 9;
export const ILLNESS_MIN_DAYS = 2;
export const ILLNESS_MEAN_EXTRA = 3;

/** Morning ln rMSSD (truth, before measurement noise). Shared by dynamics and calibration. */
export function morningLnHrv(
  lnBase: number,
  hrvSens: number,
  x: number,
  ctlDelta: number,
  tsbNeg: number,
  stress: number,
  ill: number,
): number {
  return lnBase + (HRV_FIT * ctlDelta) / 100 - hrvSens * x - (HRV_OVERREACH * tsbNeg) / 100 - HRV_STRESS * stress - HRV_ILL * ill;
}

/** Morning resting HR (truth). Shared by dynamics and calibration. */
export function morningRhr(
  rhrBase: number,
  rhrSens: number,
  x: number,
  ctlDelta: number,
  tsbNeg: number,
  stress: number,
  ill: number,
): number {
  return rhrBase + (RHR_FIT * ctlDelta) / 100 + rhrSens * x + (RHR_OVERREACH * tsbNeg) / 100 + RHR_STRESS * stress + RHR_ILL * ill;
}

/** Expected session RPE (before noise and rounding); NaN for REST. */
export function expectedRpe(type: number, minutes: number, rpeBias: number, suppression: number, sleepDebt: number): number {
  if (type === T_REST) return NaN;
  const m = minutes > 10 ? minutes : 10;
  return RPE_BASE[type]! + RPE_DURATION * Math.log2(m / 60) + rpeBias + RPE_FATIGUE * suppression + RPE_SLEEP_DEBT * sleepDebt;
}

/** Readiness factor on the fitness impulse: hard work on a suppressed day adapts less. */
export function readinessFactor(readinessGain: number, supp: number, highShare: number): number {
  const f = 1 - readinessGain * supp * highShare;
  return f < 0.2 ? 0.2 : f;
}

/** Suppression beyond tolerance, in units of 0.1 ln rMSSD: max(0, −dev − 0.05)/0.1. */
export function suppressionUnits(dev: number): number {
  const s = -dev - 0.05;
  return s > 0 ? s * 10 : 0;
}
