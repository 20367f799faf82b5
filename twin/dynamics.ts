/**
 * Batched daily dynamics on struct-of-arrays typed arrays (n athletes step together).
 *
 * A simulated day has two halves:
 *  1. morning(rng)      — life-stress / sleep-loss shocks, the night's sleep, morning ln rMSSD and resting
 *                         HR (truth, before measurement noise) from the state after yesterday;
 *  2. applySessions()   — forced rest override, session load, injury/illness hazards and events, then
 *                         the fitness–fatigue (Busso), ATL/CTL, ACWR, monotony, HRV-compartment and
 *                         soreness updates; performance P after the day.
 * The environment calls applySessions(day t) → swapDay() → morning(day t+1), so the morning readings of
 * the coming day are known before the policy chooses its session, as in the product.
 *
 * Random draws per athlete-day are a fixed number whatever the actions (2 in applySessions, 3 in morning),
 * so two policies run with the same seed share their shocks (common random numbers).
 * Equations and sources: twin/README.md.
 */
import type { Rng } from './rng.ts';
import type { AthleteParams } from './params.ts';
import { LOAD_PER_HOUR, sanitizeMinutes } from './load.ts';
import {
  D_SLEEP_DEBT,
  D_SORENESS,
  D_STRESS,
  HARD,
  HAZARD_CAP,
  HRV_INTENSITY,
  HRV_SLOW_FRACTION,
  ILLNESS_MEAN_EXTRA,
  ILLNESS_MIN_DAYS,
  ILL_ACWR,
  ILL_HRV,
  ILL_MONOTONY,
  ILL_SLEEP_DEBT,
  ILL_STRESS,
  INJURY_EXPOSURE,
  INJURY_MEAN_EXTRA,
  INJURY_MIN_DAYS,
  K_ATL,
  K_CTL,
  L_ACUTE,
  L_CHRONIC,
  NEURO,
  N_TYPES,
  RISK_ACWR,
  RISK_CHRONIC,
  RISK_HARD_STREAK,
  RISK_HRV,
  RISK_MONOTONY,
  RISK_MONOTONY_FREE,
  SPLIT_HIGH,
  SPORT_CODES,
  RISK_HARD_STREAK_CAP,
  SPORT_IMPACT,
  SPORT_SPEC,
  habitualWeek,
  periodicEnd,
  expectedRpe,
  morningLnHrv,
  morningRhr,
  readinessFactor,
  suppressionUnits,
} from './model.ts';

/** Per-athlete state fields (all Float64Array of length n), in snapshot order. */
export const STATE_FIELDS = [
  'g',
  'k2L',
  'k2H',
  'h',
  'perf',
  'perfPrev',
  'perf0',
  'atl',
  'ctl',
  'ctl0',
  'acute',
  'chronic',
  'sF',
  'sS',
  'sor',
  'stress',
  'sleepDebt',
  'hardStreak',
  'injDays',
  'illDays',
  'lnHrv',
  'rhr',
  'sleep',
  'sleepScore',
  'ill',
  'soreM',
] as const;
export type StateField = (typeof STATE_FIELDS)[number];

/** Plain-number snapshot of one athlete's twin state (what-if starts from it). */
export type AthleteState = Record<StateField, number> & {
  /** The last 7 daily loads, oldest first. */
  recentLoads: number[];
};

const f64 = (n: number): Float64Array => new Float64Array(n);

export class TwinBatch {
  readonly n: number;
  readonly params: readonly AthleteParams[];
  /** Index of the coming day (0 after construction + morning). */
  day = 0;

