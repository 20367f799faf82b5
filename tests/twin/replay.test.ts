import { describe, expect, it } from 'vitest';
import { generatePopulation, periodizedSession, replayState, replayStates, SESSION_INDEX, TwinEnv, whatIfBatch, whatIfToday, type DailyObservation } from '../../twin/index.ts';

function simulate(days: number) {
  const pop = generatePopulation({ n: 3, seed: 21 });
  const env = new TwinEnv({ seed: 4, horizonDays: days + 1, noise: false, shocks: false, events: false, missingRate: 0 });
  env.reset(pop);
  const histories: DailyObservation[][] = pop.map(() => []);
  const types = new Uint8Array(3);
  const minutes = new Float32Array(3);
  for (let d = 0; d < days; d++) {
    pop.forEach((p, i) => {
      const s = periodizedSession(p, d);
      types[i] = SESSION_INDEX[s.type];
      minutes[i] = s.minutes;
    });
    env.step(types, minutes);
    pop.forEach((_, i) => histories[i]!.push(env.observe(i)));
  }
  const date = env.observeMorning(0).date;
  return { pop, env, histories, date };
}

describe('replayState / whatIfBatch', () => {
  it('when a noise-free history is replayed with the true parameters then the hidden state matches the simulation', () => {
    const { pop, env, histories, date } = simulate(60);
    for (let i = 0; i < 3; i++) {
      const { state } = replayState(histories[i]!, { sport: pop[i]!.sport, params: pop[i]!, date, maxDays: 60 });
      const truth = env.snapshot(i);
      expect(state.atl).toBeCloseTo(truth.atl, 0);
      expect(state.ctl).toBeCloseTo(truth.ctl, 0);
      expect(Math.abs(state.lnHrv - truth.lnHrv)).toBeLessThan(0.02);
    }
  });

  it('when replayed in a batch then each athlete gets the same state as alone', () => {
    const { pop, histories, date } = simulate(30);
    const batch = replayStates(pop.map((p, i) => ({ history: histories[i]!, date, sport: p.sport })));
    pop.forEach((p, i) => expect(batch[i]!.state).toEqual(replayState(histories[i]!, { sport: p.sport, date }).state));
  });

  it('when without parameters then the prior is anchored on the history (habitual load, HRV and RHR levels)', () => {
    const { pop, histories, date } = simulate(40);
    const h = histories[0]!;
    const { params } = replayState(h, { sport: pop[0]!.sport, date });
    const meanLoad = h.slice(0, 28).reduce((a, o) => a + (o.load ?? 0), 0) / 28;
    const hrv = h.filter((o) => o.hrvRmssd !== undefined);
    expect(params.initialLoad).toBeCloseTo(meanLoad, 6);
    expect(params.lnRmssdBase).toBeCloseTo(hrv.reduce((a, o) => a + Math.log(o.hrvRmssd!), 0) / hrv.length, 6);
  });

  it('when what-ifs are batched then every answer equals the single-athlete what-if for tomorrow', () => {
    const { pop, histories, date } = simulate(30);
    const replays = replayStates(pop.map((p, i) => ({ history: histories[i]!, date, sport: p.sport })));
    const options = [
      { type: 'INTERVALS' as const, minutes: 60 },
      { type: 'REST' as const, minutes: 0 },
    ];
    const batched = whatIfBatch(replays.map((r) => ({ params: r.params, state: r.state, options })));
    replays.forEach((r, i) => {
      const single = whatIfToday(r.params, r.state, options).map((plan) => plan[0]);
      expect(batched[i]).toEqual(single);
      expect(batched[i]![0]!.hrvChangePct).toBeLessThan(batched[i]![1]!.hrvChangePct);
    });
  });
});
