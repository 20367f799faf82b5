import type { AthleteState } from './types.ts';

/**
 * Names of the policy's input features, in order. Every value is finite and clipped to the range noted
 * (mostly [-2, 2] or [0, 1]); unknown inputs get a neutral value and a 0/1 "known"/flag feature says so.
 * Append new features at the end only (a trained network depends on the order); bump FEATURE_VERSION.
 */
export const FEATURE_NAMES = [
  // load
  'atl', //                0: ATL / 100, [0, 3]
  'ctl', //                1: CTL / 100, [0, 3]
  'tsb', //                2: TSB / 50, [-2, 2]
  'acwr', //               3: ACWR (1 during cold start), [0, 3]
  'acwr_cold_start', //    4: 1 when ACWR is undefined
  'ctl_ramp', //           5: CTL ramp per week / 10, [-2, 2] (0 during cold start)
  'monotony', //           6: monotony / 2.5, [0, 2]
  'strain', //             7: strain / 3000, [0, 2]
  'load_yesterday', //     8: yesterday's load / 100, [0, 3]
  'load_7d', //            9: last 7 days' load / 700, [0, 3]
  // HRV
  'hrv_z', //              10: z of the 7-day lnRMSSD vs baseline / 2, [-2, 2] (0 unknown)
  'hrv_today_z', //        11: z of today's lnRMSSD / 2, [-2, 2] (0 unknown)
  'hrv_below_band', //     12: 1 when the 7-day mean is below the normal band
  'hrv_above_band', //     13: 1 when above
  'hrv_falling', //        14: consecutive falling days / 3, [0, 1]
  'hrv_days7', //          15: HRV values in the last 7 days / 7
  'hrv_baseline_ready', // 16: 1 when the baseline has ≥ 14 values
  'hrv_response_hard', //  17: ln HRV change the morning after the last hard day / 0.2, [-2, 2] (personal response)
  // resting HR, sleep
  'rhr_dev', //            18: resting HR deviation / 10 bpm, [-2, 2] (0 unknown)
  'rhr_known', //          19
  'sleep_dev', //          20: sleep − norm / 2 h, [-2, 2] (0 unknown)
  'sleep_short', //        21: 1 when last night ≤ 6 h
  'sleep_known', //        22
  // recovery pattern
  'days_since_rest', //    23: min(d, 14) / 14
  'days_since_hard', //    24: min(d, 14) / 14 (1 when none)
  'consecutive_hard', //   25: min(n, 5) / 5
  // subjective (personal response)
  'rpe_residual', //       26: latest RPE − expected for its type / 3, [-2, 2] (0 unknown or older than 3 days)
  'rpe_residual7', //      27: mean residual over 7 days / 3, [-2, 2]
  'soreness', //           28: (soreness − 1) / 4, [0, 1] (0.25 unknown or older than 2 days)
  'wellness', //           29: (score − 3) / 2, [-1, 1] (0 unknown or older than 2 days)
  // tests
  'test_trend', //         30: latest test change in % / 3, [-2, 2], positive = better
  'days_since_test', //    31: min(d, 90) / 90 (1 when none)
  // health
  'illness', //            32
  'injury', //             33
  // season context
  'dow_sin', //            34: sin(2π · weekday / 7), Monday = 0
  'dow_cos', //            35
  'season_progress', //    36: days since season start / 365, [0, 2] (0 unknown)
  'days_to_goal', //       37: min(days to goal, 180) / 180, [0, 1] (1 unknown or past)
  'goal_known', //         38
  // data completeness
  'history', //            39: min(history days, 120) / 120
  'days_logged7', //       40: days with any data in the last 7 / 7
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;
export const FEATURE_VERSION = 1;
/** Index of each feature by name. */
export const FEATURE_INDEX: Readonly<Record<FeatureName, number>> = Object.freeze(
  Object.fromEntries(FEATURE_NAMES.map((f, i) => [f, i])) as Record<FeatureName, number>,
);

function clip(v: number | undefined, lo: number, hi: number, dflt: number): number {
  if (v === undefined || !Number.isFinite(v)) return dflt;
  return v < lo ? lo : v > hi ? hi : v;
}

const TWO_PI_7 = (2 * Math.PI) / 7;

/**
 * Encode a state into `out` at `offset` (allocates a new Float32Array when `out` is omitted).
 * Never writes NaN or Infinity.
 */
export function encodeState(s: AthleteState, out?: Float32Array, offset = 0): Float32Array {
  const o = out ?? new Float32Array(FEATURE_COUNT);
  let i = offset;
  o[i++] = clip(s.atl / 100, 0, 3, 0);
  o[i++] = clip(s.ctl / 100, 0, 3, 0);
  o[i++] = clip(s.tsb / 50, -2, 2, 0);
  o[i++] = clip(s.acwr, 0, 3, 1);
  o[i++] = s.acwr === undefined ? 1 : 0;
  o[i++] = clip(s.ctlRampPerWeek === undefined ? 0 : s.ctlRampPerWeek / 10, -2, 2, 0);
  o[i++] = clip(s.monotony / 2.5, 0, 2, 0);
  o[i++] = clip(s.strain / 3000, 0, 2, 0);
  o[i++] = clip(s.loadYesterday / 100, 0, 3, 0);
  o[i++] = clip(s.load7d / 700, 0, 3, 0);

  o[i++] = clip(s.hrvZ === undefined ? 0 : s.hrvZ / 2, -2, 2, 0);
  o[i++] = clip(s.hrvTodayZ === undefined ? 0 : s.hrvTodayZ / 2, -2, 2, 0);
  o[i++] = s.hrvBand === 'below' ? 1 : 0;
  o[i++] = s.hrvBand === 'above' ? 1 : 0;
  o[i++] = clip(s.hrvFallingDays / 3, 0, 1, 0);
  o[i++] = clip(s.hrvDays7 / 7, 0, 1, 0);
  o[i++] = s.hrvBaselineReady ? 1 : 0;
  o[i++] = clip(s.hrvResponseLastHard === undefined ? 0 : s.hrvResponseLastHard / 0.2, -2, 2, 0);

  o[i++] = clip(s.restingHrDeviation === undefined ? 0 : s.restingHrDeviation / 10, -2, 2, 0);
  o[i++] = s.restingHrDeviation === undefined ? 0 : 1;
  o[i++] = clip(s.sleepDeviation === undefined ? 0 : s.sleepDeviation / 2, -2, 2, 0);
  o[i++] = s.sleepHoursToday !== undefined && s.sleepHoursToday <= 6 ? 1 : 0;
  o[i++] = s.sleepHoursToday === undefined ? 0 : 1;

  o[i++] = clip(Math.min(s.daysSinceRest, 14) / 14, 0, 1, 1);
  o[i++] = s.daysSinceHard === undefined ? 1 : clip(Math.min(s.daysSinceHard, 14) / 14, 0, 1, 1);
  o[i++] = clip(Math.min(s.consecutiveHardDays, 5) / 5, 0, 1, 0);

  const rpeFresh = s.latestRpeAgeDays !== undefined && s.latestRpeAgeDays <= 3;
  o[i++] = clip(rpeFresh && s.latestRpeResidual !== undefined ? s.latestRpeResidual / 3 : 0, -2, 2, 0);
  o[i++] = clip(s.rpeResidual7 === undefined ? 0 : s.rpeResidual7 / 3, -2, 2, 0);
  const soreFresh = s.latestSorenessAgeDays !== undefined && s.latestSorenessAgeDays <= 2;
  o[i++] = clip(soreFresh && s.latestSoreness !== undefined ? (s.latestSoreness - 1) / 4 : 0.25, 0, 1, 0.25);
  const wellFresh = s.latestWellnessAgeDays !== undefined && s.latestWellnessAgeDays <= 2;
  o[i++] = clip(wellFresh && s.latestWellnessScore !== undefined ? (s.latestWellnessScore - 3) / 2 : 0, -1, 1, 0);

  const t = s.tests[0];
  o[i++] = clip(t?.changePct === undefined ? 0 : t.changePct / 3, -2, 2, 0);
  o[i++] = t === undefined ? 1 : clip(Math.min(t.ageDays, 90) / 90, 0, 1, 1);

  o[i++] = s.illness ? 1 : 0;
  o[i++] = s.injury ? 1 : 0;

  const dow = Number.isFinite(s.dayOfWeek) ? s.dayOfWeek : 0;
  o[i++] = Math.sin(TWO_PI_7 * dow);
  o[i++] = Math.cos(TWO_PI_7 * dow);
  o[i++] = clip(s.daysSinceSeasonStart === undefined ? 0 : s.daysSinceSeasonStart / 365, 0, 2, 0);
  const goalAhead = s.daysToGoal !== undefined && s.daysToGoal >= 0;
  o[i++] = goalAhead ? clip(Math.min(s.daysToGoal!, 180) / 180, 0, 1, 1) : 1;
  o[i++] = goalAhead ? 1 : 0;

  o[i++] = clip(Math.min(s.historyDays, 120) / 120, 0, 1, 0);
  o[i++] = clip(s.daysLogged7 / 7, 0, 1, 0);
  return o;
}

/** Encode many states into one row-major Float32Array of states.length × FEATURE_COUNT (for batching). */
export function encodeStates(states: readonly AthleteState[]): Float32Array {
  const out = new Float32Array(states.length * FEATURE_COUNT);
  for (let k = 0; k < states.length; k++) encodeState(states[k]!, out, k * FEATURE_COUNT);
  return out;
}