  // ---- parameters (struct of arrays) ----
  readonly a1: Float64Array;
  readonly a2: Float64Array;
  readonly a3: Float64Array;
  readonly k1: Float64Array;
  readonly k3L: Float64Array;
  readonly k3H: Float64Array;
  readonly readiness: Float64Array;
  readonly dF: Float64Array;
  readonly dS: Float64Array;
  readonly lnBase: Float64Array;
  readonly hrvSens: Float64Array;
  readonly rhrBase: Float64Array;
  readonly rhrSens: Float64Array;
  readonly sleepNeed: Float64Array;
  readonly sleepBase: Float64Array;
  readonly injRate: Float64Array;
  readonly illRate: Float64Array;
  readonly stressRate: Float64Array;
  readonly sleepShockRate: Float64Array;
  readonly cap: Float64Array;
  readonly rpeBias: Float64Array;
  readonly sorSens: Float64Array;
  readonly trainable: Float64Array;
  readonly impact: Float64Array;
  readonly sportCode: Uint8Array;
  /** Fitness specificity per athlete and session type (n × 6). */
  readonly spec: Float64Array;

  // ---- state ----
  readonly g: Float64Array;
  readonly k2L: Float64Array;
  readonly k2H: Float64Array;
  readonly h: Float64Array;
  /** Performance P (%, log units) relative to day 0, after the last simulated day. */
  readonly perf: Float64Array;
  readonly perfPrev: Float64Array;
  readonly perf0: Float64Array;
  readonly atl: Float64Array;
  readonly ctl: Float64Array;
  readonly ctl0: Float64Array;
  readonly acute: Float64Array;
  readonly chronic: Float64Array;
  readonly sF: Float64Array;
  readonly sS: Float64Array;
  readonly sor: Float64Array;
  readonly stress: Float64Array;
  readonly sleepDebt: Float64Array;
  readonly hardStreak: Float64Array;
  readonly injDays: Float64Array;
  readonly illDays: Float64Array;
  /** Last 7 loads, ring buffer n × 7 indexed by day % 7. */
  readonly ring: Float64Array;

  // ---- morning truth of the coming day ----
  lnHrv: Float64Array;
  rhr: Float64Array;
  sleep: Float64Array;
  sleepScore: Float64Array;
  ill: Float64Array;
  /** Expected soreness report (1–5 scale, continuous) this morning. */
  soreM: Float64Array;
  // ---- morning truth of the last simulated day (swapped in by swapDay) ----
  dayLnHrv: Float64Array;
  dayRhr: Float64Array;
  daySleep: Float64Array;
  daySleepScore: Float64Array;
  dayIll: Float64Array;
  daySoreM: Float64Array;

  // ---- outputs of the last simulated day ----
  readonly type: Uint8Array;
  readonly requested: Uint8Array;
  readonly overridden: Uint8Array;
  /** 1 when the last simulated day was a forced rest because of an injury. */
  readonly injuredDay: Uint8Array;
  readonly minutes: Float64Array;
  readonly load: Float64Array;
  readonly hazInj: Float64Array;
  readonly hazIll: Float64Array;
  readonly injEvent: Uint8Array;
  readonly illEvent: Uint8Array;
  readonly acwr: Float64Array;
  readonly monotony: Float64Array;
  /** Expected session RPE (before noise and rounding); NaN on REST. */
  readonly rpeExp: Float64Array;
  // ---- counters ----
  readonly injuries: Uint32Array;
  readonly illnesses: Uint32Array;
  readonly forcedDays: Uint32Array;

