/**
 * Calibration: estimate an athlete's identifiable parameters from their history, with uncertainty, and
 * update the estimate online from one new day or one feedback item without a refit.
 *
 * Method (twin/README.md has the details):
 *  - The athlete's sessions are replayed through the twin's own dynamics (TwinBatch, noise off) to get
 *    the regressors of each day: X = HRV load compartments (unit sensitivity), soreness state, ATL/CTL
 *    terms, and the Busso fitness g and fatigue h computed with unit gains.
 *  - Given these, every observation stream is linear in its parameters:
 *      ln rMSSD = lnRmssdBase − hrvSens·X + fixed(ATL, CTL)           σ = HRV noise
 *      RHR      = rhrBase + rhrSens·X + fixed(ATL, CTL)               σ = RHR noise
 *      RPE      = RPE_BASE(type, minutes) + rpeBias + RPE_FATIGUE·hrvSens·X (+ sleep debt)
 *      soreness = 1 + sorenessSens·Sor;  wellness fatigue = 4.5 − 10·hrvSens·X + fixed
 *      ±100·ln(test) = c0 + k1·(g − g0) − k3Low·(h − h0)   (k3High = β·k3Low), c0 = ±100·ln(markerBase)
 *    so each is a Bayesian linear regression with a Gaussian prior from the population, updated row by
 *    row (recursive least squares in covariance form). The HRV slow recovery time constant is not linear:
 *    it is a small grid (one replay slot per value) weighted by each slot's exact marginal likelihood.
 *  - calibrate(history) is the prior followed by the same online updates, day after day.
 */
import { TwinBatch, type AthleteState } from './dynamics.ts';
import { DEFAULT_NOISE, expectedWellnessFatigue, sleepPenaltyPct, type NoiseConfig } from './observe.ts';
import { defaultParams, SPORT_MARKERS, type AthleteParams } from './params.ts';
import { minutesForLoad, sessionLoad } from './load.ts';
import { HIGH_CHANNEL_BETA, HRV_FIT, HRV_OVERREACH, RHR_FIT, RHR_OVERREACH, RPE_DURATION, RPE_BASE, RPE_FATIGUE, RPE_SLEEP_DEBT } from './model.ts';
import { PRIOR } from './params.ts';
import { SESSION_INDEX, SESSION_TYPES, type DailyObservation, type Level, type Sport, type Wellness } from './types.ts';

/** HRV slow-compartment time constants (days) on the calibration grid. */
export const HRV_TAU_SLOW_GRID = [1.0, 1.3, 1.6, 2.0, 2.5] as const;

/** Tempering of the grid evidence (power posterior), see gridWeights(). */
export const GRID_TEMPER = 0.5;

/** Indices of block A parameters. */
const A_LN = 0;
const A_SENS = 1;
const A_RHR = 2;
const A_RHRS = 3;
const A_RPE = 4;
const A_SOR = 5;
const DA = 6;
const DB = 3;

export interface ParamEstimate {
  mean: number;
  sd: number;
}

export interface CalibrationEstimate {
  lnRmssdBase: ParamEstimate;
  hrvSens: ParamEstimate;
  hrvTauSlow: ParamEstimate;
  rhrBase: ParamEstimate;
  rhrSens: ParamEstimate;
  rpeBias: ParamEstimate;
  sorenessSens: ParamEstimate;
  /** Sport test value at the history's day-0 state (sport units). */
  markerBase: ParamEstimate;
  k1: ParamEstimate;
  k3Low: ParamEstimate;
  /** Predicted test value now (after the last processed day), sport units. */
  markerNow: ParamEstimate;
}

export interface CalibrateOptions {
  sport: Sport;
  level: Level;
  /** Daily load of the athlete's habitual training before the history (default: mean of its first 28 days, injured/ill days left out). */
  initialLoad?: number;
  /** Measurement noise assumed for the likelihood (default: the twin's DEFAULT_NOISE). */
  noise?: Partial<NoiseConfig>;
  /** Override prior means (defaults: defaultParams(sport, level)). */
  prior?: Partial<AthleteParams>;
}

/** One feedback item about the last processed day. */
export type FeedbackItem =
  | { kind: 'rpe'; value: number }
  | { kind: 'soreness'; value: number }
  | { kind: 'wellness'; wellness: Wellness }
  | { kind: 'test'; value: number };

/** Gaussian posterior of a linear model (covariance form) with a running log marginal likelihood. */
class Gaussian {
  constructor(
    readonly d: number,
    readonly mean: Float64Array,
    readonly cov: Float64Array,
    public logEvidence = 0,
  ) {}

