import fc from 'fast-check';
import type { DailyObservation } from '../../../twin/types.ts';
import { SESSION_TYPES } from '../../../twin/types.ts';
import { addDays } from '../../../agent/state/dates.ts';

export const START = '2025-01-01';

/** ISO date of day i counted from START (2025-01-01 = day 0). */
export const day = (i: number): string => addDays(START, i);

/** Observations for days 0..n-1 built by f (return undefined to leave a gap). */
export function days(n: number, f: (i: number) => Omit<DailyObservation, 'date'> | undefined): DailyObservation[] {
  const out: DailyObservation[] = [];
  for (let i = 0; i < n; i++) {
    const o = f(i);
    if (o !== undefined) out.push({ date: day(i), ...o });
  }
  return out;
}

/** Random histories with gaps, extreme and invalid values, and random targets. */
export const arbHistory = fc
  .record({
    n: fc.integer({ min: 0, max: 90 }),
    gapEvery: fc.integer({ min: 1, max: 6 }),
    seed: fc.array(
      fc.record({
        load: fc.option(fc.oneof(fc.double({ min: 0, max: 400, noNaN: true }), fc.constantFrom(0, 1e6, -1, Number.NaN)), { nil: undefined }),
        hrvRmssd: fc.option(fc.oneof(fc.double({ min: 5, max: 250, noNaN: true }), fc.constantFrom(0, -3, Number.NaN)), { nil: undefined }),
        restingHr: fc.option(fc.double({ min: 30, max: 110, noNaN: true }), { nil: undefined }),
        sleepHours: fc.option(fc.double({ min: 0, max: 14, noNaN: true }), { nil: undefined }),
        rpe: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        soreness: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
        sessionType: fc.option(fc.constantFrom(...SESSION_TYPES), { nil: undefined }),
        minutes: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
        completion: fc.option(fc.constantFrom('done' as const, 'partial' as const, 'skipped' as const), { nil: undefined }),
        illness: fc.option(fc.boolean(), { nil: undefined }),
        injury: fc.option(fc.boolean(), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    extraDays: fc.integer({ min: 0, max: 10 }),
  })
  .map(({ n, gapEvery, seed, extraDays }) => ({
    history: days(n, (i) => (i % gapEvery === gapEvery - 1 ? undefined : (seed[i % seed.length] as Omit<DailyObservation, 'date'>))),
    target: day(n + extraDays),
  }));