  /**
   * `states`, when given, are the athletes' starting states (snapshots, as what-ifs start); otherwise
   * every athlete starts at the equilibrium of its habitual week.
   */
  constructor(params: readonly AthleteParams[], states?: readonly AthleteState[]) {
    const n = params.length;
    this.n = n;
    this.params = params;
    this.a1 = f64(n);
    this.a2 = f64(n);
    this.a3 = f64(n);
    this.k1 = f64(n);
    this.k3L = f64(n);
    this.k3H = f64(n);
    this.readiness = f64(n);
    this.dF = f64(n);
    this.dS = f64(n);
    this.lnBase = f64(n);
    this.hrvSens = f64(n);
    this.rhrBase = f64(n);
    this.rhrSens = f64(n);
    this.sleepNeed = f64(n);
    this.sleepBase = f64(n);
    this.injRate = f64(n);
    this.illRate = f64(n);
    this.stressRate = f64(n);
    this.sleepShockRate = f64(n);
    this.cap = f64(n);
    this.rpeBias = f64(n);
    this.sorSens = f64(n);
    this.trainable = f64(n);
    this.impact = f64(n);
    this.sportCode = new Uint8Array(n);
    this.spec = f64(n * N_TYPES);
    this.g = f64(n);
    this.k2L = f64(n);
    this.k2H = f64(n);
    this.h = f64(n);
    this.perf = f64(n);
    this.perfPrev = f64(n);
    this.perf0 = f64(n);
    this.atl = f64(n);
    this.ctl = f64(n);
    this.ctl0 = f64(n);
    this.acute = f64(n);
    this.chronic = f64(n);
    this.sF = f64(n);
    this.sS = f64(n);
    this.sor = f64(n);
    this.stress = f64(n);
    this.sleepDebt = f64(n);
    this.hardStreak = f64(n);
    this.injDays = f64(n);
    this.illDays = f64(n);
    this.ring = f64(n * 7);
    this.lnHrv = f64(n);
    this.rhr = f64(n);
    this.sleep = f64(n);
    this.sleepScore = f64(n);
    this.ill = f64(n);
    this.soreM = f64(n);
    this.dayLnHrv = f64(n);
    this.dayRhr = f64(n);
    this.daySleep = f64(n);
    this.daySleepScore = f64(n);
    this.dayIll = f64(n);
    this.daySoreM = f64(n);
    this.type = new Uint8Array(n);
    this.requested = new Uint8Array(n);
    this.overridden = new Uint8Array(n);
    this.injuredDay = new Uint8Array(n);
    this.minutes = f64(n);
    this.load = f64(n);
    this.hazInj = f64(n);
    this.hazIll = f64(n);
    this.injEvent = new Uint8Array(n);
    this.illEvent = new Uint8Array(n);
    this.acwr = f64(n);
    this.monotony = f64(n);
    this.rpeExp = f64(n);
    this.injuries = new Uint32Array(n);
    this.illnesses = new Uint32Array(n);
    this.forcedDays = new Uint32Array(n);
    for (let i = 0; i < n; i++) this.loadParams(i, params[i]!);
    // A restored state replaces every field the equilibrium would set, so it is not computed first.
    for (let i = 0; i < n; i++) {
      if (states) this.restore(i, states[i]!);
      else this.initEquilibrium(i);
    }
    this.rpeExp.fill(NaN);
  }

  private loadParams(i: number, p: AthleteParams): void {
    this.a1[i] = Math.exp(-1 / p.tau1);
    this.a2[i] = Math.exp(-1 / p.tau2);
    this.a3[i] = Math.exp(-1 / p.tau3);
    this.k1[i] = p.k1;
    this.k3L[i] = p.k3Low;
    this.k3H[i] = p.k3High;
    this.readiness[i] = p.readinessGain;
    this.dF[i] = Math.exp(-1 / p.hrvTauFast);
    this.dS[i] = Math.exp(-1 / p.hrvTauSlow);
    this.lnBase[i] = p.lnRmssdBase;
    this.hrvSens[i] = p.hrvSens;
    this.rhrBase[i] = p.rhrBase;
    this.rhrSens[i] = p.rhrSens;
    this.sleepNeed[i] = p.sleepNeed;
    this.sleepBase[i] = p.sleepBase;
    this.injRate[i] = p.injuryRate;
    this.illRate[i] = p.illnessRate;
    this.stressRate[i] = p.lifeStressRate;
    this.sleepShockRate[i] = p.sleepShockRate;
    this.cap[i] = p.capacityLoad;
    this.rpeBias[i] = p.rpeBias;
    this.sorSens[i] = p.sorenessSens;
    this.trainable[i] = p.trainableRange;
    this.impact[i] = SPORT_IMPACT[p.sport];
    this.sportCode[i] = SPORT_CODES[p.sport];
    this.spec.set(SPORT_SPEC[p.sport], i * N_TYPES);
  }