  static prior(mean: readonly number[], sd: readonly number[]): Gaussian {
    const d = mean.length;
    const cov = new Float64Array(d * d);
    for (let i = 0; i < d; i++) cov[i * d + i] = sd[i]! * sd[i]!;
    return new Gaussian(d, Float64Array.from(mean), cov);
  }

  clone(): Gaussian {
    return new Gaussian(this.d, this.mean.slice(), this.cov.slice(), this.logEvidence);
  }

  /** Add one observation y = x·θ + ε, ε ~ N(0, s2). Sparse x given as (index, value) pairs. */
  observe(idx: readonly number[], val: readonly number[], y: number, s2: number): void {
    const d = this.d;
    const P = this.cov;
    const px = new Float64Array(d);
    for (let r = 0; r < d; r++) {
      let acc = 0;
      for (let k = 0; k < idx.length; k++) acc += P[r * d + idx[k]!]! * val[k]!;
      px[r] = acc;
    }
    let xpx = 0;
    let pred = 0;
    for (let k = 0; k < idx.length; k++) {
      xpx += val[k]! * px[idx[k]!]!;
      pred += val[k]! * this.mean[idx[k]!]!;
    }
    const s = xpx + s2;
    const resid = y - pred;
    this.logEvidence += -0.5 * (Math.log(2 * Math.PI * s) + (resid * resid) / s);
    for (let r = 0; r < d; r++) this.mean[r] = this.mean[r]! + (px[r]! * resid) / s;
    for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) P[r * d + c] = P[r * d + c]! - (px[r]! * px[c]!) / s;
  }
}

interface SessionRecord {
  type: number;
  minutes: number;
}

interface MorningRegs {
  x: Float64Array; // per grid slot
  sor: Float64Array;
  hrvFixed: number;
  rhrFixed: number;
  sleepDebt: number;
  sleepHours: number;
}

export class Calibration {
  readonly sport: Sport;
  readonly level: Level;
  readonly prior: AthleteParams;
  readonly noise: NoiseConfig;
  readonly initialLoad: number;
  /** Days processed so far. */
  days = 0;
  private replay: TwinBatch;
  private a: Gaussian[];
  private b: Gaussian;
  private g0: number;
  private h0: number;
  private sessions: SessionRecord[] = [];
  private lastMorning: MorningRegs | null = null;
  private lastSession: SessionRecord | null = null;
  private lastEvening: { g: number; h: number; sleep: number } | null = null;

  constructor(opts: CalibrateOptions, initialLoad: number) {
    this.sport = opts.sport;
    this.level = opts.level;
    const base = defaultParams(opts.sport, opts.level, 'calibration-prior');
    const L0 = Number.isFinite(initialLoad) && initialLoad > 0 ? initialLoad : base.initialLoad;
    this.initialLoad = L0;
    this.prior = {
      ...base,
      initialLoad: L0,
      capacityLoad: L0 / PRIOR.initialFraction,
      ...(opts.prior ?? {}),
    };
    this.noise = { ...DEFAULT_NOISE, ...(opts.noise ?? {}) };
    const p = this.prior;
    // replay slots: one per HRV slow time constant, unit Busso gains (k1 = 1, k3Low = 1, k3High = β)
    this.replay = new TwinBatch(
      HRV_TAU_SLOW_GRID.map((tau) => ({ ...p, hrvTauSlow: tau, k1: 1, k3Low: 1, k3High: HIGH_CHANNEL_BETA })),
    );
    this.replay.morning(null, false);
    const mid = this.midSlot();
    this.g0 = this.replay.g[mid]!;
    this.h0 = this.replay.h[mid]!;
    const priorA = Gaussian.prior(
      [p.lnRmssdBase, p.hrvSens, p.rhrBase, p.rhrSens, p.rpeBias, p.sorenessSens],
      [0.35, 0.12, 7, 3, 1, 0.8],
    );
    this.a = HRV_TAU_SLOW_GRID.map(() => priorA.clone());
    const sgn = SPORT_MARKERS[p.sport].higherIsBetter ? 1 : -1;
    this.b = Gaussian.prior([sgn * 100 * Math.log(p.markerBase), p.k1, p.k3Low], [30, 0.6 * p.k1, 0.8 * p.k3Low]);
  }

  private midSlot(): number {
    return HRV_TAU_SLOW_GRID.indexOf(1.6);
  }

