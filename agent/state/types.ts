import type { SessionType, TestResult, Wellness } from '../../twin/types.ts';

/** Where the 7-day rolling lnRMSSD sits against the athlete's normal band (baseline mean ± 0.5 SD). */
export type HrvBand = 'below' | 'inside' | 'above' | 'unknown';

/** Data-quality and cold-start flags raised while computing a state (for explanations and logs). */
export type StateFlag =
  | 'empty_history'
  | 'short_history' // fewer than acwrMinDays days of load history
  | 'acwr_cold_start' // ACWR undefined: chronic load below the floor or history too short
  | 'ramp_cold_start' // CTL ramp undefined: history shorter than rampMinDays (CTL still rising from 0)
  | 'hrv_baseline_not_ready' // fewer than baselineMinDays HRV values in the baseline window
  | 'hrv_sparse' // fewer than rollingMinDays HRV values in the last 7 days
  | 'no_hrv_today'
  | 'rhr_baseline_not_ready'
  | 'no_rhr_today'
  | 'sleep_norm_not_ready'
  | 'no_sleep_today'
  | 'load_imputed' // at least one training day in the last 28 had its load imputed (RPE × min or session type)
  | 'unsorted_input'; // history was not in date order (sorted a copy)

/** Trend of one named test (e.g. '400m', 'FTP'), from the two most recent results before the target date. */
export interface TestTrend {
  test: string;
  unit: string;
  higherIsBetter: boolean;
  latest: number;
  latestDate: string;
  /** Days between the latest result and the target date. */
  ageDays: number;
  previous: number | undefined;
  previousDate: string | undefined;
  /** Signed change latest vs previous in percent, positive = better (time shorter or watts higher). */
  changePct: number | undefined;
}

/**
 * The athlete's state on the morning of `date`, before today's session.
 *
 * Load metrics use the days before `date` (today's session is what we are deciding); morning readings
 * (HRV, resting HR, sleep, wellness, soreness, illness/injury) include `date` itself. Optional readings
 * are `undefined` (never NaN) when unknown; `flags` says why.
 */
export interface AthleteState {
  date: string;
  epochDay: number;
  /** Monday = 0 … Sunday = 6. */
  dayOfWeek: number;
  /** Days of history before `date` (from the first observation to yesterday). 0 = cold start. */
  historyDays: number;
  /** Days with any observation among the last 7 / 28 days ending today. */
  daysLogged7: number;
  daysLogged28: number;
  /** Training days in the last 28 whose load was imputed (no `load` given). */
  loadImputedDays28: number;

  // --- load (TSS scale) ---
  /** Acute training load (7-day exponential, TrainingPeaks), value at the end of yesterday. */
  atl: number;
  /** Chronic training load (42-day exponential), value at the end of yesterday. */
  ctl: number;
  /** Training stress balance = CTL − ATL from yesterday's values (form for today). */
  tsb: number;
  /** Williams 2017 EWMA of load, λ = 2/(7+1), end of yesterday. */
  acuteEwma: number;
  /** Williams 2017 EWMA of load, λ = 2/(28+1), end of yesterday. */
  chronicEwma: number;
  /** acuteEwma / chronicEwma, or undefined during the cold start (see acwrColdStart). */
  acwr: number | undefined;
  acwrColdStart: boolean;
  /** CTL(yesterday) − CTL(8 days ago): CTL points gained over the last 7 days; undefined in the cold start. */
  ctlRampPerWeek: number | undefined;
  /** Load of yesterday. */
  loadYesterday: number;
  /** Sum of the loads of the last 7 days (yesterday and the 6 before). */
  load7d: number;
  /** Foster 1998: mean / sample SD of the last 7 daily loads (0 when no load; capped at config.monotonyCap). */
  monotony: number;
  /** Foster 1998: weekly load × monotony. */
  strain: number;

  // --- HRV (natural log of rMSSD in ms) ---
  hrvRmssdToday: number | undefined;
  lnRmssdToday: number | undefined;
  /** Mean of lnRMSSD over the 7 days ending today (needs config.rollingMinDays values). */
  lnRmssd7: number | undefined;
  /** Mean and sample SD of daily lnRMSSD over the baseline window (60 days ending yesterday). */
  lnRmssdBaselineMean: number | undefined;
  lnRmssdBaselineSd: number | undefined;
  /** Normal band = baseline mean ± bandSd × SD (bandSd 0.5, the smallest worthwhile change). */
  hrvBandLower: number | undefined;
  hrvBandUpper: number | undefined;
  /** (lnRmssd7 − baseline mean) / baseline SD. */
  hrvZ: number | undefined;
  /** (lnRmssdToday − baseline mean) / baseline SD. */
  hrvTodayZ: number | undefined;
  hrvBand: HrvBand;
  /** Consecutive day-over-day decreases of daily lnRMSSD ending today (2 = falling two days running). */
  hrvFallingDays: number;
  /** HRV values in the last 7 days (ending today). */
  hrvDays7: number;
  /** HRV values in the baseline window. */
  hrvBaselineDays: number;
  hrvBaselineReady: boolean;
  /** ln change of HRV from the morning of the most recent hard day (≤ 28 days ago) to the next morning. */
  hrvResponseLastHard: number | undefined;

