/**
 * Batched training environment: reset(n athletes) → step(sessions) → reward, risk events, observations.
 * Deterministic under a seed; one shared random stream with a fixed number of draws per athlete-day, so
 * two policies evaluated with the same seed see the same shocks (common random numbers).
 */
import { Rng } from './rng.ts';
import { TwinBatch, type AthleteState } from './dynamics.ts';
import {
  ObservationBuffers,
  DEFAULT_NOISE,
  addDays,
  buildObservation,
  type NoiseConfig,
  type ObservationConfig,
} from './observe.ts';
import { generatePopulation, markerFromPerformance, type AthleteParams, type PopulationSpec } from './params.ts';
import { SESSION_TYPES, type DailyObservation } from './types.ts';

export interface RewardConfig {
  /** Reward per 10 % of the athlete's trainable range gained (ΔP·10/S). */
  perfWeight: number;
  /** Cost per unit of daily hazard (injury + illness probability). */
  hazardWeight: number;
  /** Extra cost per injury or illness event. */
  eventPenalty: number;
}

export const DEFAULT_REWARD: Readonly<RewardConfig> = Object.freeze({ perfWeight: 1, hazardWeight: 4, eventPenalty: 1 });

export interface TwinEnvOptions {
  seed: number;
  /** Episode length in days (done after this many steps). Default 168 (24 weeks). */
  horizonDays?: number;
  /** Probability the wearable is not worn on a day. Default 0.1. */
  missingRate?: number;
  /** Probability that no RPE/soreness/wellness is reported on a day. Default 0. */
  feedbackMissingRate?: number;
  /** Measurement noise and biological sleep noise. Default true. */
  noise?: boolean;
  /** Life-stress and sleep-loss shocks. Default true. */
  shocks?: boolean;
  /** Draw injuries and illnesses. Default true. */
  events?: boolean;
  /** Sport test every k days (observe() then carries testResult). Default 0: never. */
  testEveryDays?: number;
  /** ISO date of day 0. Default 2025-01-06 (a Monday). */
  startDate?: string;
  reward?: Partial<RewardConfig>;
  noiseConfig?: Partial<NoiseConfig>;
}

export interface StepResult {
  /** Reward per athlete for the day just simulated. */
  reward: Float32Array;
  /** True when the horizon is reached. */
  done: boolean;
  /** 1 when an injury / illness started today. */
  injuredToday: Uint8Array;
  illToday: Uint8Array;
  /** Today's total hazard (injury + illness probability). */
  hazard: Float32Array;
  /** 1 when the requested session was replaced by REST (injured / ill). */
  overridden: Uint8Array;
  /** Index of the day just simulated. */
  day: number;
}

/** Bulk truth of the last simulated day (views valid until the next step/reset). */
export interface TwinTruth {
  /** Performance P (%, log units, relative to day 0). */
  performance: Float64Array;
  /** Sport test value without noise (sport units). */
  marker: Float64Array;
  acwr: Float64Array;
  atl: Float64Array;
  ctl: Float64Array;
  monotony: Float64Array;
  load: Float64Array;
  sessionType: Uint8Array;
  /** Morning ln rMSSD of the last simulated day and its z vs the athlete's baseline (units of the HRV noise SD). */
  lnRmssd: Float64Array;
  hrvZ: Float64Array;
  restingHr: Float64Array;
  sleepHours: Float64Array;
  hazardInjury: Float64Array;
  hazardIllness: Float64Array;
  injuredDaysLeft: Float64Array;
  illDaysLeft: Float64Array;
  injuries: Uint32Array;
  illnesses: Uint32Array;
  forcedRestDays: Uint32Array;
  /** Sum of rewards since reset. */
  cumulativeReward: Float64Array;
}

export class TwinEnv {
  readonly options: Required<Omit<TwinEnvOptions, 'reward' | 'noiseConfig'>>;
  readonly reward: RewardConfig;
  readonly obsConfig: ObservationConfig;
  private rng: Rng;
  private batch: TwinBatch | null = null;
  private obs: ObservationBuffers | null = null;
  private result: StepResult | null = null;
  private cumReward: Float64Array = new Float64Array(0);
  private noiseSeed = 0;
  private simulatedDays = 0;

