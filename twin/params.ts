/**
 * Per-athlete parameters, the seeded population generator and the sport performance markers.
 * Literature ranges: docs/domain.md; derivations in twin/README.md.
 */
import { Rng } from './rng.ts';
import { LEVELS, SPORTS, type Level, type Sport, type TestResult } from './types.ts';
import { HIGH_CHANNEL_BETA, SPLIT_HIGH, SPORT_SPEC, SPORT_TRAINABLE, habitualWeek, periodicEnd } from './model.ts';

export interface AthleteParams {
  id: string;
  sport: Sport;
  level: Level;
  /** Daily load (TSS/day) the athlete can sustain as a habit; scales plans, risk and the dose optimum. */
  capacityLoad: number;
  /** Daily load of the habitual equilibrium the twin starts from (day 0). */
  initialLoad: number;
  /** Busso fitness / fatigue / fatigue-gain time constants (days). */
  tau1: number;
  tau2: number;
  tau3: number;
  /** Fitness gain: performance % per unit of fitness g (load-days). */
  k1: number;
  /** Busso k3 per fatigue channel: growth of the fatigue gain per load point (low / high intensity). */
  k3Low: number;
  k3High: number;
  /** Constant daily dose (habitual mix) that maximises steady-state performance, as a multiple of capacityLoad. */
  optimalLoadMultiple: number;
  /** Trainable range S (%): performance at the capacity load vs fully detrained. */
  trainableRange: number;
  /** Fraction of the fitness impulse of hard work lost per 0.1 ln-rMSSD of suppression. */
  readinessGain: number;
  /** Sport test value (sport units) at the day-0 state. */
  markerBase: number;
  /** Test-to-test noise of the sport test (coefficient of variation). */
  testNoiseCv: number;
  /** ln rMSSD (ms) when fully recovered (no training suppression). */
  lnRmssdBase: number;
  /** ln rMSSD drop per unit of the HRV load compartments (≈ per 100 TSS at TEMPO intensity). */
  hrvSens: number;
  /** HRV recovery time constants (days) of the fast and slow compartments. */
  hrvTauFast: number;
  hrvTauSlow: number;
  /** Resting HR (bpm) when fully recovered, and bpm rise per unit of the HRV load compartments. */
  rhrBase: number;
  rhrSens: number;
  /** Sleep need and habitual sleep (hours). */
  sleepNeed: number;
  sleepBase: number;
  /** Personal offset of session RPE (CR-10 points). */
  rpeBias: number;
  /** Soreness report per unit of neuromuscular state (1–5 scale points). */
  sorenessSens: number;
  /** Injury hazard per exposure hour at reference conditions. */
  injuryRate: number;
  /** Illness hazard per day at reference conditions. */
  illnessRate: number;
  /** Daily probability of a life-stress shock and of a sleep-loss night. */
  lifeStressRate: number;
  sleepShockRate: number;
}

export interface SportMarker {
  test: string;
  unit: string;
  higherIsBetter: boolean;
}

/** The performance marker of each sport, in the sport's own test. */
export const SPORT_MARKERS: Readonly<Record<Sport, SportMarker>> = Object.freeze({
  running: { test: '5 km time trial', unit: 's', higherIsBetter: false },
  cycling: { test: 'FTP', unit: 'W', higherIsBetter: true },
  sprint400: { test: '400 m time', unit: 's', higherIsBetter: false },
  team: { test: 'Yo-Yo IR1 distance', unit: 'm', higherIsBetter: true },
});

/** Median marker per sport and level (5 km s, FTP W, 400 m s, Yo-Yo IR1 m). */
const MARKER_MEDIAN: Record<Sport, Record<Level, number>> = {
  running: { novice: 1800, recreational: 1500, trained: 1170, elite: 840 },
  cycling: { novice: 150, recreational: 200, trained: 270, elite: 350 },
  sprint400: { novice: 70, recreational: 62, trained: 54, elite: 47 },
  team: { novice: 800, recreational: 1200, trained: 1800, elite: 2400 },
};
const MARKER_SD_LOG: Record<Sport, number> = { running: 0.07, cycling: 0.1, sprint400: 0.03, team: 0.15 };

