import { describe, expect, it } from 'vitest';
import { INTENSITY_FACTOR, LOAD_PER_HOUR, SESSION_TYPES, loadPerHour, minutesForLoad, sessionLoad } from '../../twin/index.ts';

describe('sessionLoad (TSS = IF² × h × 100)', () => {
  it('when one hour of each session type is done, then its load equals IF² × 100 (strength +25 %)', () => {
    expect(sessionLoad('REST', 60)).toBe(0);
    expect(sessionLoad('ACTIVE_RECOVERY', 60)).toBeCloseTo(30.25, 10);
    expect(sessionLoad('ENDURANCE', 60)).toBeCloseTo(49, 10);
    expect(sessionLoad('TEMPO', 60)).toBeCloseTo(72.25, 10);
    expect(sessionLoad('INTERVALS', 60)).toBeCloseTo(100, 10);
    expect(sessionLoad('STRENGTH', 60)).toBeCloseTo(0.75 * 0.75 * 100 * 1.25, 10);
  });

  it('when minutes double, then load doubles; when the intensity factor rises, then load rises quadratically', () => {
    expect(sessionLoad('TEMPO', 90)).toBeCloseTo(2 * sessionLoad('TEMPO', 45), 10);
    expect(sessionLoad('ENDURANCE', 60, { intensityFactor: { ENDURANCE: 0.8 } })).toBeCloseTo(64, 10);
    expect(INTENSITY_FACTOR.INTERVALS).toBe(1);
  });

  it('when minutes are NaN, negative or infinite, then the load is 0 or clamped to one day', () => {
    expect(sessionLoad('INTERVALS', Number.NaN)).toBe(0);
    expect(sessionLoad('INTERVALS', -30)).toBe(0);
    expect(sessionLoad('INTERVALS', Number.POSITIVE_INFINITY)).toBe(2400);
  });

  it('when minutesForLoad is applied, then sessionLoad gives the load back', () => {
    for (const t of SESSION_TYPES) {
      if (t === 'REST') continue;
      expect(sessionLoad(t, minutesForLoad(t, 80))).toBeCloseTo(80, 8);
    }
    expect(minutesForLoad('REST', 80)).toBe(0);
  });

  it('when the typed-array table is read, then it matches loadPerHour', () => {
    SESSION_TYPES.forEach((t, i) => expect(LOAD_PER_HOUR[i]).toBeCloseTo(loadPerHour(t), 12));
  });
});