  constructor(opts: TwinEnvOptions) {
    this.options = {
      seed: opts.seed,
      horizonDays: opts.horizonDays ?? 168,
      missingRate: clamp01(opts.missingRate ?? 0.1),
      feedbackMissingRate: clamp01(opts.feedbackMissingRate ?? 0),
      noise: opts.noise ?? true,
      shocks: opts.shocks ?? true,
      events: opts.events ?? true,
      testEveryDays: Math.max(0, Math.floor(opts.testEveryDays ?? 0)),
      startDate: opts.startDate ?? '2025-01-06',
    };
    this.reward = { ...DEFAULT_REWARD, ...(opts.reward ?? {}) };
    this.obsConfig = {
      noise: this.options.noise,
      missingRate: this.options.missingRate,
      feedbackMissingRate: this.options.feedbackMissingRate,
      noiseConfig: { ...DEFAULT_NOISE, ...(opts.noiseConfig ?? {}) },
    };
    this.rng = new Rng(opts.seed);
  }

  /**
   * Start an episode. `population`: explicit parameters or a seeded population spec.
   * The random stream restarts from `seed` (default: the env's seed).
   */
  reset(population: readonly AthleteParams[] | PopulationSpec, seed = this.options.seed): void {
    const params = Array.isArray(population) ? (population as readonly AthleteParams[]) : generatePopulation(population as PopulationSpec);
    this.noiseSeed = seed;
    this.rng = new Rng(seed);
    const b = new TwinBatch(params);
    const o = new ObservationBuffers(b.n);
    b.morning(this.rng, this.options.shocks);
    o.fillMorning(b, this.rng, this.obsConfig);
    this.batch = b;
    this.obs = o;
    this.simulatedDays = 0;
    this.cumReward = new Float64Array(b.n);
    this.result = {
      reward: new Float32Array(b.n),
      done: false,
      injuredToday: b.injEvent,
      illToday: b.illEvent,
      hazard: new Float32Array(b.n),
      overridden: b.overridden,
      day: -1,
    };
  }

  get n(): number {
    return this.b.n;
  }

  /** Number of days simulated since reset (= index of the coming day). */
  get day(): number {
    return this.simulatedDays;
  }

  get athletes(): readonly AthleteParams[] {
    return this.b.params;
  }

  private get b(): TwinBatch {
    if (this.batch === null) throw new Error('TwinEnv: call reset() first');
    return this.batch;
  }

  /**
   * Simulate one day for every athlete. types[i]: index into SESSION_TYPES; minutes[i]: duration.
   * Forced-rest athletes (injured/ill) are switched to REST and flagged in `overridden`.
   * The returned arrays are reused by the next step.
   */
  step(types: ArrayLike<number>, minutes: ArrayLike<number>): StepResult {
    const b = this.b;
    const o = this.obs!;
    const r = this.result!;
    if (types.length !== b.n || minutes.length !== b.n) throw new Error(`TwinEnv.step: expected ${b.n} actions`);
    const rng = this.rng;
    const events = this.options.events;
    b.applySessions(types, minutes, rng, events);
    o.fillSession(b, rng, this.obsConfig);
    const { perfWeight, hazardWeight, eventPenalty } = this.reward;
    const { perf, perfPrev, trainable, hazInj, hazIll, injEvent, illEvent } = b;
    const rew = r.reward;
    const haz = r.hazard;
    const cum = this.cumReward;
    for (let i = 0; i < b.n; i++) {
      const hz = hazInj[i]! + hazIll[i]!;
      haz[i] = hz;
      const rr = (perfWeight * 10 * (perf[i]! - perfPrev[i]!)) / trainable[i]! - hazardWeight * hz - eventPenalty * (injEvent[i]! + illEvent[i]!);
      rew[i] = rr;
      cum[i] = cum[i]! + rr;
    }
    b.swapDay();
    o.swapDay();
    b.day++;
    b.morning(rng, this.options.shocks);
    o.fillMorning(b, rng, this.obsConfig);
    r.day = this.simulatedDays;
    this.simulatedDays++;
    r.done = this.simulatedDays >= this.options.horizonDays;
    return r;
  }

  /** Convenience: step with session names. */
  stepSessions(sessions: readonly { type: (typeof SESSION_TYPES)[number]; minutes: number }[]): StepResult {
    const t = new Uint8Array(sessions.length);
    const m = new Float32Array(sessions.length);
    sessions.forEach((s, i) => {
      t[i] = SESSION_TYPES.indexOf(s.type);
      m[i] = s.minutes;
    });
    return this.step(t, m);
  }

