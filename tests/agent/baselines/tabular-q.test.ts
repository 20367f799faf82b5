import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, ACTION_COUNT, ACTION_ID } from '../../../agent/actions/index.ts';
import { DISCRETIZER, QTable, STATE_COUNT, TabularQPolicy, parseStateKey, stateBins, stateIndex, stateKey, trainTabularQ } from '../../../agent/baselines/index.ts';
import type { PolicyInput, TabularQJson } from '../../../agent/baselines/index.ts';
import { computeMask } from '../../../agent/mask/index.ts';
import { computeState, encodeState } from '../../../agent/state/index.ts';
import { Rng } from '../../../twin/index.ts';
import { SPORTS } from '../../../twin/types.ts';
import { arbConstraints, arbOverrides, baseState } from '../mask/fixtures.ts';
import { arbHistory } from '../state/helpers.ts';

const A = (key: string): number => {
  const v = ACTION_ID[key];
  if (v === undefined) throw new Error(`no action ${key}`);
  return v;
};
const maskOf = (...keys: string[]) => ACTIONS.map((a) => keys.includes(a.key));

/** A tiny training run shared by the round-trip tests (2 seasons of 14 days, 4 athletes). */
const TINY = { episodes: 2, athletes: 4, seasonDays: 14, warmupDays: 28, populationSeed: 500, episodeSeed: 600, seed: 3 };

describe('tabular-q: discretizer', () => {
  it('when binning hand-picked states then the cells are the documented ones', () => {
    expect(STATE_COUNT).toBe(6 * 4 * 4 * 4 * 4);
    expect(DISCRETIZER.sizes).toEqual([6, 4, 4, 4, 4]);
    // ACWR 1.25 → bin 4 (1.2–1.4); inside band → 2; TSB/CTL = −10/50 = −0.2 → 1; last hard 2 days ago → 1; rest yesterday → 0
    expect(stateBins(baseState({ acwr: 1.25, acwrColdStart: false, hrvBand: 'inside', tsb: -10, ctl: 50, daysSinceHard: 2, daysSinceRest: 1 }))).toEqual([4, 2, 1, 1, 0]);
    // cold start → 0; unknown HRV → 0; TSB/max(CTL,10) = 2/10 = 0.2 → 3; no hard day → 3; 6 days since rest → 3
    expect(stateBins(baseState({ acwr: undefined, acwrColdStart: true, hrvBand: 'unknown', tsb: 2, ctl: 3, daysSinceHard: undefined, daysSinceRest: 6 }))).toEqual([0, 0, 3, 3, 3]);
    // edges belong to the upper bin: ACWR 0.8 → 2, TSB ratio −0.3 → 1, 4 days since hard → 3, 4 since rest → 2
    expect(stateBins(baseState({ acwr: 0.8, acwrColdStart: false, hrvBand: 'below', tsb: -15, ctl: 50, daysSinceHard: 4, daysSinceRest: 4 }))).toEqual([2, 1, 1, 3, 2]);
    expect(stateKey(stateIndex(baseState({ acwr: 1.25, acwrColdStart: false, hrvBand: 'inside', tsb: -10, ctl: 50, daysSinceHard: 2, daysSinceRest: 1 })))).toBe('a4.h2.t1.d1.r0');
  });

  it('when encoding every cell as a key then parsing gives the cell back', () => {
    for (let s = 0; s < STATE_COUNT; s++) expect(parseStateKey(stateKey(s))).toBe(s);
    expect(() => parseStateKey('a9.h0.t0.d0.r0')).toThrow(/bad state key/);
  });
});

describe('tabular-q: update rule', () => {
  it('when updating on a toy transition then Q follows the hand-computed values (masked max, α = max(alpha, 1/n), terminal)', () => {
    const t = new QTable({ gamma: 0.9, alpha: 0.1, qInit: 0 });
    const s = 3;
    const a = A('TEMPO_SHORT');
    const next = 5;
    // next state: Q(s', REST) = −1, Q(s', AR short) = 1.5, Q(s', INTERVALS_LONG) = 10 but blocked tomorrow
    t.q[next * ACTION_COUNT + A('REST')] = -1;
    t.q[next * ACTION_COUNT + A('ACTIVE_RECOVERY_SHORT')] = 1.5;
    t.q[next * ACTION_COUNT + A('INTERVALS_LONG')] = 10;
    const nextMask = maskOf('REST', 'ACTIVE_RECOVERY_SHORT');
    // unvisited allowed actions of s' hold qInit 0 < 1.5: the masked max is 1.5
    expect(t.maskedMax(next, nextMask)).toBe(1.5);

    // 1st visit: α = max(0.1, 1/1) = 1 → Q = r + γ·1.5 = −0.5 + 1.35 = 0.85
    expect(t.update(s, a, -0.5, next, nextMask, false)).toBeCloseTo(0.85, 12);
    expect(t.get(s, a)).toBeCloseTo(0.85, 12);
    // 2nd: α = 1/2, target 0.5 + 1.35 = 1.85 → 0.85 + 0.5·(1.85 − 0.85) = 1.35
    t.update(s, a, 0.5, next, nextMask, false);
    expect(t.get(s, a)).toBeCloseTo(1.35, 12);
    expect(t.visits(s, a)).toBe(2);
    // after 19 visits α = max(0.1, 1/20) = 0.1: target −0.2 + 1.35 = 1.15 → 1.35 + 0.1·(1.15 − 1.35) = 1.33
    t.n[s * ACTION_COUNT + a] = 19;
    t.update(s, a, -0.2, next, nextMask, false);
    expect(t.get(s, a)).toBeCloseTo(1.33, 12);
    // terminal: no bootstrap, target = r = −2 → 1.33 + 0.1·(−2 − 1.33) = 0.997
    t.update(s, a, -2, next, nextMask, true);
    expect(t.get(s, a)).toBeCloseTo(0.997, 12);
    // with INTERVALS_LONG allowed tomorrow the bootstrap would have used 10
    expect(t.maskedMax(next, maskOf('REST', 'ACTIVE_RECOVERY_SHORT', 'INTERVALS_LONG'))).toBe(10);
    // other entries untouched
    expect(t.get(s, A('REST'))).toBe(0);
    expect(t.visits(next, A('REST'))).toBe(0);
  });
});