  /**
   * Day-0 state: the periodic steady state of the sport's habitual week (model.habitualWeek) at a mean
   * daily load `initialLoad`, taken at the end of Sunday (day 0 is a Monday). P starts at 0 by construction.
   * Linear recursions have an exact periodic solution (model.periodicEnd); the readiness effect is ignored.
   */
  private initEquilibrium(i: number): void {
    const p = this.params[i]!;
    const L0 = Math.max(0, p.initialLoad);
    const week = habitualWeek(p.sport);
    const w = new Float64Array(7);
    const uL = new Float64Array(7);
    const uH = new Float64Array(7);
    const fit = new Float64Array(7);
    const impF = new Float64Array(7);
    const impS = new Float64Array(7);
    const neuro = new Float64Array(7);
    const spec = SPORT_SPEC[p.sport];
    const dF = this.dF[i]!;
    const dS = this.dS[i]!;
    for (let d = 0; d < 7; d++) {
      const t = week[d]!.type;
      const wd = 7 * week[d]!.share * L0;
      w[d] = wd;
      uH[d] = wd * SPLIT_HIGH[t]!;
      uL[d] = wd - uH[d]!;
      fit[d] = wd * spec[t]!;
      const imp = (wd / 100) * HRV_INTENSITY[t]!;
      impF[d] = imp * (1 - HRV_SLOW_FRACTION[t]!) * dF;
      impS[d] = imp * HRV_SLOW_FRACTION[t]! * dS;
      neuro[d] = (wd / 100) * NEURO[t]! * this.impact[i]! * D_SORENESS;
    }
    const a1 = this.a1[i]!;
    const a2 = this.a2[i]!;
    const a3 = this.a3[i]!;
    const k3L = this.k3L[i]!;
    const k3H = this.k3H[i]!;
    const g = periodicEnd(a1, fit);
    const kL = periodicEnd(a3, uL.map((u) => k3L * u));
    const kH = periodicEnd(a3, uH.map((u) => k3H * u));
    const hIn = new Float64Array(7);
    for (let d = 0; d < 7; d++) hIn[d] = kL[d]! * uL[d]! + kH[d]! * uH[d]!;
    const h = periodicEnd(a2, hIn);
    const ewma = (k: number): number => periodicEnd(1 - k, w.map((x) => k * x))[6]!;
    this.g[i] = g[6]!;
    this.k2L[i] = kL[6]!;
    this.k2H[i] = kH[6]!;
    this.h[i] = h[6]!;
    this.perf0[i] = this.k1[i]! * g[6]! - h[6]!;
    this.perf[i] = 0;
    this.perfPrev[i] = 0;
    this.atl[i] = ewma(K_ATL);
    this.ctl[i] = ewma(K_CTL);
    this.ctl0[i] = this.ctl[i]!;
    this.acute[i] = ewma(L_ACUTE);
    this.chronic[i] = ewma(L_CHRONIC);
    this.sF[i] = periodicEnd(dF, impF)[6]!;
    this.sS[i] = periodicEnd(dS, impS)[6]!;
    this.sor[i] = periodicEnd(D_SORENESS, neuro)[6]!;
    this.stress[i] = 0;
    this.sleepDebt[i] = Math.max(0, p.sleepNeed - p.sleepBase) / (1 - D_SLEEP_DEBT);
    let streak = 0;
    for (let d = 0; d < 7; d++) streak = HARD[week[d]!.type] ? streak + 1 : 0;
    this.hardStreak[i] = streak;
    this.injDays[i] = 0;
    this.illDays[i] = 0;
    for (let j = 0; j < 7; j++) this.ring[i * 7 + j] = w[j]!;
  }

