import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../../agent/actions/index.ts';

const id = (key: string): number => {
  const v = ACTION_ID[key];
  if (v === undefined) throw new Error(`no action ${key}`);
  return v;
};
import { AgentEnv } from '../../../agent/env/agent-env.ts';
import { generatePopulation } from '../../../twin/index.ts';

const pop = generatePopulation({ n: 6, seed: 3 });

function run(actionFor: (env: AgentEnv, i: number) => number, days: number) {
  const env = new AgentEnv({ seed: 5, horizonDays: 28, warmupDays: 42 });
  env.reset(pop);
  for (let d = 0; d < days; d++) env.step(pop.map((_, i) => actionFor(env, i)));
  return env;
}

describe('AgentEnv: the coaching loop on twin athletes', () => {
  it('when the season starts then the state carries the warm-up history (CTL > 0, HRV baseline ready)', () => {
    const env = new AgentEnv({ seed: 5, horizonDays: 28, warmupDays: 42 });
    const inputs = env.reset(pop);
    expect(inputs).toHaveLength(6);
    for (const x of inputs) {
      expect(x.state.ctl).toBeGreaterThan(10);
      expect(x.state.historyDays).toBe(42);
      expect(x.context.dayIndex).toBe(0);
      expect(x.mask[0]).toBe(true);
    }
  });

  it('when different sessions are chosen from the same seed then the next states differ (actions matter)', () => {
    const rest = run(() => 0, 5);
    const endurance = [id('ENDURANCE_LONG'), id('ENDURANCE_STANDARD'), id('ENDURANCE_SHORT')];
    const train = run((env, i) => endurance.find((a) => env.currentInputs()[i]!.mask[a]) ?? 0, 5);
    const a = rest.currentInputs().map((x) => x.state.atl);
    const b = train.currentInputs().map((x) => x.state.atl);
    // Athletes the twin forced to rest (ill or injured) train in neither run; every other one must differ.
    const forced = train.truth().forcedRestDays.map((f, i) => f - train.seasonStart!.forcedRestDays[i]!);
    const free = pop.map((_, i) => i).filter((i) => forced[i] === 0);
    expect(free.length).toBeGreaterThanOrEqual(4);
    for (const i of free) expect(b[i]!).toBeGreaterThan(a[i]! + 3);
  });

  it('when a blocked action is given then step refuses it', () => {
    const env = new AgentEnv({ seed: 5, horizonDays: 28, warmupDays: 0 });
    const inputs = env.reset(pop);
    // with no history the ACWR cold-start rule blocks the long hard sessions
    expect(inputs[0]!.mask[id('INTERVALS_LONG')]).toBe(false);
    expect(() => env.step(pop.map(() => id('INTERVALS_LONG')))).toThrow(/blocked action/);
  });

  it('when the season ends then done is reported after horizonDays steps', () => {
    const env = new AgentEnv({ seed: 5, horizonDays: 3, warmupDays: 7 });
    env.reset(pop);
    expect(env.step(pop.map(() => 0)).done).toBe(false);
    expect(env.step(pop.map(() => 0)).done).toBe(false);
    expect(env.step(pop.map(() => 0)).done).toBe(true);
  });
});
