import { describe, expect, it } from 'vitest';
import { TwinEnv, generatePopulation, periodizedSession, sessionLoad } from '../../twin/index.ts';
import { mean, sd } from './helpers.ts';

const pop = generatePopulation({ n: 300, seed: 17 });

function collect(env: TwinEnv, days: number, athletes = pop) {
  const hrvErr: number[] = [];
  const rhrErr: number[] = [];
  let missing = 0;
  let total = 0;
  for (let d = 0; d < days; d++) {
    env.stepSessions(athletes.map((p) => periodizedSession(p, d)));
    const o = env.observations();
    const t = env.truth();
    for (let i = 0; i < athletes.length; i++) {
      total++;
      const h = o.dayHrv[i]!;
      if (Number.isNaN(h)) {
        missing++;
        continue;
      }
      hrvErr.push(Math.log(h) - t.lnRmssd[i]!);
      rhrErr.push(o.dayRestingHr[i]! - t.restingHr[i]!);
    }
  }
  return { hrvErr, rhrErr, missingRate: missing / total };
}

describe('observations', () => {
  it('when noise is on, then the measured SD of ln-rMSSD noise, RHR noise and the missing rate match the configuration', () => {
    const env = new TwinEnv({ seed: 5, missingRate: 0.2, noiseConfig: { hrvNoiseSd: 0.12, rhrNoiseSd: 3 } });
    env.reset(pop);
    const { hrvErr, rhrErr, missingRate } = collect(env, 40); // 12,000 athlete-days
    expect(Math.abs(sd(hrvErr) - 0.12)).toBeLessThan(0.004);
    expect(Math.abs(mean(hrvErr))).toBeLessThan(0.004);
    expect(Math.abs(sd(rhrErr) - 3)).toBeLessThan(0.1);
    expect(Math.abs(missingRate - 0.2)).toBeLessThan(0.012);
  });

  it('when another noise level and missing rate are configured, then the measurements follow them', () => {
    const env = new TwinEnv({ seed: 6, missingRate: 0.05, noiseConfig: { hrvNoiseSd: 0.06 } });
    env.reset(pop);
    const { hrvErr, missingRate } = collect(env, 20);
    expect(Math.abs(sd(hrvErr) - 0.06)).toBeLessThan(0.003);
    expect(Math.abs(missingRate - 0.05)).toBeLessThan(0.01);
  });

  it('when noise is off and the wearable is always worn, then observations equal the truth', () => {
    const env = new TwinEnv({ seed: 5, missingRate: 0, noise: false });
    env.reset(pop.slice(0, 20));
    const { hrvErr, rhrErr, missingRate } = collect(env, 5, pop.slice(0, 20));
    expect(missingRate).toBe(0);
    expect(Math.max(...hrvErr.map(Math.abs))).toBeLessThan(1e-6);
    expect(Math.max(...rhrErr.map(Math.abs))).toBeLessThan(1e-4);
  });

  it('when a day is observed, then it has the canonical shape: consecutive dates, session, load, integer RPE on training days, soreness 1–5', () => {
    const env = new TwinEnv({ seed: 8, missingRate: 0, startDate: '2025-03-03' });
    const a = pop[0]!;
    env.reset([a]);
    const seen: string[] = [];
    for (let d = 0; d < 7; d++) {
      const s = periodizedSession(a, d);
      env.stepSessions([s]);
      const o = env.observe(0);
      seen.push(o.date);
      expect(o.sessionType).toBe(s.type);
      expect(o.minutes).toBeCloseTo(s.minutes, 1);
      expect(o.load).toBeCloseTo(sessionLoad(s.type, s.minutes), 1);
      expect(o.completion).toBe('done');
      expect(o.hrvRmssd).toBeGreaterThan(5);
      expect(o.sleepHours).toBeGreaterThan(0);
      if (s.type === 'REST') expect(o.rpe).toBeUndefined();
      else {
        expect(Number.isInteger(o.rpe)).toBe(true);
        expect(o.rpe).toBeGreaterThanOrEqual(1);
        expect(o.rpe).toBeLessThanOrEqual(10);
      }
      expect([1, 2, 3, 4, 5]).toContain(o.soreness);
      expect([1, 2, 3, 4, 5]).toContain(o.wellness?.fatigue);
    }
    expect(seen).toEqual(['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07', '2025-03-08', '2025-03-09']);
  });

  it('when INTERVALS are reported, then their mean RPE is higher than ENDURANCE at equal minutes', () => {
    const env = new TwinEnv({ seed: 9 });
    env.reset(pop);
    const half = pop.length / 2;
    const rpe: number[][] = [[], []];
    for (let d = 0; d < 6; d++) {
      env.stepSessions(pop.map((_, i) => ({ type: i < half ? 'ENDURANCE' : 'INTERVALS', minutes: 45 })));
      const o = env.observations();
      for (let i = 0; i < pop.length; i++) if (!Number.isNaN(o.dayRpe[i]!)) rpe[i < half ? 0 : 1]!.push(o.dayRpe[i]!);
    }
    expect(mean(rpe[1]!) - mean(rpe[0]!)).toBeGreaterThan(3);
  });

  it('when sport tests are scheduled, then the test comes in the sport unit with the right direction', () => {
    const env = new TwinEnv({ seed: 2, testEveryDays: 7, events: false });
    const runner = pop.find((p) => p.sport === 'running')!;
    const cyclist = pop.find((p) => p.sport === 'cycling')!;
    env.reset([runner, cyclist]);
    for (let d = 0; d < 7; d++) env.stepSessions([periodizedSession(runner, d), periodizedSession(cyclist, d)]);
    const r = env.observe(0).testResult!;
    const c = env.observe(1).testResult!;
    expect(r).toMatchObject({ test: '5 km time trial', unit: 's', higherIsBetter: false });
    expect(c).toMatchObject({ test: 'FTP', unit: 'W', higherIsBetter: true });
    expect(Math.abs(r.value / runner.markerBase - 1)).toBeLessThan(0.1);
    expect(Math.abs(c.value / cyclist.markerBase - 1)).toBeLessThan(0.1);
  });
});