  /** Canonical observation of the last simulated day (noisy; wearable fields missing when not worn). */
  observe(i: number): DailyObservation {
    if (this.simulatedDays === 0) throw new Error('TwinEnv.observe: no day simulated yet (use observeMorning)');
    return buildObservation(this.b, this.obs!, i, this.simulatedDays - 1, {
      seed: this.noiseSeed,
      startDate: this.options.startDate,
      cfg: this.obsConfig,
      testEveryDays: this.options.testEveryDays,
    });
  }

  /** Morning readings of the coming day (known before the session is chosen): HRV, RHR, sleep, soreness. */
  observeMorning(i: number): DailyObservation {
    const o = this.obs!;
    const obs: DailyObservation = { date: addDays(this.options.startDate, this.simulatedDays) };
    if (o.mWorn[i]) {
      obs.hrvRmssd = round2(o.mHrv[i]!);
      obs.restingHr = round2(o.mRhr[i]!);
      obs.sleepHours = round2(o.mSleep[i]!);
      obs.sleepScore = o.mSleepScore[i]!;
    }
    const s = o.mSoreness[i]!;
    if (s === s) obs.soreness = s;
    if (this.b.ill[i]! > 0) obs.illness = true;
    if (this.b.injDays[i]! > 0) obs.injury = true;
    return obs;
  }

  /**
   * Bulk observation arrays (NaN = missing). `day*` = last simulated day, `morning*` = coming day.
   * Views into internal buffers, valid until the next step.
   */
  observations(): {
    dayHrv: Float32Array;
    dayRestingHr: Float32Array;
    daySleepHours: Float32Array;
    dayRpe: Float32Array;
    daySoreness: Float32Array;
    morningHrv: Float32Array;
    morningRestingHr: Float32Array;
    morningSleepHours: Float32Array;
    morningSoreness: Float32Array;
    load: Float64Array;
    sessionType: Uint8Array;
  } {
    const o = this.obs!;
    const b = this.b;
    return {
      dayHrv: o.dHrv,
      dayRestingHr: o.dRhr,
      daySleepHours: o.dSleep,
      dayRpe: o.rpe,
      daySoreness: o.dSoreness,
      morningHrv: o.mHrv,
      morningRestingHr: o.mRhr,
      morningSleepHours: o.mSleep,
      morningSoreness: o.mSoreness,
      load: b.load,
      sessionType: b.type,
    };
  }

  /** Athlete i must rest on the coming day (injured or ill); step() will enforce it. */
  forcedRest(i: number): boolean {
    return this.b.isForcedRest(i);
  }

  /** Mask of athletes who must rest on the coming day (1 = forced rest). */
  forcedRestMask(out = new Uint8Array(this.b.n)): Uint8Array {
    const b = this.b;
    for (let i = 0; i < b.n; i++) out[i] = b.injDays[i]! > 0 || b.illDays[i]! > 0 ? 1 : 0;
    return out;
  }

  /** Evaluation-relevant truth of the last simulated day. */
  truth(): TwinTruth {
    const b = this.b;
    const n = b.n;
    const marker = new Float64Array(n);
    const hrvZ = new Float64Array(n);
    const sd = this.obsConfig.noiseConfig.hrvNoiseSd > 0 ? this.obsConfig.noiseConfig.hrvNoiseSd : 0.12;
    const ln = this.simulatedDays > 0 ? b.dayLnHrv : b.lnHrv;
    for (let i = 0; i < n; i++) {
      marker[i] = markerFromPerformance(b.params[i]!, b.perf[i]!);
      hrvZ[i] = (ln[i]! - b.lnBase[i]!) / sd;
    }
    return {
      performance: b.perf,
      marker,
      acwr: b.acwr,
      atl: b.atl,
      ctl: b.ctl,
      monotony: b.monotony,
      load: b.load,
      sessionType: b.type,
      lnRmssd: ln,
      hrvZ,
      restingHr: this.simulatedDays > 0 ? b.dayRhr : b.rhr,
      sleepHours: this.simulatedDays > 0 ? b.daySleep : b.sleep,
      hazardInjury: b.hazInj,
      hazardIllness: b.hazIll,
      injuredDaysLeft: b.injDays,
      illDaysLeft: b.illDays,
      injuries: b.injuries,
      illnesses: b.illnesses,
      forcedRestDays: b.forcedDays,
      cumulativeReward: this.cumReward,
    };
  }

  /** State snapshot of athlete i (for whatIf). */
  snapshot(i: number): AthleteState {
    return this.b.snapshot(i);
  }
}

const clamp01 = (x: number): number => (x > 0 ? (x < 1 ? x : 1) : 0);
const round2 = (x: number): number => Math.round(x * 100) / 100;
