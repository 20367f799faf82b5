import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REWARD,
  SESSION_INDEX,
  TwinEnv,
  defaultParams,
  generatePopulation,
  periodizedSession,
  type AthleteParams,
  type Session,
} from '../../twin/index.ts';
import { mean } from './helpers.ts';

function runEpisode(pop: AthleteParams[], policy: (p: AthleteParams, day: number) => Session, seed: number, days = 168) {
  const env = new TwinEnv({ seed, horizonDays: days });
  env.reset(pop);
  let done = false;
  let d = 0;
  while (!done) {
    done = env.stepSessions(pop.map((p) => policy(p, d))).done;
    d++;
  }
  const t = env.truth();
  return {
    days: d,
    reward: Array.from(t.cumulativeReward),
    perf: Array.from(t.performance),
    injuries: mean(t.injuries),
    illnesses: mean(t.illnesses),
  };
}

describe('TwinEnv', () => {
  it('when two envs run with the same seed and actions, then every output array is identical; another seed differs', () => {
    const pop = generatePopulation({ n: 40, seed: 1 });
    const trace = (seed: number) => {
      const env = new TwinEnv({ seed, testEveryDays: 7 });
      env.reset({ n: 40, seed: 1 });
      const out: number[] = [];
      for (let d = 0; d < 30; d++) {
        const r = env.stepSessions(pop.map((p) => periodizedSession(p, d)));
        const o = env.observations();
        out.push(...r.reward, ...r.hazard, ...r.injuredToday, ...r.illToday, ...o.dayHrv, ...o.dayRpe, ...o.daySoreness);
        out.push(...env.truth().performance);
      }
      return { out, obs: JSON.stringify(pop.map((_, i) => env.observe(i))) };
    };
    const a = trace(77);
    const b = trace(77);
    const c = trace(78);
    expect(b.out).toEqual(a.out);
    expect(b.obs).toBe(a.obs);
    expect(c.out).not.toEqual(a.out);
  });

  it('when an athlete is injured, then the mask says so and step overrides the session to REST and reports it', () => {
    const fragile = { ...defaultParams('running', 'novice'), injuryRate: 100 }; // hazard capped at 0.5 a day
    const env = new TwinEnv({ seed: 4 });
    env.reset([fragile]);
    let d = 0;
    while (!env.forcedRest(0) && d < 50) {
      env.stepSessions([{ type: 'INTERVALS', minutes: 60 }]);
      d++;
    }
    expect(env.forcedRest(0)).toBe(true);
    expect(env.forcedRestMask()[0]).toBe(1);
    expect(env.observeMorning(0).injury).toBe(true);
    const r = env.step(Uint8Array.of(SESSION_INDEX.INTERVALS), Float32Array.of(60));
    expect(r.overridden[0]).toBe(1);
    expect(env.truth().load[0]).toBe(0);
    expect(env.truth().sessionType[0]).toBe(SESSION_INDEX.REST);
    const o = env.observe(0);
    expect(o.sessionType).toBe('REST');
    expect(o.completion).toBe('skipped');
    expect(o.injury).toBe(true);
    expect(env.truth().injuries[0]).toBeGreaterThanOrEqual(1);
  });

  it('when a step is taken, then the reward is c·10·ΔP/S − λ·hazard − κ·events', () => {
    const pop = generatePopulation({ n: 20, seed: 9 });
    const env = new TwinEnv({ seed: 2 });
    env.reset(pop);
    for (let d = 0; d < 10; d++) env.stepSessions(pop.map((p) => periodizedSession(p, d)));
    const before = Array.from(env.truth().performance);
    const r = env.stepSessions(pop.map((p) => periodizedSession(p, 10)));
    const t = env.truth();
    for (let i = 0; i < pop.length; i++) {
      const expected =
        (DEFAULT_REWARD.perfWeight * 10 * (t.performance[i]! - before[i]!)) / pop[i]!.trainableRange -
        DEFAULT_REWARD.hazardWeight * (t.hazardInjury[i]! + t.hazardIllness[i]!) -
        DEFAULT_REWARD.eventPenalty * (r.injuredToday[i]! + r.illToday[i]!);
      expect(r.reward[i]).toBeCloseTo(expected, 5);
    }
  });

  it('when 120 athletes train 24 weeks, then a 3:1 periodised plan with 2 hard days/week beats always-REST and always-INTERVALS', () => {
    const pop = generatePopulation({ n: 120, seed: 2025 });
    const seed = 31; // same seed: common random numbers across policies
    const periodized = runEpisode(pop, periodizedSession, seed);
    const rest = runEpisode(pop, () => ({ type: 'REST', minutes: 0 }), seed);
    const intervals = runEpisode(pop, () => ({ type: 'INTERVALS', minutes: 60 }), seed);
    // same weekly load as the plan's first week, all of it as intervals: intensity, not only load, matters
    const intervalsSameLoad = runEpisode(pop, (p) => ({ type: 'INTERVALS', minutes: (p.initialLoad / 100) * 60 }), seed);
    expect(periodized.days).toBe(168);
    const R = mean(periodized.reward);
    expect(R).toBeGreaterThan(mean(rest.reward) + 2);
    expect(R).toBeGreaterThan(mean(intervals.reward) + 20);
    expect(R).toBeGreaterThan(mean(intervalsSameLoad.reward) + 5);
    // per athlete, not just on average
    const beatsRest = pop.filter((_, i) => periodized.reward[i]! > rest.reward[i]!).length / pop.length;
    expect(beatsRest).toBeGreaterThan(0.7);
    // why: the plan builds performance, rest detrains, daily intervals overreach and get injured
    expect(mean(periodized.perf)).toBeGreaterThan(0);
    expect(mean(rest.perf)).toBeLessThan(-5);
    expect(mean(intervals.perf)).toBeLessThan(mean(rest.perf));
    expect(intervals.injuries).toBeGreaterThan(3 * periodized.injuries);
  });
});