  clone(): Calibration {
    const c = Object.create(Calibration.prototype) as Calibration;
    Object.assign(c, this);
    const self = this as unknown as { replay: TwinBatch; a: Gaussian[]; b: Gaussian };
    const cc = c as unknown as { replay: TwinBatch; a: Gaussian[]; b: Gaussian; sessions: SessionRecord[] };
    cc.a = self.a.map((g) => g.clone());
    cc.b = self.b.clone();
    cc.sessions = [...this.sessions];
    cc.replay = self.replay.clone();
    return c;
  }

  private morningRegs(obsSleep: number | undefined): MorningRegs {
    const r = this.replay;
    const G = HRV_TAU_SLOW_GRID.length;
    const x = new Float64Array(G);
    const sor = new Float64Array(G);
    for (let j = 0; j < G; j++) {
      x[j] = r.sF[j]! + r.sS[j]!;
      sor[j] = r.sor[j]!;
    }
    const m = this.midSlot();
    const ctlDelta = r.ctl[m]! - r.ctl0[m]!;
    const d = r.atl[m]! - r.ctl[m]!;
    const tsbNeg = d > 0 ? d : 0;
    return {
      x,
      sor,
      hrvFixed: (HRV_FIT * ctlDelta) / 100 - (HRV_OVERREACH * tsbNeg) / 100,
      rhrFixed: (RHR_FIT * ctlDelta) / 100 + (RHR_OVERREACH * tsbNeg) / 100,
      sleepDebt: r.sleepDebt[m]!,
      sleepHours: obsSleep ?? NaN,
    };
  }

  private addHrv(m: MorningRegs, hrv: number): void {
    const s2 = this.noise.hrvNoiseSd ** 2 + 0.05 ** 2; // + unmodelled life stress and illness
    this.a.forEach((g, j) => g.observe([A_LN, A_SENS], [1, -m.x[j]!], Math.log(hrv) - m.hrvFixed, s2));
  }

  private addRhr(m: MorningRegs, rhr: number): void {
    const s2 = this.noise.rhrNoiseSd ** 2 + 0.5 ** 2;
    this.a.forEach((g, j) => g.observe([A_RHR, A_RHRS], [1, m.x[j]!], rhr - m.rhrFixed, s2));
  }

  /**
   * Reports are rounded and clamped to their scale; a row is used only when its current prediction lies
   * well inside the scale (selection on the regressors, not on the report, so it adds no bias).
   */
  private addSoreness(m: MorningRegs, value: number): void {
    const s2 = this.noise.sorenessNoiseSd ** 2 + 1 / 12;
    const c = this.midSlot();
    const pred = 1 + this.a[c]!.mean[A_SOR]! * m.sor[c]!;
    if (pred < 1.5 || pred > 4) return;
    this.a.forEach((g, j) => g.observe([A_SOR], [m.sor[j]!], value - 1, s2));
  }

  private addWellness(m: MorningRegs, w: Wellness): void {
    if (w.fatigue === undefined || !Number.isFinite(w.fatigue)) return;
    const s2 = this.noise.wellnessNoiseSd ** 2 + 1 / 12 + 0.25; // rounding + clamping at 5
    const offset = expectedWellnessFatigue(m.hrvFixed);
    const c = this.midSlot();
    const pred = offset - 10 * this.a[c]!.mean[A_SENS]! * m.x[c]!;
    if (pred < 1.5 || pred > 4.2) return;
    this.a.forEach((g, j) => g.observe([A_SENS], [-10 * m.x[j]!], w.fatigue! - offset, s2));
  }

  private addRpe(m: MorningRegs, s: SessionRecord, rpe: number): void {
    if (s.type === 0 || !(rpe > 0)) return;
    const mins = s.minutes > 10 ? s.minutes : 10;
    const offset = RPE_BASE[s.type]! + RPE_DURATION * Math.log2(mins / 60) + RPE_SLEEP_DEBT * m.sleepDebt;
    const s2 = this.noise.rpeNoiseSd ** 2 + 1 / 12 + 0.3 ** 2; // + unmodelled sleep debt
    const c = this.midSlot();
    const g0 = this.a[c]!;
    const pred = offset + g0.mean[A_RPE]! + RPE_FATIGUE * g0.mean[A_SENS]! * m.x[c]!;
    if (pred < 1.8 || pred > 9.2) return;
    this.a.forEach((g, j) => g.observe([A_RPE, A_SENS], [1, RPE_FATIGUE * m.x[j]!], rpe - offset, s2));
  }