const arbInput: fc.Arbitrary<PolicyInput> = arbHistory
  .chain(({ history, target }) =>
    fc.record({
      history: fc.constant(history),
      target: fc.constant(target),
      constraints: arbConstraints(target),
      overrides: arbOverrides,
      override: fc.boolean(),
      sport: fc.constantFrom(...SPORTS),
    }),
  )
  .map(({ history, target, constraints, overrides, override, sport }) => {
    const computed = computeState(history, target);
    const state = override ? { ...computed, ...overrides } : computed;
    const mask = computeMask({ state, sport, constraints }).mask;
    return { state, features: encodeState(state), mask, context: { sport, dayIndex: 0, date: target } };
  });

describe('tabular-q: policy', () => {
  it('property: over random tables, states, masks and constraints the policy never returns a blocked action', () => {
    fc.assert(
      fc.property(fc.array(arbInput, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 0, max: 4 }), (inputs, seed, minVisits) => {
        const t = new QTable();
        const rng = new Rng(seed);
        for (let k = 0; k < t.q.length; k++) {
          t.q[k] = 10 * rng.normal(); // blocked actions often hold the best value
          t.n[k] = Math.floor(rng.uniform() * 4);
        }
        const out = new TabularQPolicy(t, { minVisits }).decide(inputs);
        expect(out).toHaveLength(inputs.length);
        out.forEach((a, i) => {
          if (inputs[i]!.mask[a] !== true) throw new Error(`tabular-q chose blocked ${ACTIONS[a]?.key}`);
        });
      }),
      { numRuns: 150, seed: 17 },
    );
  });

  it('when the best Q of a state is blocked then it takes the best allowed one, and falls back when nothing allowed was tried enough', () => {
    const t = new QTable();
    const state = baseState();
    const s = stateIndex(state);
    const set = (key: string, q: number, n: number) => {
      t.q[s * ACTION_COUNT + A(key)] = q;
      t.n[s * ACTION_COUNT + A(key)] = n;
    };
    set('INTERVALS_LONG', 5, 10);
    set('TEMPO_STANDARD', 2, 10);
    set('ENDURANCE_LONG', 3, 1); // best allowed, but tried once only
    const p = new TabularQPolicy(t, { minVisits: 3 });
    const x = (mask: boolean[]): PolicyInput => ({ state, features: encodeState(state), mask, context: { sport: 'running', dayIndex: 0, date: state.date } });
    expect(p.decide([x(ACTIONS.map((a) => a.key !== 'INTERVALS_LONG'))])).toEqual([A('TEMPO_STANDARD')]);
    expect(p.fallbacks).toBe(0);
    // nothing allowed was tried 3 times → fallback ENDURANCE_STANDARD → ENDURANCE_SHORT (standard is blocked)
    expect(p.decide([x(maskOf('REST', 'ENDURANCE_SHORT', 'ENDURANCE_LONG'))])).toEqual([A('ENDURANCE_SHORT')]);
    expect(p.fallbacks).toBe(1);
  });
});

describe('tabular-q: training and serialization', () => {
  it('when trained twice with the same seeds then the tables are identical, and a different exploration seed changes them', () => {
    const a = trainTabularQ(TINY);
    const b = trainTabularQ(TINY);
    expect(Array.from(b.table.q)).toEqual(Array.from(a.table.q));
    expect(Array.from(b.table.n)).toEqual(Array.from(a.table.n));
    expect(a.training!.transitions).toBe(2 * 4 * 14);
    expect(a.training!.populationSeeds).toEqual([500, 501]);
    const c = trainTabularQ({ ...TINY, seed: 4 });
    expect(Array.from(c.table.n)).not.toEqual(Array.from(a.table.n));
  });

  it('when the table goes through JSON then values, visit counts and decisions round-trip exactly', () => {
    const p = trainTabularQ(TINY);
    const json = JSON.parse(JSON.stringify(p.toJSON())) as TabularQJson;
    expect(json.format).toBe('twincoach.tabular-q');
    expect(Object.keys(json.states).length).toBe(p.table.visitedStates());
    const back = TabularQPolicy.fromJSON(json, { minVisits: p.minVisits });
    expect(Array.from(back.table.q)).toEqual(Array.from(p.table.q));
    expect(Array.from(back.table.n)).toEqual(Array.from(p.table.n));
    expect(back.table.config).toEqual(p.table.config);
    expect(back.training).toEqual(p.training);
    const inputs = fc.sample(arbInput, { numRuns: 40, seed: 2 });
    expect(back.decide(inputs)).toEqual(p.decide(inputs));
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(p.toJSON()));
  });

  it('when loading a table of another discretizer or action count then it refuses', () => {
    const json = new QTable().toJSON();
    expect(() => QTable.fromJSON({ ...json, discretizer: { id: 'other', version: 1 } })).toThrow(/discretizer/);
    expect(() => QTable.fromJSON({ ...json, actions: 16 })).toThrow(/actions/);
  });
});