const CAPACITY_MEDIAN: Record<Level, number> = { novice: 30, recreational: 50, trained: 75, elite: 110 };
const SPORT_CAPACITY_FACTOR: Record<Sport, number> = { running: 1, cycling: 1.15, sprint400: 0.8, team: 0.9 };
const TRAINABLE_LEVEL_FACTOR: Record<Level, number> = { novice: 1.4, recreational: 1.2, trained: 1.0, elite: 0.8 };
const TEST_CV: Record<Level, number> = { novice: 0.02, recreational: 0.015, trained: 0.012, elite: 0.01 };
const RMSSD_MEDIAN: Record<Level, number> = { novice: 45, recreational: 55, trained: 65, elite: 80 };
const HRV_SENS_LEVEL: Record<Level, number> = { novice: 1.3, recreational: 1.1, trained: 1.0, elite: 0.85 };
const RHR_MEDIAN: Record<Level, number> = { novice: 64, recreational: 58, trained: 52, elite: 46 };
const INJURY_RATE: Record<Level, number> = { novice: 0.01, recreational: 0.007, trained: 0.005, elite: 0.004 };

/** Population medians used as calibration priors. */
export const PRIOR = Object.freeze({
  tau1: 38,
  tau2: 13,
  tau3: 2.3,
  optimalLoadMultiple: 1.7,
  readinessGain: 0.2,
  hrvSens: 0.2,
  hrvTauFast: 0.6,
  hrvTauSlow: 1.6,
  rhrSens: 5,
  sleepNeed: 7.8,
  sorenessSens: 1.5,
  illnessRate: 0.004,
  lifeStressRate: 1 / 35,
  sleepShockRate: 1 / 25,
  initialFraction: 0.775,
});

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/**
 * Busso gains from interpretable quantities: trainable range S (%), capacity load L, optimum multiple m.
 * Under the sport's habitual week scaled to a mean daily load L (periodic steady state, week average):
 *   P̄(L) = A·Ē·L − (k3L·M_L + k3H·M_H)/(1−a2) · L²,   A = k1/(1−a1)
 * with Ē the week's mean fitness impulse per unit load and M_c the week mean of K_c·u_c (K_c: periodic
 * fatigue gain with k3 = 1). We set the optimum L* = m·L_cap, P̄(L_cap) = S and k3H = β·k3L.
 */
export function bussoGains(
  sport: Sport,
  S: number,
  capacityLoad: number,
  m: number,
  tau1: number,
  tau2: number,
  tau3: number,
): { k1: number; k3Low: number; k3High: number } {
  const week = habitualWeek(sport);
  const spec = SPORT_SPEC[sport];
  const uL = new Float64Array(7);
  const uH = new Float64Array(7);
  let eBar = 0;
  for (let d = 0; d < 7; d++) {
    const t = week[d]!.type;
    const w = 7 * week[d]!.share;
    uH[d] = w * SPLIT_HIGH[t]!;
    uL[d] = w - uH[d]!;
    eBar += (w * spec[t]!) / 7;
  }
  const a3 = Math.exp(-1 / tau3);
  const kL = periodicEnd(a3, uL);
  const kH = periodicEnd(a3, uH);
  let mL = 0;
  let mH = 0;
  for (let d = 0; d < 7; d++) {
    mL += (kL[d]! * uL[d]!) / 7;
    mH += (kH[d]! * uH[d]!) / 7;
  }
  const o1 = 1 - Math.exp(-1 / tau1);
  const o2 = 1 - Math.exp(-1 / tau2);
  const A = S / (eBar * capacityLoad * (1 - 1 / (2 * m)));
  const k3Low = (A * eBar * o2) / (2 * m * capacityLoad * (mL + HIGH_CHANNEL_BETA * mH));
  return { k1: A * o1, k3Low, k3High: HIGH_CHANNEL_BETA * k3Low };
}

