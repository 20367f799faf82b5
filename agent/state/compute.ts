import { HARD_SESSIONS, SESSION_INDEX, SESSION_TYPES } from '../../twin/types.ts';
import type { DailyObservation, SessionType, TestResult } from '../../twin/types.ts';
import { sessionLoad } from '../../twin/load.ts';
import { dayOfWeek, epochDay, isoDate } from './dates.ts';
import type { AthleteState, HrvBand, StateConfig, StateFlag, StateOptions, TestTrend } from './types.ts';

export const DEFAULT_STATE_CONFIG: Readonly<StateConfig> = Object.freeze({
  atlDays: 7,
  ctlDays: 42,
  acwrAcuteDays: 7,
  acwrChronicDays: 28,
  acwrChronicFloor: 10,
  acwrMinDays: 28,
  rampMinDays: 42,
  monotonyCap: 10,
  baselineWindowDays: 60,
  baselineMinDays: 14,
  rollingMinDays: 3,
  sleepNormMinDays: 7,
  bandSd: 0.5,
  minLnSd: 0.01,
  hardRpe: 7,
  restLoadMax: 20,
  srpePerTss: 4.5,
  illnessMemoryDays: 3,
  injuryMemoryDays: 7,
  expectedRpe: Object.freeze({ REST: 0, ACTIVE_RECOVERY: 2, ENDURANCE: 3.5, TEMPO: 5.5, INTERVALS: 7.5, STRENGTH: 6.5 }),
  defaultMinutes: Object.freeze({ REST: 0, ACTIVE_RECOVERY: 30, ENDURANCE: 60, TEMPO: 55, INTERVALS: 55, STRENGTH: 45 }),
});

// Imported functions bound locally once (test runners rewrite imports into property look-ups).
const parseDay = epochDay;
const formatDay = isoDate;
const weekday = dayOfWeek;
const loadOf = sessionLoad;

// Module-local copies of the vocabulary (hot loop: no cross-module binding lookups).
const TYPES: readonly SessionType[] = [...SESSION_TYPES];
const HARD_BY_INDEX: readonly boolean[] = TYPES.map((t) => HARD_SESSIONS.has(t));
const REST_INDEX = SESSION_INDEX.REST;
const AR_INDEX = SESSION_INDEX.ACTIVE_RECOVERY;

/** Index of a session type in SESSION_TYPES, −1 when not a session type. */
function typeIndex(v: unknown): number {
  switch (v) {
    case 'REST':
      return REST_INDEX;
    case 'ACTIVE_RECOVERY':
      return AR_INDEX;
    case 'ENDURANCE':
    case 'TEMPO':
    case 'INTERVALS':
    case 'STRENGTH':
      return TYPES.indexOf(v);
    default:
      return -1;
  }
}

// Per-day flag bits in the scratch buffer.
const LOGGED = 1;
const HARD = 2;
const REST = 4;
const IMPUTED = 8;

// Scratch buffers reused across calls (the engine is synchronous, so one set is enough).
let capacity = 0;
let LOAD = new Float64Array(0);
let LN = new Float64Array(0);
let RHR = new Float64Array(0);
let SLEEP = new Float64Array(0);
let CTLS = new Float64Array(0);
let FLAGS = new Uint8Array(0);
let TYPE = new Int8Array(0);
let obsCapacity = 0;
let DAYS = new Float64Array(0); // epoch day of each observation (NaN = invalid date)

function ensureCapacity(n: number): void {
  if (n <= capacity) return;
  capacity = Math.max(n, capacity * 2, 256);
  LOAD = new Float64Array(capacity);
  LN = new Float64Array(capacity);
  RHR = new Float64Array(capacity);
  SLEEP = new Float64Array(capacity);
  CTLS = new Float64Array(capacity);
  FLAGS = new Uint8Array(capacity);
  TYPE = new Int8Array(capacity);
}

function num(v: unknown, lo: number, hi: number): number {
  return typeof v === 'number' && v >= lo && v <= hi ? v : Number.NaN; // NaN fails both comparisons
}

function isSessionType(v: unknown): v is SessionType {
  return typeIndex(v) >= 0;
}

/** Merge a partial config over the defaults. */
export function stateConfig(partial?: Partial<StateConfig>): StateConfig {
  return partial ? { ...DEFAULT_STATE_CONFIG, ...partial } : (DEFAULT_STATE_CONFIG as StateConfig);
}

