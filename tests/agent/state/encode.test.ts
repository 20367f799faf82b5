import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DailyObservation } from '../../../twin/types.ts';
import { SESSION_TYPES } from '../../../twin/types.ts';
import { computeState, encodeState, encodeStates, FEATURE_COUNT, FEATURE_INDEX, FEATURE_NAMES } from '../../../agent/state/index.ts';
import { arbHistory, day, days } from './helpers.ts';

describe('encodeState', () => {
  it('when encoding then there is one value per FEATURE_NAMES entry (41) and names are unique', () => {
    expect(FEATURE_COUNT).toBe(41);
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_NAMES.length);
    expect(encodeState(computeState([], day(0))).length).toBe(41);
  });

  it('when the state is known then features are the documented normalisations', () => {
    const h = days(28, (i) => ({ load: 50, sessionType: i % 7 === 0 ? 'REST' : 'ENDURANCE', restingHr: 50, sleepHours: 8, hrvRmssd: 60 }));
    h.push({ date: day(28), restingHr: 55, sleepHours: 5.5, hrvRmssd: 60, illness: true });
    const s = computeState(h, day(28), { goalDate: day(28 + 90) });
    const f = encodeState(s);
    const at = (n: (typeof FEATURE_NAMES)[number]) => f[FEATURE_INDEX[n]]!;
    expect(at('atl')).toBeCloseTo(s.atl / 100, 6);
    expect(at('ctl')).toBeCloseTo(s.ctl / 100, 6);
    expect(at('tsb')).toBeCloseTo(s.tsb / 50, 6);
    expect(at('acwr')).toBeCloseTo(s.acwr!, 6);
    expect(at('acwr_cold_start')).toBe(0);
    expect(at('rhr_dev')).toBeCloseTo(0.5, 6); // +5 bpm / 10
    expect(at('rhr_known')).toBe(1);
    expect(at('sleep_dev')).toBeCloseTo(-1.25, 6); // (5.5 − 8) / 2
    expect(at('sleep_short')).toBe(1);
    expect(at('illness')).toBe(1);
    expect(at('days_to_goal')).toBeCloseTo(0.5, 6); // 90 / 180
    expect(at('goal_known')).toBe(1);
    expect(at('history')).toBeCloseTo(28 / 120, 6);
    expect(at('dow_sin')).toBeCloseTo(Math.sin((2 * Math.PI * s.dayOfWeek) / 7), 6);
    expect(at('hrv_days7')).toBe(1); // 7 of 7
    expect(encodeState({ ...s, hrvDays7: 3 })[FEATURE_INDEX.hrv_days7]).toBeCloseTo(3 / 7, 6);
    expect(at('hrv_baseline_ready')).toBe(1);
    expect(s.monotony).toBe(10); // seven equal loads of 50 → capped monotony
    expect(at('monotony')).toBe(2); // 10 / 2.5 = 4, clipped to 2
    expect(at('load_yesterday')).toBeCloseTo(0.5, 6);
    expect(at('load_7d')).toBeCloseTo(s.load7d / 700, 6);
    expect(at('days_since_rest')).toBeCloseTo(s.daysSinceRest / 14, 6);
    expect(at('days_since_hard')).toBe(1); // no hard day in the history
    expect(at('days_logged7')).toBe(1);
  });

  it('when the history is empty then features are the conservative defaults', () => {
    const f = encodeState(computeState([], day(0)));
    const at = (n: (typeof FEATURE_NAMES)[number]) => f[FEATURE_INDEX[n]]!;
    expect(at('acwr')).toBe(1);
    expect(at('acwr_cold_start')).toBe(1);
    expect(at('hrv_baseline_ready')).toBe(0);
    expect(at('hrv_z')).toBe(0);
    expect(at('days_since_hard')).toBe(1);
    expect(at('soreness')).toBe(0.25);
    expect(at('days_to_goal')).toBe(1);
    expect(at('goal_known')).toBe(0);
  });

  it('when values are extreme then features are clipped (ACWR 3, TSB −2)', () => {
    // 59 days of 15 then 2000: acute ≈ 0.25·2000 + 0.75·15 = 511, chronic ≈ (2/29)·2000 + (27/29)·15 = 152 → ACWR ≈ 3.4
    const h = days(60, (i) => ({ load: i < 59 ? 15 : 2000 }));
    const s = computeState(h, day(60));
    const f = encodeState(s);
    expect(s.acwr!).toBeGreaterThan(3);
    expect(f[FEATURE_INDEX.acwr]).toBe(3);
    expect(f[FEATURE_INDEX.tsb]).toBe(-2);
  });

  it('when encoding a batch then rows equal the single encodings', () => {
    const a = computeState(days(30, () => ({ load: 40 })), day(30));
    const b = computeState([], day(3));
    const batch = encodeStates([a, b]);
    expect(batch.length).toBe(2 * FEATURE_COUNT);
    expect([...batch.subarray(FEATURE_COUNT)]).toEqual([...encodeState(b)]);
    expect([...batch.subarray(0, FEATURE_COUNT)]).toEqual([...encodeState(a)]);
  });

  it('property: for random histories with gaps and extremes every feature is finite and within [−3, 3], and no state number is NaN', () => {
    fc.assert(
      fc.property(arbHistory, ({ history, target }) => {
        const s = computeState(history, target);
        for (const [k, v] of Object.entries(s)) {
          if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${k} = ${v}`);
        }
        const f = encodeState(s);
        for (let i = 0; i < f.length; i++) {
          const v = f[i]!;
          if (!Number.isFinite(v) || v < -3 || v > 3) throw new Error(`${FEATURE_NAMES[i]} = ${v}`);
        }
      }),
      { numRuns: 400, seed: 42 },
    );
  });
});
