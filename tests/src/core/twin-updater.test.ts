import { describe, expect, it } from 'vitest';
import { CalibratingTwinUpdater, consecutiveDays } from '../../../src/core/twin-updater.ts';
import type { DailyObservation } from '../../../twin/types.ts';

function history(n: number, end = '2026-11-22'): DailyObservation[] {
  const t = Date.parse(`${end}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => {
    const date = new Date(t - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    const hard = i % 3 === 1;
    return { date, hrvRmssd: hard ? 52 : 64, restingHr: hard ? 52 : 48, sleepHours: 7.4, sessionType: hard ? 'INTERVALS' : 'ENDURANCE', minutes: 60, rpe: hard ? 8 : 4 };
  });
}

describe('CalibratingTwinUpdater (twin/calibrate.ts behind the TwinUpdater port)', () => {
  it('when the history has gaps then they become empty days in date order', () => {
    expect(consecutiveDays([{ date: '2026-11-03', rpe: 5 }, { date: '2026-11-01', rpe: 4 }]).map((o) => o.date)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
  });

  it('when there are fewer than 14 days then nothing is stored', async () => {
    const u = new CalibratingTwinUpdater();
    const h = history(10);
    expect(await u.update({ athleteId: 'a', sport: 'running', level: 'trained', current: null, observation: h.at(-1)!, history: h })).toBeNull();
  });

  it('when there are enough days then finite calibrated parameters with uncertainties are returned, tighter with more data', async () => {
    const u = new CalibratingTwinUpdater();
    const short = history(20);
    const long = history(80);
    const a = (await u.update({ athleteId: 'a', sport: 'running', level: 'trained', current: null, observation: short.at(-1)!, history: short }))!;
    const b = (await u.update({ athleteId: 'a', sport: 'running', level: 'trained', current: null, observation: long.at(-1)!, history: long }))!;
    expect(a.params).toMatchObject({ id: 'a', sport: 'running', calibratedDays: 20 });
    expect(Number.isFinite(a.params.hrvSens as number)).toBe(true);
    // HRV 52–64 ms in the data: the calibrated baseline lands in a physiological range (the calibration's
    // accuracy is twin/'s to test; this checks the wiring)
    expect(b.params.lnRmssdBase as number).toBeGreaterThan(Math.log(40));
    expect(b.params.lnRmssdBase as number).toBeLessThan(Math.log(90));
    expect(b.uncertainty.lnRmssdBase!).toBeLessThan(a.uncertainty.lnRmssdBase!);
  });
});