  private addTest(e: { g: number; h: number; sleep: number }, value: number): void {
    if (!(value > 0)) return;
    const p = this.prior;
    const sgn = SPORT_MARKERS[p.sport].higherIsBetter ? 1 : -1;
    const known = Number.isFinite(e.sleep);
    const pen = known ? sleepPenaltyPct(e.sleep) : 0;
    // unknown sleep: a short night (≈ 5 % of days) may hide a penalty of a few %
    const s2 = (100 * p.testNoiseCv) ** 2 + (known ? 0 : 1.5 ** 2);
    this.b.observe([0, 1, 2], [1, e.g - this.g0, -(e.h - this.h0)], sgn * 100 * Math.log(value) - pen, s2);
  }

  /** Process the next day of history (chronological). */
  addDay(obs: DailyObservation): this {
    const m = this.morningRegs(obs.sleepHours);
    const ill = obs.illness === true;
    if (!ill && obs.hrvRmssd !== undefined && obs.hrvRmssd > 0) this.addHrv(m, obs.hrvRmssd);
    if (!ill && obs.restingHr !== undefined && obs.restingHr > 0) this.addRhr(m, obs.restingHr);
    if (obs.soreness !== undefined && Number.isFinite(obs.soreness)) this.addSoreness(m, obs.soreness);
    if (obs.wellness) this.addWellness(m, obs.wellness);
    const s = sessionOf(obs);
    if (obs.rpe !== undefined) this.addRpe(m, s, obs.rpe);
    // advance the replay through the day's session
    const r = this.replay;
    const G = r.n;
    const types = new Uint8Array(G).fill(s.type);
    const minutes = new Float64Array(G).fill(s.minutes);
    r.applySessions(types, minutes, null, false);
    const mid = this.midSlot();
    const evening = { g: r.g[mid]!, h: r.h[mid]!, sleep: m.sleepHours };
    if (obs.testResult) this.addTest(evening, obs.testResult.value);
    r.swapDay();
    r.day++;
    r.morning(null, false);
    this.sessions.push(s);
    this.lastMorning = m;
    this.lastSession = s;
    this.lastEvening = evening;
    this.days++;
    return this;
  }

  /** Online update from one feedback item about the last processed day (no refit). */
  addFeedback(item: FeedbackItem): this {
    const m = this.lastMorning;
    if (m === null) throw new Error('Calibration.addFeedback: no day processed yet');
    switch (item.kind) {
      case 'rpe':
        this.addRpe(m, this.lastSession!, item.value);
        break;
      case 'soreness':
        this.addSoreness(m, item.value);
        break;
      case 'wellness':
        this.addWellness(m, item.wellness);
        break;
      case 'test':
        this.addTest(this.lastEvening!, item.value);
        break;
    }
    return this;
  }

  /**
   * Posterior weights of the HRV slow time-constant grid. The evidence is tempered (×GRID_TEMPER): the
   * residuals are autocorrelated (life-stress shocks last days), so the raw likelihood is over-confident.
   */
  gridWeights(): number[] {
    const le = this.a.map((g) => GRID_TEMPER * g.logEvidence);
    const mx = Math.max(...le);
    const w = le.map((l) => Math.exp(l - mx));
    const s = w.reduce((x, y) => x + y, 0);
    return w.map((x) => x / s);
  }