/** The median athlete of a sport and level (deterministic). Used as calibration prior and in tests. */
export function defaultParams(sport: Sport, level: Level, id = `${sport}-${level}`): AthleteParams {
  const capacityLoad = CAPACITY_MEDIAN[level] * SPORT_CAPACITY_FACTOR[sport];
  const S = SPORT_TRAINABLE[sport] * TRAINABLE_LEVEL_FACTOR[level];
  const m = PRIOR.optimalLoadMultiple;
  const g = bussoGains(sport, S, capacityLoad, m, PRIOR.tau1, PRIOR.tau2, PRIOR.tau3);
  return {
    id,
    sport,
    level,
    capacityLoad,
    initialLoad: capacityLoad * PRIOR.initialFraction,
    tau1: PRIOR.tau1,
    tau2: PRIOR.tau2,
    tau3: PRIOR.tau3,
    ...g,
    optimalLoadMultiple: m,
    trainableRange: S,
    readinessGain: PRIOR.readinessGain,
    markerBase: MARKER_MEDIAN[sport][level],
    testNoiseCv: TEST_CV[level],
    lnRmssdBase: Math.log(RMSSD_MEDIAN[level]),
    hrvSens: PRIOR.hrvSens * HRV_SENS_LEVEL[level],
    hrvTauFast: PRIOR.hrvTauFast,
    hrvTauSlow: PRIOR.hrvTauSlow,
    rhrBase: RHR_MEDIAN[level],
    rhrSens: PRIOR.rhrSens,
    sleepNeed: PRIOR.sleepNeed,
    sleepBase: PRIOR.sleepNeed - 0.35,
    rpeBias: 0,
    sorenessSens: PRIOR.sorenessSens,
    injuryRate: INJURY_RATE[level],
    illnessRate: PRIOR.illnessRate,
    lifeStressRate: PRIOR.lifeStressRate,
    sleepShockRate: PRIOR.sleepShockRate,
  };
}

/** Draw one athlete of a given sport and level with inter-individual variability. */
export function sampleAthlete(rng: Rng, sport: Sport, level: Level, id: string): AthleteParams {
  const capacityLoad = CAPACITY_MEDIAN[level] * SPORT_CAPACITY_FACTOR[sport] * Math.exp(0.2 * rng.normal());
  const initialLoad = capacityLoad * rng.range(0.6, 0.95);
  const tau1 = clamp(rng.logNormal(PRIOR.tau1, 0.25), 20, 60);
  const tau2 = clamp(rng.logNormal(PRIOR.tau2, 0.3), 5, Math.min(25, tau1 / 2));
  const tau3 = clamp(rng.logNormal(PRIOR.tau3, 0.25), 1.2, 4);
  const m = clamp(rng.logNormal(PRIOR.optimalLoadMultiple, 0.15), 1.25, 2.6);
  const S = SPORT_TRAINABLE[sport] * TRAINABLE_LEVEL_FACTOR[level] * clamp(Math.exp(0.2 * rng.normal()), 0.6, 1.6);
  const g = bussoGains(sport, S, capacityLoad, m, tau1, tau2, tau3);
  const sleepNeed = clamp(PRIOR.sleepNeed + 0.4 * rng.normal(), 6.5, 9.5);
  return {
    id,
    sport,
    level,
    capacityLoad,
    initialLoad,
    tau1,
    tau2,
    tau3,
    ...g,
    optimalLoadMultiple: m,
    trainableRange: S,
    readinessGain: rng.range(0.1, 0.3),
    markerBase: MARKER_MEDIAN[sport][level] * Math.exp(MARKER_SD_LOG[sport] * clamp(rng.normal(), -2.5, 2.5)),
    testNoiseCv: TEST_CV[level],
    lnRmssdBase: Math.log(RMSSD_MEDIAN[level]) + 0.25 * clamp(rng.normal(), -2.5, 2.5),
    hrvSens: clamp(rng.logNormal(PRIOR.hrvSens * HRV_SENS_LEVEL[level], 0.3), 0.05, 0.6),
    hrvTauFast: rng.range(0.5, 0.7),
    hrvTauSlow: clamp(rng.logNormal(PRIOR.hrvTauSlow, 0.2), 1.0, 2.6),
    rhrBase: clamp(RHR_MEDIAN[level] + 4 * rng.normal(), 36, 85),
    rhrSens: clamp(rng.logNormal(PRIOR.rhrSens, 0.3), 1.5, 15),
    sleepNeed,
    sleepBase: sleepNeed - rng.range(0, 0.7),
    rpeBias: clamp(0.6 * rng.normal(), -1.5, 1.5),
    sorenessSens: clamp(rng.logNormal(PRIOR.sorenessSens, 0.3), 0.5, 4),
    injuryRate: INJURY_RATE[level] * Math.exp(0.3 * rng.normal()),
    illnessRate: PRIOR.illnessRate * Math.exp(0.3 * rng.normal()),
    lifeStressRate: rng.range(1 / 60, 1 / 20),
    sleepShockRate: rng.range(1 / 40, 1 / 15),
  };
}