  /**
   * Morning of the coming day: shocks, sleep, morning ln rMSSD and resting HR (truth).
   * rng === null: expected values (no shocks, no biological sleep noise).
   * Draws per athlete (when rng given): 2 uniforms + 1 normal.
   */
  morning(rng: Rng | null, shocks = true): void {
    const n = this.n;
    const { stress, illDays, ill, sF, sS, atl, ctl, ctl0, lnBase, hrvSens, rhrBase, rhrSens, cap } = this;
    const { sleepBase, sleepNeed, sleepDebt, stressRate, sleepShockRate, lnHrv, rhr, sleep, sleepScore } = this;
    const { sor, sorSens, soreM } = this;
    for (let i = 0; i < n; i++) {
      let s = stress[i]! * D_STRESS;
      let sleepLoss = 0;
      let zs = 0;
      if (rng !== null) {
        const u1 = rng.uniform();
        const u2 = rng.uniform();
        zs = rng.normal();
        if (shocks) {
          const r1 = stressRate[i]!;
          if (u1 < r1) s += 0.5 + (0.5 * u1) / r1;
          const r2 = sleepShockRate[i]!;
          if (u2 < r2) sleepLoss = 1.5 + (1.5 * u2) / r2;
        }
      }
      stress[i] = s;
      const il = illDays[i]! > 0 ? 1 : 0;
      ill[i] = il;
      const x = sF[i]! + sS[i]!;
      const ctlDelta = ctl[i]! - ctl0[i]!;
      const d = atl[i]! - ctl[i]!;
      const tsbNeg = d > 0 ? d : 0;
      lnHrv[i] = morningLnHrv(lnBase[i]!, hrvSens[i]!, x, ctlDelta, tsbNeg, s, il);
      rhr[i] = morningRhr(rhrBase[i]!, rhrSens[i]!, x, ctlDelta, tsbNeg, s, il);
      let over = tsbNeg / (0.5 * cap[i]!);
      if (over > 1) over = 1;
      let sl = sleepBase[i]! * (1 - 0.08 * over) - 0.6 * s - 0.5 * il - sleepLoss + 0.5 * zs;
      if (sl < 2) sl = 2;
      else if (sl > 12) sl = 12;
      sleep[i] = sl;
      const need = sleepNeed[i]!;
      const deficit = need - sl;
      sleepDebt[i] = sleepDebt[i]! * D_SLEEP_DEBT + (deficit > 0 ? deficit : 0);
      let sc = 85 + 10 * (sl - need) - 8 * s - 10 * il;
      if (sc < 0) sc = 0;
      else if (sc > 100) sc = 100;
      sleepScore[i] = sc;
      soreM[i] = 1 + sorSens[i]! * sor[i]!;
    }
  }

  /** Move the coming day's morning truth into the "last simulated day" buffers (reference swap). */
  swapDay(): void {
    let t = this.dayLnHrv;
    this.dayLnHrv = this.lnHrv;
    this.lnHrv = t;
    t = this.dayRhr;
    this.dayRhr = this.rhr;
    this.rhr = t;
    t = this.daySleep;
    this.daySleep = this.sleep;
    this.sleep = t;
    t = this.daySleepScore;
    this.daySleepScore = this.sleepScore;
    this.sleepScore = t;
    t = this.dayIll;
    this.dayIll = this.ill;
    this.ill = t;
    t = this.daySoreM;
    this.daySoreM = this.soreM;
    this.soreM = t;
  }

  /** Athlete i must rest today (injured or ill). */
  isForcedRest(i: number): boolean {
    return this.injDays[i]! > 0 || this.illDays[i]! > 0;
  }

