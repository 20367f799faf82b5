import fc from 'fast-check';
import type { SessionType } from '../../../twin/types.ts';
import type { Constraint } from '../../../agent/mask/index.ts';
import { epochDay, isoDate } from '../../../agent/state/index.ts';
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

/** Random constraints around the target date (some inside their window, some outside). */
export const arbConstraints = (target: string) =>
  fc.array(
    fc
      .record({
        type: fc.constantFrom('no_high_intensity', 'max_load', 'rest_only', 'no_impact'),
        value: fc.oneof(fc.double({ min: 0, max: 250, noNaN: true }), fc.constant(Number.NaN)),
        from: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }),
        to: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }),
      })
      .map(({ type, value, from, to }): Constraint => {
        const t = epochDay(target);
        const w = { ...(from !== undefined ? { from: isoDate(t + from) } : {}), ...(to !== undefined ? { to: isoDate(t + to) } : {}) };
        return type === 'max_load' ? { type, value, ...w } : { type: type as 'rest_only', ...w };
      }),
    { maxLength: 3 },
  );

/** Random overrides of the fields the rules read, so every rule fires often. */
export const arbOverrides: fc.Arbitrary<Partial<AthleteState>> = fc.record(
  {
    illness: fc.boolean(),
    injury: fc.boolean(),
    acwr: fc.option(fc.double({ min: 0, max: 3, noNaN: true }), { nil: undefined }),
    acuteEwma: fc.double({ min: 0, max: 300, noNaN: true }),
    chronicEwma: fc.double({ min: 0, max: 200, noNaN: true }),
    acwrColdStart: fc.boolean(),
    hrvBand: fc.constantFrom('below' as const, 'inside' as const, 'above' as const, 'unknown' as const),
    hrvFallingDays: fc.integer({ min: 0, max: 4 }),
    restingHrDeviation: fc.option(fc.double({ min: -10, max: 20, noNaN: true }), { nil: undefined }),
    sleepHoursToday: fc.option(fc.double({ min: 0, max: 12, noNaN: true }), { nil: undefined }),
    hrvTodayZ: fc.option(fc.double({ min: -4, max: 3, noNaN: true }), { nil: undefined }),
    hrvRmssdToday: fc.option(fc.double({ min: 10, max: 150, noNaN: true }), { nil: undefined }),
    latestSoreness: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    latestSorenessAgeDays: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
    consecutiveHardDays: fc.integer({ min: 0, max: 5 }),
    daysSinceRest: fc.integer({ min: 1, max: 12 }),
    ctlRampPerWeek: fc.option(fc.double({ min: -10, max: 20, noNaN: true }), { nil: undefined }),
    ctl: fc.double({ min: 0, max: 150, noNaN: true }),
  },
  { requiredKeys: [] },
);