/**
 * Effective training load of one logged day (TSS scale), and whether it was imputed.
 *
 * Missing-load policy (documented in agent/README.md):
 * - a day the athlete logged nothing for (no observation, or no training fields) counts as 0 load;
 * - a skipped session counts as 0;
 * - a logged session without `load` is imputed: session-RPE (RPE × minutes / 4.5) when both are known,
 *   otherwise the twin's sessionLoad(type, minutes ?? default minutes of the type).
 */
export function dayLoad(o: DailyObservation, cfg: StateConfig = DEFAULT_STATE_CONFIG as StateConfig): { load: number; imputed: boolean } {
  const load = effectiveLoad(o, cfg);
  return { load, imputed: lastImputed };
}

let lastImputed = false;

/** dayLoad without the allocation: returns the load and leaves `lastImputed` set. */
function effectiveLoad(o: DailyObservation, cfg: StateConfig): number {
  lastImputed = false;
  if (o.completion === 'skipped') return 0;
  const load = num(o.load, 0, 5000);
  if (load === load) return load;
  const ti = typeIndex(o.sessionType);
  const minutes = num(o.minutes, 0, 24 * 60);
  const rpe = num(o.rpe, 0, 10);
  if (rpe === rpe && minutes === minutes && ti !== REST_INDEX) {
    lastImputed = true;
    return (rpe * minutes) / cfg.srpePerTss;
  }
  if (ti >= 0 && ti !== REST_INDEX) {
    const type = TYPES[ti]!;
    const m = minutes === minutes ? minutes : cfg.defaultMinutes[type];
    const l = loadOf(type, m);
    lastImputed = true;
    return Number.isFinite(l) && l > 0 ? l : 0;
  }
  return 0;
}

/**
 * Compute the athlete's state on the morning of `targetDate` from the daily history.
 *
 * O(days) in one forward pass over the calendar plus constant-size look-backs; no luxon, no Date.
 * `history` should be in date order (an unsorted history is sorted in a copy and flagged). Entries after
 * `targetDate` and entries with an invalid date are ignored. Duplicate dates: the later entry's defined
 * fields win.
 */