  /** Posterior mean and SD of the calibrated parameters. */
  estimate(): CalibrationEstimate {
    const w = this.gridWeights();
    const mix = (k: number): ParamEstimate => {
      let m = 0;
      let s2 = 0;
      this.a.forEach((g, j) => {
        const mu = g.mean[k]!;
        m += w[j]! * mu;
        s2 += w[j]! * (g.cov[k * DA + k]! + mu * mu);
      });
      return { mean: m, sd: Math.sqrt(Math.max(0, s2 - m * m)) };
    };
    let tm = 0;
    let t2 = 0;
    HRV_TAU_SLOW_GRID.forEach((t, j) => {
      tm += w[j]! * t;
      t2 += w[j]! * t * t;
    });
    const p = this.prior;
    const sgn = SPORT_MARKERS[p.sport].higherIsBetter ? 1 : -1;
    const b = this.b;
    const c0 = b.mean[0]!;
    const c0sd = Math.sqrt(b.cov[0]!);
    const markerBase = Math.exp((sgn * c0) / 100);
    // current prediction: c0 + k1·(g − g0) − k3·(h − h0)
    const r = this.replay;
    const mid = this.midSlot();
    const x = [1, r.g[mid]! - this.g0, -(r.h[mid]! - this.h0)];
    let pred = 0;
    let pv = 0;
    for (let i = 0; i < DB; i++) {
      pred += x[i]! * b.mean[i]!;
      for (let j = 0; j < DB; j++) pv += x[i]! * x[j]! * b.cov[i * DB + j]!;
    }
    const markerNow = Math.exp((sgn * pred) / 100);
    return {
      lnRmssdBase: mix(A_LN),
      hrvSens: mix(A_SENS),
      hrvTauSlow: { mean: tm, sd: Math.sqrt(Math.max(0, t2 - tm * tm)) },
      rhrBase: mix(A_RHR),
      rhrSens: mix(A_RHRS),
      rpeBias: mix(A_RPE),
      sorenessSens: mix(A_SOR),
      markerBase: { mean: markerBase, sd: (markerBase * c0sd) / 100 },
      k1: { mean: b.mean[1]!, sd: Math.sqrt(b.cov[1 * DB + 1]!) },
      k3Low: { mean: b.mean[2]!, sd: Math.sqrt(b.cov[2 * DB + 2]!) },
      markerNow: { mean: markerNow, sd: (markerNow * Math.sqrt(Math.max(0, pv))) / 100 },
    };
  }

  /** Athlete parameters: the prior with the calibrated means (clamped to valid ranges). */
  toParams(id = 'calibrated'): AthleteParams {
    const e = this.estimate();
    const p = this.prior;
    const k1 = Math.max(e.k1.mean, 0.1 * p.k1);
    const k3 = Math.max(e.k3Low.mean, 0.1 * p.k3Low);
    return {
      ...p,
      id,
      lnRmssdBase: e.lnRmssdBase.mean,
      hrvSens: Math.max(0.01, e.hrvSens.mean),
      hrvTauSlow: e.hrvTauSlow.mean,
      rhrBase: e.rhrBase.mean,
      rhrSens: Math.max(0, e.rhrSens.mean),
      rpeBias: e.rpeBias.mean,
      sorenessSens: Math.max(0.05, e.sorenessSens.mean),
      markerBase: e.markerBase.mean,
      k1,
      k3Low: k3,
      k3High: HIGH_CHANNEL_BETA * k3,
    };
  }

  /** Twin state now (after the last processed day) under the calibrated parameters: input to whatIf. */
  state(params: AthleteParams = this.toParams()): AthleteState {
    const b = new TwinBatch([params]);
    b.morning(null, false);
    const t = new Uint8Array(1);
    const mm = new Float64Array(1);
    for (const s of this.sessions) {
      t[0] = s.type;
      mm[0] = s.minutes;
      b.applySessions(t, mm, null, false);
      b.swapDay();
      b.day++;
      b.morning(null, false);
    }
    return b.snapshot(0);
  }
}

/** The session a day's observation describes, with minutes matching its load when both are known. */
function sessionOf(obs: DailyObservation): SessionRecord {
  let type = obs.sessionType !== undefined ? SESSION_INDEX[obs.sessionType] : -1;
  const load = obs.load;
  if (type < 0) type = load !== undefined && load > 0 ? SESSION_INDEX.ENDURANCE : 0;
  if (type === 0) return { type: 0, minutes: 0 };
  const name = SESSION_TYPES[type]!;
  const minutes = load !== undefined && load >= 0 ? minutesForLoad(name, load) : Math.max(0, obs.minutes ?? 0);
  return { type, minutes };
}

/** Daily load of an observation (its load, or the load of its session). */
function dayLoad(o: DailyObservation): number {
  if (o.load !== undefined && o.load >= 0) return o.load;
  if (o.sessionType !== undefined) return sessionLoad(o.sessionType, o.minutes ?? 0);
  return 0;
}

/** Calibrate from a chronological history (consecutive days). */
export function calibrate(history: readonly DailyObservation[], opts: CalibrateOptions): Calibration {
  let L0 = opts.initialLoad;
  if (L0 === undefined) {
    // habitual load: mean of the first 28 days, leaving out days flagged injured or ill
    let s = 0;
    let k = 0;
    for (let i = 0; i < Math.min(28, history.length); i++) {
      const o = history[i]!;
      if (o.injury || o.illness) continue;
      s += dayLoad(o);
      k++;
    }
    L0 = k >= 7 ? s / k : NaN;
  }
  const cal = new Calibration(opts, L0);
  for (const o of history) cal.addDay(o);
  return cal;
}
