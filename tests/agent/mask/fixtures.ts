import type { SessionType } from '../../../twin/types.ts';
import { computeState } from '../../../agent/state/index.ts';
import type { AthleteState } from '../../../agent/state/index.ts';
import { day, days } from '../state/helpers.ts';

const WEEK: readonly [SessionType, number][] = [
  ['REST', 0],
  ['INTERVALS', 60],
  ['ENDURANCE', 45],
  ['TEMPO', 55],
  ['ENDURANCE', 45],
  ['ENDURANCE', 60],
  ['ENDURANCE', 40],
];
const LN = [4.1, 4.15, 4.05, 4.12, 4.08, 4.14, 4.1];

/**
 * A healthy, steady athlete on day 60 (yesterday ENDURANCE 60... see WEEK): ACWR ≈ 1, HRV inside its band,
 * resting HR 50 on baseline, 8 h sleep, a rest day every week. No mask rule fires on it.
 */
export function baseState(overrides: Partial<AthleteState> = {}): AthleteState {
  const h = days(61, (i) => ({
    ...(i < 60 ? { sessionType: WEEK[i % 7]![0], load: WEEK[i % 7]![1] } : {}),
    hrvRmssd: Math.exp(LN[i % 7]!),
    restingHr: 50,
    sleepHours: 8,
  }));
  return { ...computeState(h, day(60)), ...overrides };
}