export function computeState(history: readonly DailyObservation[], targetDate: string, options: StateOptions = {}): AthleteState {
  const cfg = stateConfig(options.config);
  const target = epochDay(targetDate);
  if (target !== target) throw new RangeError(`computeState: invalid target date ${JSON.stringify(targetDate)}`);
  const flags: StateFlag[] = [];

  // Valid observations up to the target, in date order; each date parsed once.
  let obs = history;
  if (history.length > obsCapacity) {
    obsCapacity = Math.max(history.length, obsCapacity * 2, 256);
    DAYS = new Float64Array(obsCapacity);
  }
  let sorted = true;
  let prev = -Infinity;
  for (let k = 0; k < history.length; k++) {
    const d = parseDay(history[k]!.date);
    DAYS[k] = d;
    if (d < prev) sorted = false;
    if (d === d) prev = d;
  }
  if (!sorted) {
    obs = [...history].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    for (let k = 0; k < obs.length; k++) DAYS[k] = parseDay(obs[k]!.date);
    flags.push('unsorted_input');
  }
  let first = target;
  let lastIdx = -1; // index in obs of the last valid observation ≤ target
  let firstFound = false;
  for (let k = 0; k < obs.length; k++) {
    const d = DAYS[k]!;
    if (d !== d) continue;
    if (d > target) break;
    if (!firstFound) {
      first = d;
      firstFound = true;
    }
    lastIdx = k;
  }
  if (!firstFound) flags.push('empty_history');

  const n = target - first + 1; // days first..target inclusive; index n-1 = today
  const y = n - 2; // yesterday's index (−1 when the history starts today)
  ensureCapacity(n);
  LOAD.fill(0, 0, n);
  LN.fill(Number.NaN, 0, n);
  RHR.fill(Number.NaN, 0, n);
  SLEEP.fill(Number.NaN, 0, n);
  FLAGS.fill(REST, 0, n);
  TYPE.fill(-1, 0, n);

  for (let k = 0; k <= lastIdx; k++) {
    const o = obs[k]!;
    const i = DAYS[k]! - first;
    if (i !== i || i < 0) continue;
    FLAGS[i] = FLAGS[i]! | LOGGED;
    const hrv = num(o.hrvRmssd, 1e-3, 1000);
    if (hrv === hrv) LN[i] = Math.log(hrv);
    const rhr = num(o.restingHr, 20, 150);
    if (rhr === rhr) RHR[i] = rhr;
    const sl = num(o.sleepHours, 0, 24);
    if (sl === sl) SLEEP[i] = sl;
    if (i > y || !hasTraining(o)) continue; // today's training is what we are deciding
    const load = effectiveLoad(o, cfg);
    const imputed = lastImputed;
    LOAD[i] = load;
    const ti = typeIndex(o.sessionType);
    const skipped = o.completion === 'skipped';
    let f = LOGGED;
    if (imputed) f |= IMPUTED;
    if (!skipped && ti >= 0 && HARD_BY_INDEX[ti]) f |= HARD;
    if (!skipped && ti < 0 && num(o.rpe, 0, 10) >= cfg.hardRpe) f |= HARD;
    if (skipped || ti === REST_INDEX || ti === AR_INDEX || (ti < 0 && load < cfg.restLoadMax)) f |= REST;
    FLAGS[i] = f;
    TYPE[i] = ti;
  }

  // --- ATL / CTL / EWMA: one pass over the days before today ---
  const seed = options.seed ?? {};
  const kA = 1 - Math.exp(-1 / cfg.atlDays);
  const kC = 1 - Math.exp(-1 / cfg.ctlDays);
  const lA = 2 / (cfg.acwrAcuteDays + 1);
  const lC = 2 / (cfg.acwrChronicDays + 1);
  const seedCtl = finiteOr(seed.ctl, 0);
  let atl = finiteOr(seed.atl, 0);
  let ctl = seedCtl;
  let ae = finiteOr(seed.acuteEwma, 0);
  let ce = finiteOr(seed.chronicEwma, 0);
  for (let i = 0; i <= y; i++) {
    const L = LOAD[i]!;
    atl += (L - atl) * kA;
    ctl += (L - ctl) * kC;
    ae = lA * L + (1 - lA) * ae;
    ce = lC * L + (1 - lC) * ce;
    CTLS[i] = ctl;
  }
  const historyDays = n - 1;

  const acwrColdStart = ce < cfg.acwrChronicFloor || (historyDays < cfg.acwrMinDays && !Number.isFinite(seed.chronicEwma));
  const acwr = acwrColdStart ? undefined : ae / ce;
  if (historyDays < cfg.acwrMinDays) flags.push('short_history');
  if (acwrColdStart) flags.push('acwr_cold_start');

  let ctlRampPerWeek: number | undefined;
  const rampReady = historyDays >= cfg.rampMinDays || (Number.isFinite(seed.ctl) && historyDays >= 7);
  if (rampReady) ctlRampPerWeek = ctl - (y - 7 >= 0 ? CTLS[y - 7]! : seedCtl);
  else flags.push('ramp_cold_start');

  // --- last 7 days of load: monotony and strain ---
  let load7d = 0;
  for (let i = y - 6; i <= y; i++) if (i >= 0) load7d += LOAD[i]!;
  const mean7 = load7d / 7;
  let ss = 0;
  for (let i = y - 6; i <= y; i++) {
    const dl = (i >= 0 ? LOAD[i]! : 0) - mean7;
    ss += dl * dl;
  }
  const sd7 = Math.sqrt(ss / 6);
  const monotony = mean7 <= 0 ? 0 : sd7 * cfg.monotonyCap <= mean7 ? cfg.monotonyCap : mean7 / sd7;
  const strain = load7d * monotony;

  // --- HRV ---
  const today = n - 1;
  let c7 = 0;
  let s7 = 0;
  for (let i = Math.max(0, today - 6); i <= today; i++) {
    const v = LN[i]!;
    if (v === v) {
      c7++;
      s7 += v;
    }
  }
  const lnRmssd7 = c7 >= cfg.rollingMinDays ? s7 / c7 : undefined;
  if (c7 < cfg.rollingMinDays) flags.push('hrv_sparse');
  const b0 = Math.max(0, today - cfg.baselineWindowDays);
  const hrvBase = meanSd(LN, b0, y);
  const hrvBaselineReady = hrvBase.count >= cfg.baselineMinDays;
  if (!hrvBaselineReady) flags.push('hrv_baseline_not_ready');
  const lnToday = LN[today]!;
  const lnRmssdToday = lnToday === lnToday ? lnToday : undefined;
  if (lnRmssdToday === undefined) flags.push('no_hrv_today');
  let lnRmssdBaselineMean: number | undefined;
  let lnRmssdBaselineSd: number | undefined;
  let hrvBandLower: number | undefined;
  let hrvBandUpper: number | undefined;
  let hrvZ: number | undefined;
  let hrvTodayZ: number | undefined;
  let hrvBand: HrvBand = 'unknown';
  if (hrvBaselineReady) {
    const sd = Math.max(hrvBase.sd, cfg.minLnSd);
    lnRmssdBaselineMean = hrvBase.mean;
    lnRmssdBaselineSd = sd;
    hrvBandLower = hrvBase.mean - cfg.bandSd * sd;
    hrvBandUpper = hrvBase.mean + cfg.bandSd * sd;
    if (lnRmssd7 !== undefined) {
      hrvZ = (lnRmssd7 - hrvBase.mean) / sd;
      hrvBand = lnRmssd7 < hrvBandLower ? 'below' : lnRmssd7 > hrvBandUpper ? 'above' : 'inside';
    }
    if (lnRmssdToday !== undefined) hrvTodayZ = (lnRmssdToday - hrvBase.mean) / sd;
  }
  let hrvFallingDays = 0;
  for (let i = today; i >= 1; i--) {
    const a = LN[i]!;
    const b = LN[i - 1]!;
    if (a === a && b === b && a < b) hrvFallingDays++;
    else break;
  }
  let hrvResponseLastHard: number | undefined;
  for (let i = y; i >= 0 && i >= y - 27; i--) {
    if ((FLAGS[i]! & HARD) === 0) continue;
    const a = LN[i]!;
    const b = LN[i + 1]!;
    if (a === a && b === b) {
      hrvResponseLastHard = b - a;
      break;
    }
  }

  // --- resting HR and sleep ---
  const rhrBase = meanSd(RHR, b0, y);
  const rhrToday = RHR[today]!;
  const restingHrToday = rhrToday === rhrToday ? rhrToday : undefined;
  const restingHrBaseline = rhrBase.count >= cfg.baselineMinDays ? rhrBase.mean : undefined;
  if (restingHrBaseline === undefined) flags.push('rhr_baseline_not_ready');
  if (restingHrToday === undefined) flags.push('no_rhr_today');
  const restingHrDeviation = restingHrToday !== undefined && restingHrBaseline !== undefined ? restingHrToday - restingHrBaseline : undefined;
  const sleepBase = meanSd(SLEEP, b0, y);
  const sl = SLEEP[today]!;
  const sleepHoursToday = sl === sl ? sl : undefined;
  const sleepNorm = sleepBase.count >= cfg.sleepNormMinDays ? sleepBase.mean : undefined;
  if (sleepNorm === undefined) flags.push('sleep_norm_not_ready');
  if (sleepHoursToday === undefined) flags.push('no_sleep_today');
  const sleepDeviation = sleepHoursToday !== undefined && sleepNorm !== undefined ? sleepHoursToday - sleepNorm : undefined;
  const sleep3 = meanSd(SLEEP, Math.max(0, today - 2), today);
  const sleepAvg3 = sleep3.count > 0 ? sleep3.mean : undefined;

  // --- recovery pattern ---
  let daysSinceRest = today + 1; // the day before the history counts as rest
  for (let i = y; i >= 0; i--) {
    if (FLAGS[i]! & REST) {
      daysSinceRest = today - i;
      break;
    }
  }
  let daysSinceHard: number | undefined;
  let lastHardType: SessionType | undefined;
  for (let i = y; i >= 0; i--) {
    if (FLAGS[i]! & HARD) {
      daysSinceHard = today - i;
      const t = TYPE[i]!;
      lastHardType = t >= 0 ? TYPES[t] : undefined;
      break;
    }
  }
  let consecutiveHardDays = 0;
  for (let i = y; i >= 0 && FLAGS[i]! & HARD; i--) consecutiveHardDays++;

  let daysLogged7 = 0;
  let daysLogged28 = 0;
  for (let i = Math.max(0, today - 27); i <= today; i++) {
    if (FLAGS[i]! & LOGGED) {
      daysLogged28++;
      if (i > today - 7) daysLogged7++;
    }
  }
  let loadImputedDays28 = 0;
  for (let i = Math.max(0, y - 27); i <= y; i++) if (FLAGS[i]! & IMPUTED) loadImputedDays28++;
  if (loadImputedDays28 > 0) flags.push('load_imputed');

  // --- subjective, tests, health: walk the observations backwards ---
  let latestRpe: number | undefined;
  let latestRpeAgeDays: number | undefined;
  let latestRpeType: SessionType | undefined;
  let latestRpeResidual: number | undefined;
  let resSum = 0;
  let resCount = 0;
  let latestSoreness: number | undefined;
  let latestSorenessAgeDays: number | undefined;
  let latestWellness: AthleteState['latestWellness'];
  let latestWellnessScore: number | undefined;
  let latestWellnessAgeDays: number | undefined;
  let illness: boolean | undefined;
  let injury: boolean | undefined;
  let testMap: Map<string, TestTrend> | undefined;
  const horizon = Math.max(7, cfg.illnessMemoryDays, cfg.injuryMemoryDays);
  for (let k = lastIdx; k >= 0; k--) {
    const o = obs[k]!;
    const d = DAYS[k]!;
    if (d !== d) continue;
    const i = d - first;
    const age = today - i;
    const tr = o.testResult;
    if (tr && i <= y && isValidTest(tr)) {
      testMap ??= new Map();
      const t = testMap.get(tr.test);
      if (t === undefined) {
        testMap.set(tr.test, {
          test: tr.test,
          unit: tr.unit,
          higherIsBetter: tr.higherIsBetter,
          latest: tr.value,
          latestDate: formatDay(d),
          ageDays: age,
          previous: undefined,
          previousDate: undefined,
          changePct: undefined,
        });
      } else if (t.previous === undefined && formatDay(d) !== t.latestDate) {
        t.previous = tr.value;
        t.previousDate = formatDay(d);
        t.changePct = ((t.latest - tr.value) / Math.abs(tr.value)) * 100 * (t.higherIsBetter ? 1 : -1);
      }
    }
    // Past the recent horizon with everything found, only test results are still of interest.
    if (age > horizon && latestRpe !== undefined && latestSoreness !== undefined && latestWellness !== undefined) continue;
    if (illness === undefined && age < cfg.illnessMemoryDays && typeof o.illness === 'boolean') illness = o.illness;
    if (injury === undefined && age < cfg.injuryMemoryDays && typeof o.injury === 'boolean') injury = o.injury;
    if (latestSoreness === undefined) {
      const s = num(o.soreness, 1, 5);
      if (s === s) {
        latestSoreness = s;
        latestSorenessAgeDays = age;
      }
    }
    if (latestWellness === undefined && o.wellness) {
      const sc = wellnessScore(o.wellness);
      if (sc !== undefined) {
        latestWellness = { ...o.wellness };
        latestWellnessScore = sc;
        latestWellnessAgeDays = age;
      }
    }
    if (i > y) continue; // today's session fields are ignored
    const rpe = num(o.rpe, 0, 10);
    const type = isSessionType(o.sessionType) ? o.sessionType : undefined;
    if (rpe === rpe && o.completion !== 'skipped') {
      const residual = type !== undefined && type !== 'REST' ? rpe - cfg.expectedRpe[type] : undefined;
      if (latestRpe === undefined) {
        latestRpe = rpe;
        latestRpeAgeDays = age;
        latestRpeType = type;
        latestRpeResidual = residual;
      }
      if (residual !== undefined && age <= 7) {
        resSum += residual;
        resCount++;
      }
    }
  }

  const seasonStart = options.seasonStart !== undefined ? epochDay(options.seasonStart) : Number.NaN;
  const goal = options.goalDate !== undefined ? epochDay(options.goalDate) : Number.NaN;

  return {
    date: targetDate,
    epochDay: target,
    dayOfWeek: weekday(target),
    historyDays,
    daysLogged7,
    daysLogged28,
    loadImputedDays28,
    atl,
    ctl,
    tsb: ctl - atl,
    acuteEwma: ae,
    chronicEwma: ce,
    acwr,
    acwrColdStart,
    ctlRampPerWeek,
    loadYesterday: y >= 0 ? LOAD[y]! : 0,
    load7d,
    monotony,
    strain,
    hrvRmssdToday: lnRmssdToday === undefined ? undefined : Math.exp(lnRmssdToday),
    lnRmssdToday,
    lnRmssd7,
    lnRmssdBaselineMean,
    lnRmssdBaselineSd,
    hrvBandLower,
    hrvBandUpper,
    hrvZ,
    hrvTodayZ,
    hrvBand,
    hrvFallingDays,
    hrvDays7: c7,
    hrvBaselineDays: hrvBase.count,
    hrvBaselineReady,
    hrvResponseLastHard,
    restingHrToday,
    restingHrBaseline,
    restingHrDeviation,
    sleepHoursToday,
    sleepNorm,
    sleepDeviation,
    sleepAvg3,
    daysSinceRest,
    daysSinceHard,
    consecutiveHardDays,
    lastHardType,
    latestRpe,
    latestRpeAgeDays,
    latestRpeType,
    latestRpeResidual,
    rpeResidual7: resCount > 0 ? resSum / resCount : undefined,
    latestSoreness,
    latestSorenessAgeDays,
    latestWellness,
    latestWellnessScore,
    latestWellnessAgeDays,
    tests: testMap ? [...testMap.values()].sort((a, b) => a.ageDays - b.ageDays) : [],
    illness: illness === true,
    injury: injury === true,
    daysSinceSeasonStart: seasonStart === seasonStart ? target - seasonStart : undefined,
    daysToGoal: goal === goal ? goal - target : undefined,
    flags,
  };
}

