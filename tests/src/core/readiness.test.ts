import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readiness, readinessInputs } from '../../../src/core/readiness.ts';

describe('readiness', () => {
  it.each([
    [{ acwr: 1.0, hrvZ: 0.2, sleepHoursToday: 7.5, restingHrDeviation: 0 }, 'green'],
    [{ acwr: 1.35, hrvZ: 0.2 }, 'amber'],
    [{ acwr: 1.0, hrvZ: -0.7 }, 'amber'],
    [{ acwr: 1.0, hrvBand: 'below' }, 'amber'],
    [{ acwr: 1.0, restingHrDeviation: 3.5 }, 'amber'],
    [{ acwr: 1.0, sleepHoursToday: 5.5 }, 'amber'],
    [{ acwr: 1.5, hrvZ: 0 }, 'red'],
    [{ hrvZ: -1.6 }, 'red'],
    [{ restingHrDeviation: 6 }, 'red'],
    [{ sleepHoursToday: 4.9 }, 'red'],
    [{ illness: true, hrvZ: 0 }, 'red'],
    [{ acwr: 1.0 }, 'amber'],
    [{}, 'amber'],
  ])('when the state is %j then the band is %s', (s, band) => {
    expect(readiness(s).band).toBe(band);
  });

  it('when a red reason exists then its text cites the number', () => {
    expect(readiness({ acwr: 1.734, hrvZ: -1.82, sleepHoursToday: 6.5 }).reasons).toEqual(['ACWR 1.73 ≥ 1.5 (load spike)', 'HRV z -1.8 far below baseline']);
  });

  it('when there is no morning reading then load alone never makes the day green', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1.29, noNaN: true }), (acwr) => readiness({ acwr }).band === 'amber'));
  });

  it('when ACWR is at or above 1.5 then the band is red whatever else is true', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1.5, max: 5, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 3, max: 12, noNaN: true }),
        (acwr, hrvZ, sleep) => readiness({ acwr, hrvZ, sleepHoursToday: sleep }).band === 'red',
      ),
    );
  });

  it('when a snapshot has nulls and foreign keys then only numeric readiness keys are taken', () => {
    expect(readinessInputs({ acwr: null, hrvZ: -0.8, hrvBand: 'below', sleepHoursToday: Number.NaN, atl: 50, illness: false })).toEqual({ hrvZ: -0.8, hrvBand: 'below' });
  });
});