export interface PopulationMix {
  /** Relative weights per sport (default: equal). */
  sports?: Partial<Record<Sport, number>>;
  /** Relative weights per level (default: novice .2, recreational .35, trained .3, elite .15). */
  levels?: Partial<Record<Level, number>>;
}

export interface PopulationSpec {
  n: number;
  seed: number;
  mix?: PopulationMix;
}

const DEFAULT_LEVEL_WEIGHTS: Record<Level, number> = { novice: 0.2, recreational: 0.35, trained: 0.3, elite: 0.15 };

function pick<T extends string>(rng: Rng, keys: readonly T[], weights: Partial<Record<T, number>>): T {
  let total = 0;
  for (const k of keys) total += Math.max(0, weights[k] ?? 0);
  if (!(total > 0)) throw new Error('population mix: weights must contain a positive entry');
  let u = rng.uniform() * total;
  for (const k of keys) {
    u -= Math.max(0, weights[k] ?? 0);
    if (u < 0) return k;
  }
  return keys[keys.length - 1]!;
}

/** Seeded population with inter-individual variability. Same (n, seed, mix) → identical parameters. */
export function generatePopulation(spec: PopulationSpec): AthleteParams[] {
  const n = Math.max(0, Math.floor(spec.n));
  const rng = new Rng(spec.seed);
  const sportW = spec.mix?.sports ?? { running: 1, cycling: 1, sprint400: 1, team: 1 };
  const levelW = spec.mix?.levels ?? DEFAULT_LEVEL_WEIGHTS;
  const out: AthleteParams[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const sport = pick(rng, SPORTS, sportW);
    const level = pick(rng, LEVELS, levelW);
    out[i] = sampleAthlete(rng.fork(), sport, level, `athlete-${spec.seed}-${i}`);
  }
  return out;
}

/** Sport test value for a performance level P (% in log units: marker = base·e^{±P/100}). */
export function markerFromPerformance(params: Pick<AthleteParams, 'sport' | 'markerBase'>, perfPct: number): number {
  const up = SPORT_MARKERS[params.sport].higherIsBetter;
  return params.markerBase * Math.exp(((up ? 1 : -1) * perfPct) / 100);
}

/** Inverse of markerFromPerformance. */
export function performanceFromMarker(params: Pick<AthleteParams, 'sport' | 'markerBase'>, value: number): number {
  const up = SPORT_MARKERS[params.sport].higherIsBetter;
  return (up ? 100 : -100) * Math.log(value / params.markerBase);
}

/** A TestResult in the sport's units. */
export function toTestResult(sport: Sport, value: number): TestResult {
  const m = SPORT_MARKERS[sport];
  return { test: m.test, value, unit: m.unit, higherIsBetter: m.higherIsBetter };
}