function hasTraining(o: DailyObservation): boolean {
  return o.load !== undefined || o.sessionType !== undefined || o.minutes !== undefined || o.rpe !== undefined || o.completion !== undefined;
}

function finiteOr(v: number | undefined, dflt: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

/** Mean and sample SD of the non-NaN values of a[from..to] (inclusive). */
function meanSd(a: Float64Array, from: number, to: number): { count: number; mean: number; sd: number } {
  let c = 0;
  let s = 0;
  for (let i = Math.max(0, from); i <= to; i++) {
    const v = a[i]!;
    if (v === v) {
      c++;
      s += v;
    }
  }
  if (c === 0) return { count: 0, mean: Number.NaN, sd: Number.NaN };
  const mean = s / c;
  let ss = 0;
  for (let i = Math.max(0, from); i <= to; i++) {
    const v = a[i]!;
    if (v === v) ss += (v - mean) * (v - mean);
  }
  return { count: c, mean, sd: c > 1 ? Math.sqrt(ss / (c - 1)) : 0 };
}

function wellnessScore(w: NonNullable<DailyObservation['wellness']>): number | undefined {
  let c = 0;
  let s = 0;
  for (const v of [w.sleepQuality, w.fatigue, w.stress, w.mood, w.soreness]) {
    const x = num(v, 1, 5);
    if (x === x) {
      c++;
      s += x;
    }
  }
  return c > 0 ? s / c : undefined;
}

function isValidTest(t: TestResult): boolean {
  return typeof t.test === 'string' && t.test.length > 0 && typeof t.value === 'number' && Number.isFinite(t.value) && t.value !== 0;
}

/**
 * ACWR after adding `load` today (Williams EWMA one step ahead), or undefined during the ACWR cold start.
 * Used by the mask (projected spike) and the ACWR baseline.
 */
export function projectedAcwr(s: AthleteState, load: number, config?: Partial<StateConfig>): number | undefined {
  if (s.acwrColdStart) return undefined;
  const c = config ? stateConfig(config) : DEFAULT_STATE_CONFIG;
  const lA = 2 / (c.acwrAcuteDays + 1);
  const lC = 2 / (c.acwrChronicDays + 1);
  const L = Number.isFinite(load) && load > 0 ? load : 0;
  const chronic = lC * L + (1 - lC) * s.chronicEwma;
  if (!(chronic > 0)) return undefined;
  return (lA * L + (1 - lA) * s.acuteEwma) / chronic;
}
