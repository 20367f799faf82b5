import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPORTS } from '../../../twin/types.ts';
import { ACTIONS } from '../../../agent/actions/index.ts';
import { AcwrPolicy, HrvPolicy, StaticPolicy, fallbackAction } from '../../../agent/baselines/index.ts';
import type { Policy, PolicyInput } from '../../../agent/baselines/index.ts';
import { computeMask } from '../../../agent/mask/index.ts';
import { computeState, encodeState } from '../../../agent/state/index.ts';
import { arbConstraints, arbOverrides } from '../mask/fixtures.ts';
import { arbHistory } from '../state/helpers.ts';

const arbInput: fc.Arbitrary<PolicyInput> = arbHistory
  .chain(({ history, target }) =>
    fc.record({
      history: fc.constant(history),
      target: fc.constant(target),
      constraints: arbConstraints(target),
      overrides: arbOverrides,
      override: fc.boolean(),
      sport: fc.constantFrom(...SPORTS),
      dayIndex: fc.integer({ min: 0, max: 400 }),
    }),
  )
  .map(({ history, target, constraints, overrides, override, sport, dayIndex }) => {
    const computed = computeState(history, target);
    const state = override ? { ...computed, ...overrides } : computed;
    const mask = computeMask({ state, sport, constraints }).mask;
    return { state, features: encodeState(state), mask, context: { sport, dayIndex, date: target } };
  });

const POLICIES: Policy[] = [new StaticPolicy(), new AcwrPolicy(), new HrvPolicy()];

describe('baselines property', () => {
  it('property: over random states, masks and constraints no baseline returns a blocked action, and answers stay batched in order', () => {
    fc.assert(
      fc.property(fc.array(arbInput, { minLength: 1, maxLength: 8 }), (inputs) => {
        for (const p of POLICIES) {
          const out = p.decide(inputs);
          expect(out.length).toBe(inputs.length);
          out.forEach((id, i) => {
            if (!Number.isInteger(id) || id < 0 || id >= ACTIONS.length) throw new Error(`${p.name}: invalid id ${id}`);
            if (inputs[i]!.mask[id] !== true) throw new Error(`${p.name} chose blocked ${ACTIONS[id]!.key}`);
          });
          // batching does not change answers
          expect(inputs.map((x) => p.decide([x])[0])).toEqual(out);
        }
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  it('property: fallbackAction returns an allowed action, never harder or longer than preferred unless REST', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ACTIONS.length - 1 }), fc.array(fc.boolean(), { minLength: ACTIONS.length, maxLength: ACTIONS.length }), (pref, bits) => {
        const mask = bits.map((b, i) => i === 0 || b);
        const got = fallbackAction(pref, mask);
        expect(mask[got]).toBe(true);
        if (mask[pref]) expect(got).toBe(pref);
        if (got !== 0) {
          const rank = { REST: 0, ACTIVE_RECOVERY: 1, ENDURANCE: 2, STRENGTH: 3, TEMPO: 3, INTERVALS: 4 } as const;
          const dose = { short: 0, standard: 1, long: 2 } as const;
          const a = ACTIONS[got]!;
          const p = ACTIONS[pref]!;
          expect(rank[a.type]).toBeLessThanOrEqual(rank[p.type]);
          expect(dose[a.dose]).toBeLessThanOrEqual(dose[p.dose]);
        }
      }),
      { numRuns: 2000, seed: 5 },
    );
  });
});
