import { describe, expect, it } from 'vitest';
import { SESSION_INDEX, defaultParams, periodizedSession, whatIf, whatIfToday, type Session } from '../../twin/index.ts';
import { quietEnv } from './helpers.ts';

const athlete = defaultParams('cycling', 'trained');

function envAfter(days: number) {
  const env = quietEnv();
  env.reset([athlete]);
  for (let d = 0; d < days; d++) env.stepSessions([periodizedSession(athlete, d)]);
  return env;
}

describe('whatIf', () => {
  it('when INTERVALS instead of REST is planned today, then tomorrow HRV is lower, resting HR, fatigue and ACWR higher', () => {
    const env = envAfter(21);
    const [intervals, rest] = whatIfToday(athlete, env.snapshot(0), [
      { type: 'INTERVALS', minutes: 75 },
      { type: 'REST', minutes: 0 },
    ]);
    const i0 = intervals![0]!;
    const r0 = rest![0]!;
    expect(i0.hrvChangePct).toBeLessThan(r0.hrvChangePct - 5);
    expect(i0.hrvRmssd).toBeLessThan(r0.hrvRmssd);
    expect(i0.restingHr).toBeGreaterThan(r0.restingHr);
    expect(i0.fatigue).toBeGreaterThan(r0.fatigue);
    expect(i0.acwr).toBeGreaterThan(r0.acwr);
    expect(i0.load).toBeCloseTo(125, 6);
    expect(r0.load).toBe(0);
    // the HRV gap is still there two mornings later (slow recovery after HIIT)
    expect(intervals![1]!.hrvRmssd).toBeLessThan(rest![1]!.hrvRmssd);
  });

  it('when the same what-if is asked twice, then the answers are identical (deterministic)', () => {
    const env = envAfter(10);
    const plans: Session[][] = [[{ type: 'TEMPO', minutes: 60 }, { type: 'ENDURANCE', minutes: 90 }], [{ type: 'REST', minutes: 0 }]];
    expect(whatIf(athlete, env.snapshot(0), plans)).toEqual(whatIf(athlete, env.snapshot(0), plans));
    expect(whatIf(athlete, env.snapshot(0), plans).map((p) => p.length)).toEqual([2, 1]);
  });

  it('when a plan is simulated by what-if and by the noise-free env, then both predict the same truth', () => {
    const env = envAfter(30);
    const plan = Array.from({ length: 14 }, (_, d) => periodizedSession(athlete, 30 + d));
    const [pred] = whatIf(athlete, env.snapshot(0), [plan]);
    for (let d = 0; d < plan.length; d++) {
      env.step(Uint8Array.of(SESSION_INDEX[plan[d]!.type]), Float32Array.of(plan[d]!.minutes));
      const t = env.truth();
      const p = pred![d]!;
      expect(p.performancePct).toBeCloseTo(t.performance[0]!, 9);
      expect(p.acwr).toBeCloseTo(t.acwr[0]!, 9);
      expect(p.fatigue).toBeCloseTo(t.atl[0]!, 9);
      expect(Math.log(p.hrvRmssd)).toBeCloseTo(env.snapshot(0).lnHrv, 9);
      expect(p.marker).toBeCloseTo(t.marker[0]!, 6);
    }
  });

  it('when the athlete is injured, then every planned session is replaced by REST and flagged', () => {
    const env = envAfter(3);
    const s = { ...env.snapshot(0), injDays: 2 };
    const [r] = whatIf(athlete, s, [[{ type: 'INTERVALS', minutes: 60 }, { type: 'INTERVALS', minutes: 60 }, { type: 'INTERVALS', minutes: 60 }]]);
    expect(r!.map((d) => d.session.type)).toEqual(['REST', 'REST', 'INTERVALS']);
    expect(r!.map((d) => d.forcedRest)).toEqual([true, true, false]);
  });
});