  /**
   * The day's sessions. types: index into SESSION_TYPES (invalid → REST); minutes sanitised.
   * Forced-rest athletes are switched to REST (overridden = 1 when they asked for something else).
   * rng === null or events === false: hazards are computed but no injury/illness is drawn.
   * Draws per athlete (when rng given): 2 uniforms.
   */
  applySessions(types: ArrayLike<number>, minutes: ArrayLike<number>, rng: Rng | null, events = true): void {
    const n = this.n;
    const slot = this.day % 7;
    const { ring, acute, chronic, cap, lnBase, lnHrv, hardStreak, injDays, illDays, injRate, illRate, impact } = this;
    const { stress, sleepDebt, spec, readiness, g, k2L, k2H, h, a1, a2, a3, k1, k3L, k3H, perf, perfPrev, perf0 } = this;
    const { atl, ctl, sF, sS, dF, dS, sor, rpeBias, hrvSens } = this;
    const oType = this.type;
    const oReq = this.requested;
    const oOver = this.overridden;
    const oMin = this.minutes;
    const oLoad = this.load;
    const oHI = this.hazInj;
    const oHL = this.hazIll;
    const oIE = this.injEvent;
    const oLE = this.illEvent;
    const oAcwr = this.acwr;
    const oMono = this.monotony;
    const oRpe = this.rpeExp;
    const oInjDay = this.injuredDay;
    const forcedDays = this.forcedDays;
    const injuries = this.injuries;
    const illnesses = this.illnesses;
    for (let i = 0; i < n; i++) {
      let t = types[i]! | 0;
      if (t < 0 || t >= N_TYPES) t = 0;
      let mins = t === 0 ? 0 : sanitizeMinutes(minutes[i]!);
      oReq[i] = t;
      const injLeft = injDays[i]!;
      const illLeft = illDays[i]!;
      const forced = injLeft > 0 || illLeft > 0;
      oOver[i] = 0;
      oInjDay[i] = injLeft > 0 ? 1 : 0;
      if (forced) {
        if (t !== 0) oOver[i] = 1;
        t = 0;
        mins = 0;
        forcedDays[i]!++;
        if (injLeft > 0) injDays[i] = injLeft - 1;
        if (illLeft > 0) illDays[i] = illLeft - 1;
      }
      if (mins === 0) t = 0;
      const w = (LOAD_PER_HOUR[t]! * mins) / 60;
      oType[i] = t;
      oMin[i] = mins;
      oLoad[i] = w;

      // --- load metrics including today ---
      const ac = acute[i]! + L_ACUTE * (w - acute[i]!);
      const ch = chronic[i]! + L_CHRONIC * (w - chronic[i]!);
      acute[i] = ac;
      chronic[i] = ch;
      const capI = cap[i]!;
      oAcwr[i] = ac / (ch > 1 ? ch : 1);
      const floor = 0.25 * capI;
      const acwrRisk = ac / (ch > floor ? ch : floor);
      const base7 = i * 7;
      ring[base7 + slot] = w;
      let sum = 0;
      let sumSq = 0;
      for (let j = 0; j < 7; j++) {
        const v = ring[base7 + j]!;
        sum += v;
        sumSq += v * v;
      }
      const mean = sum / 7;
      let varc = sumSq / 7 - mean * mean;
      if (varc < 0) varc = 0;
      const sd = Math.sqrt(varc);
      const mono = mean > 0 ? (sd > mean / 4 ? mean / sd : 4) : 0;
      oMono[i] = mono;

      // --- hazards ---
      const dev = lnHrv[i]! - lnBase[i]!;
      const supp = suppressionUnits(dev);
      const hard = HARD[t]!;
      const chRel = ch / capI;
      let hi = 0;
      if (t !== 0) {
        const exposure = (mins / 60) * INJURY_EXPOSURE[t]! * impact[i]!;
        const lnRR =
          RISK_ACWR * (acwrRisk > 1 ? acwrRisk - 1 : 0) -
          RISK_CHRONIC * (chRel < 1.5 ? chRel : 1.5) +
          RISK_MONOTONY * (mono > RISK_MONOTONY_FREE ? mono - RISK_MONOTONY_FREE : 0) +
          hard * (RISK_HRV * supp + RISK_HARD_STREAK * (hardStreak[i]! < RISK_HARD_STREAK_CAP ? hardStreak[i]! : RISK_HARD_STREAK_CAP));
        hi = injRate[i]! * exposure * Math.exp(lnRR);
        if (hi > HAZARD_CAP) hi = HAZARD_CAP;
      }
      let hl = 0;
      if (illLeft <= 0) {
        const lnRR =
          ILL_STRESS * stress[i]! +
          ILL_SLEEP_DEBT * sleepDebt[i]! +
          ILL_ACWR * (acwrRisk > 1.2 ? acwrRisk - 1.2 : 0) +
          ILL_MONOTONY * (mono > 2 ? mono - 2 : 0) +
          ILL_HRV * supp;
        hl = illRate[i]! * Math.exp(lnRR);
        if (hl > HAZARD_CAP) hl = HAZARD_CAP;
      }
      oHI[i] = hi;
      oHL[i] = hl;
      oIE[i] = 0;
      oLE[i] = 0;
      if (rng !== null) {
        const uI = rng.uniformPos();
        const uL = rng.uniformPos();
        if (events) {
          if (uI < hi) {
            oIE[i] = 1;
            injuries[i]!++;
            const d = INJURY_MIN_DAYS + Math.floor(-Math.log(uI / hi) * INJURY_MEAN_EXTRA);
            if (d > injDays[i]!) injDays[i] = d;
          }
          if (uL < hl) {
            oLE[i] = 1;
            illnesses[i]!++;
            const d = ILLNESS_MIN_DAYS + Math.floor(-Math.log(uL / hl) * ILLNESS_MEAN_EXTRA);
            if (d > illDays[i]!) illDays[i] = d;
          }
        }
      }

      // --- expected RPE uses the morning state ---
      const x = sF[i]! + sS[i]!;
      oRpe[i] = t === 0 ? NaN : expectedRpe(t, mins, rpeBias[i]!, hrvSens[i]! * x, sleepDebt[i]!);

      // --- fitness–fatigue (Busso 2003, two fatigue channels) ---
      const uH = w * SPLIT_HIGH[t]!;
      const uLo = w - uH;
      const rf = w > 0 ? readinessFactor(readiness[i]!, supp, uH / w) : 1;
      const gi = a1[i]! * g[i]! + w * spec[i * N_TYPES + t]! * rf;
      g[i] = gi;
      const kl = a3[i]! * k2L[i]! + k3L[i]! * uLo;
      const kh = a3[i]! * k2H[i]! + k3H[i]! * uH;
      k2L[i] = kl;
      k2H[i] = kh;
      const hh = a2[i]! * h[i]! + kl * uLo + kh * uH;
      h[i] = hh;
      perfPrev[i] = perf[i]!;
      perf[i] = k1[i]! * gi - hh - perf0[i]!;

      // --- ATL / CTL ---
      atl[i] = atl[i]! + K_ATL * (w - atl[i]!);
      ctl[i] = ctl[i]! + K_CTL * (w - ctl[i]!);

      // --- HRV compartments (unit sensitivity) and soreness ---
      const imp = (w / 100) * HRV_INTENSITY[t]!;
      const q = HRV_SLOW_FRACTION[t]!;
      sF[i] = (sF[i]! + imp * (1 - q)) * dF[i]!;
      sS[i] = (sS[i]! + imp * q) * dS[i]!;
      sor[i] = (sor[i]! + (w / 100) * NEURO[t]! * impact[i]!) * D_SORENESS;
      hardStreak[i] = hard ? hardStreak[i]! + 1 : 0;
    }
  }

  /** Deep copy (all typed arrays copied). */
  clone(): TwinBatch {
    const c = Object.create(TwinBatch.prototype) as Record<string, unknown>;
    for (const [k, v] of Object.entries(this)) c[k] = ArrayBuffer.isView(v) ? (v as Float64Array).slice() : v;
    return c as unknown as TwinBatch;
  }

  /** Plain snapshot of athlete i (state after the last simulated day + the coming morning). */
  snapshot(i: number): AthleteState {
    const s = { recentLoads: [] as number[] } as unknown as AthleteState;
    for (const f of STATE_FIELDS) s[f] = this[f][i]!;
    const base = i * 7;
    // oldest first: the slot of the coming day holds the load of 7 days ago
    for (let j = 0; j < 7; j++) s.recentLoads.push(this.ring[base + ((this.day + j) % 7)]!);
    return s;
  }

  /** Restore athlete i from a snapshot (parameters stay those given at construction). */
  restore(i: number, s: AthleteState): void {
    for (const f of STATE_FIELDS) this[f][i] = s[f];
    const base = i * 7;
    for (let j = 0; j < 7; j++) this.ring[base + ((this.day + j) % 7)] = s.recentLoads[j] ?? 0;
  }
}