  // --- resting HR and sleep ---
  restingHrToday: number | undefined;
  restingHrBaseline: number | undefined;
  /** restingHrToday − restingHrBaseline in bpm (positive = elevated). */
  restingHrDeviation: number | undefined;
  sleepHoursToday: number | undefined;
  /** Personal norm: mean sleep over the baseline window. */
  sleepNorm: number | undefined;
  /** sleepHoursToday − sleepNorm (h). */
  sleepDeviation: number | undefined;
  /** Mean sleep of the last 3 nights (ending today). */
  sleepAvg3: number | undefined;

  // --- recovery pattern ---
  /** Days since the last rest day (1 = yesterday was a rest day). Days before the history count as rest. */
  daysSinceRest: number;
  /** Days since the last hard day (1 = yesterday); undefined when none in the history. */
  daysSinceHard: number | undefined;
  /** Hard days in a row ending yesterday. */
  consecutiveHardDays: number;
  lastHardType: SessionType | undefined;

  // --- subjective ---
  latestRpe: number | undefined;
  latestRpeAgeDays: number | undefined;
  latestRpeType: SessionType | undefined;
  /** latestRpe − expected RPE of its session type (personal response: > 0 felt harder than planned). */
  latestRpeResidual: number | undefined;
  /** Mean RPE residual over the last 7 days. */
  rpeResidual7: number | undefined;
  /** 1–5, 5 = very sore. */
  latestSoreness: number | undefined;
  latestSorenessAgeDays: number | undefined;
  latestWellness: Wellness | undefined;
  /** Mean of the answered wellness items, 1–5 (5 best). */
  latestWellnessScore: number | undefined;
  latestWellnessAgeDays: number | undefined;
  /** Latest result per test name (sorted by most recent first). */
  tests: TestTrend[];

  // --- health ---
  illness: boolean;
  injury: boolean;

  // --- season ---
  daysSinceSeasonStart: number | undefined;
  daysToGoal: number | undefined;

  flags: StateFlag[];
}

export interface StateConfig {
  /** TrainingPeaks time constants (days). */
  atlDays: number;
  ctlDays: number;
  /** Williams 2017 EWMA windows (days): λ = 2 / (N + 1). */
  acwrAcuteDays: number;
  acwrChronicDays: number;
  /** ACWR is undefined while the chronic EWMA is below this (TSS/day)… */
  acwrChronicFloor: number;
  /** …or while the load history is shorter than this (days) and no seed was given. */
  acwrMinDays: number;
  /** CTL ramp is undefined while the history is shorter than this (days) and no CTL seed was given. */
  rampMinDays: number;
  monotonyCap: number;
  baselineWindowDays: number;
  baselineMinDays: number;
  rollingMinDays: number;
  sleepNormMinDays: number;
  /** Normal band half-width in baseline SDs. */
  bandSd: number;
  /** Lower bound for the baseline SD of lnRMSSD (avoids infinite z on flat data). */
  minLnSd: number;
  /** An untyped day with RPE ≥ this counts as hard. */
  hardRpe: number;
  /** An untyped day with load below this counts as a rest day. */
  restLoadMax: number;
  /** Session-RPE load → TSS (Foster sRPE ≈ 4.5 × TSS). */
  srpePerTss: number;
  /** Memory of an explicit illness / injury report (days, including today). */
  illnessMemoryDays: number;
  injuryMemoryDays: number;
  /** Expected session RPE per type (zone midpoints), for the RPE residual. */
  expectedRpe: Readonly<Record<SessionType, number>>;
  /** Minutes assumed when a session type is logged without minutes or load. */
  defaultMinutes: Readonly<Record<SessionType, number>>;
}

export interface StateOptions {
  /** Start of the season/plan (yyyy-mm-dd), for season context. */
  seasonStart?: string;
  /** Goal race / test date (yyyy-mm-dd). */
  goalDate?: string;
  /**
   * Values on the day before the first observation (e.g. ctl/atl from intervals.icu). Default 0.
   * A CTL seed makes the ramp defined from day 7; a chronic EWMA seed lifts the ACWR minimum-history rule.
   */
  seed?: { atl?: number; ctl?: number; acuteEwma?: number; chronicEwma?: number };
  config?: Partial<StateConfig>;
}

export type { TestResult, Wellness };
