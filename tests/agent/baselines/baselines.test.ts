import { describe, expect, it } from 'vitest';
import { ACTIONS, ACTION_ID, materialize } from '../../../agent/actions/index.ts';
import {
  AcwrPolicy,
  FALLBACK_ORDER,
  HrvPolicy,
  STATIC_PLAN,
  StaticPolicy,
  fallbackAction,
  makePolicyInput,
  staticPlanAction,
} from '../../../agent/baselines/index.ts';
import type { Policy, PolicyInput } from '../../../agent/baselines/index.ts';
import { computeMask } from '../../../agent/mask/index.ts';
import { encodeState } from '../../../agent/state/index.ts';
import type { AthleteState } from '../../../agent/state/index.ts';
import { HARD_SESSIONS } from '../../../twin/types.ts';
import { baseState } from '../mask/fixtures.ts';
import { day, days } from '../state/helpers.ts';

const ALL_TRUE = ACTIONS.map(() => true);
const key = (id: number) => ACTIONS[id]!.key;
const ids = (...keys: string[]) => keys.map((k) => ACTION_ID[k]!);

function input(over: Partial<AthleteState> = {}, mask: readonly boolean[] = ALL_TRUE, dayIndex = 0): PolicyInput {
  const state = baseState(over);
  return { state, features: encodeState(state), mask, context: { sport: 'running', dayIndex, date: state.date } };
}
const decide1 = (p: Policy, x: PolicyInput) => key(p.decide([x])[0]!);

describe('fallbackAction', () => {
  it('when listing the fallback order then same type smaller doses come first, then easier types, then REST', () => {
    expect(FALLBACK_ORDER[ACTION_ID.INTERVALS_LONG!]!.map(key)).toEqual([
      'INTERVALS_LONG',
      'INTERVALS_STANDARD',
      'INTERVALS_SHORT',
      'TEMPO_LONG',
      'TEMPO_STANDARD',
      'TEMPO_SHORT',
      'ENDURANCE_LONG',
      'ENDURANCE_STANDARD',
      'ENDURANCE_SHORT',
      'ACTIVE_RECOVERY_STANDARD',
      'ACTIVE_RECOVERY_SHORT',
      'REST',
    ]);
    expect(FALLBACK_ORDER[ACTION_ID.INTERVALS_SHORT!]!.map(key)).toEqual(['INTERVALS_SHORT', 'TEMPO_SHORT', 'ENDURANCE_SHORT', 'ACTIVE_RECOVERY_SHORT', 'REST']);
    expect(FALLBACK_ORDER[ACTION_ID.STRENGTH_STANDARD!]!.map(key)).toEqual([
      'STRENGTH_STANDARD',
      'STRENGTH_SHORT',
      'ENDURANCE_STANDARD',
      'ENDURANCE_SHORT',
      'ACTIVE_RECOVERY_STANDARD',
      'ACTIVE_RECOVERY_SHORT',
      'REST',
    ]);
    expect(FALLBACK_ORDER[0]).toEqual([0]);
  });

  it('when hard sessions are blocked then INTERVALS standard falls back to ENDURANCE standard', () => {
    const mask = ACTIONS.map((a) => !HARD_SESSIONS.has(a.type));
    expect(key(fallbackAction(ACTION_ID.INTERVALS_STANDARD!, mask))).toBe('ENDURANCE_STANDARD');
  });

  it('when only REST is allowed then REST; when the preferred action is allowed then itself', () => {
    expect(fallbackAction(ACTION_ID.TEMPO_LONG!, ACTIONS.map((a) => a.id === 0))).toBe(0);
    expect(fallbackAction(ACTION_ID.TEMPO_LONG!, ALL_TRUE)).toBe(ACTION_ID.TEMPO_LONG);
  });

  it('when every allowed action is harder than the preferred one then REST rather than something harder', () => {
    const mask = ACTIONS.map((a) => a.id === 0 || a.type === 'INTERVALS');
    expect(fallbackAction(ACTION_ID.ENDURANCE_STANDARD!, mask)).toBe(0);
  });
});

describe('StaticPolicy (linear periodization 3 + 1)', () => {
  const p = new StaticPolicy();

  it('when running 28 days unmasked then it follows the plan: 3 build weeks and a deload', () => {
    const got = Array.from({ length: 28 }, (_, d) => decide1(p, input({}, ALL_TRUE, d)));
    expect(got).toEqual(STATIC_PLAN.flat());
    expect(got.slice(0, 7)).toEqual(['REST', 'INTERVALS_SHORT', 'ENDURANCE_SHORT', 'TEMPO_SHORT', 'ACTIVE_RECOVERY_STANDARD', 'ENDURANCE_STANDARD', 'STRENGTH_SHORT']);
    expect(staticPlanAction(28)).toBe(staticPlanAction(0)); // the cycle repeats
  });

  it('when counting hard days then build weeks have 3, the deload 2, and no two hard days touch', () => {
    const hard = STATIC_PLAN.map((w) => w.filter((k) => HARD_SESSIONS.has(ACTIONS[ACTION_ID[k]!]!.type)).length);
    expect(hard).toEqual([3, 3, 3, 2]);
    const flat = STATIC_PLAN.flat();
    for (let i = 0; i < flat.length; i++) {
      const a = HARD_SESSIONS.has(ACTIONS[ACTION_ID[flat[i]!]!]!.type);
      const b = HARD_SESSIONS.has(ACTIONS[ACTION_ID[flat[(i + 1) % flat.length]!]!]!.type);
      expect(a && b).toBe(false);
    }
  });

  it('when summing planned loads then the build weeks progress and the deload is about half of week 3', () => {
    // runner, CTL 50: 246.8 → 348.3 → 397.3 → deload 211.6 (53% of week 3, 86% of week 1)
    const week = (w: number) => STATIC_PLAN[w]!.reduce((s, k) => s + materialize(ACTION_ID[k]!, { sport: 'running', ctl: 50 }).targetLoad, 0);
    const [w1, w2, w3, dl] = [week(0), week(1), week(2), week(3)];
    expect(w2).toBeGreaterThan(w1 * 1.1);
    expect(w3).toBeGreaterThan(w2 * 1.05);
    expect(dl).toBeLessThan(w3 * 0.6);
    expect(dl).toBeLessThan(w1);
    expect(w1).toBeCloseTo(246.8, 1);
  });

  it('when the planned INTERVALS are blocked by the mask then it falls back to the most similar allowed session', () => {
    const x = input({ hrvFallingDays: 2 }, undefined, 8); // day 8 = build week 2, INTERVALS_STANDARD
    const withMask = { ...x, mask: computeMask({ state: x.state, sport: 'running' }).mask };
    expect(decide1(p, withMask)).toBe('ENDURANCE_STANDARD');
  });

  it('when given an offset then the plan is shifted', () => {
    expect(decide1(new StaticPolicy({ offset: 1 }), input({}, ALL_TRUE, 0))).toBe('INTERVALS_SHORT');
  });
});

describe('AcwrPolicy', () => {
  const p = new AcwrPolicy();
  // Runner, CTL 50. Projected ACWR = (0.25·L + 0.75·acute) / ((2/29)·L + (27/29)·chronic).

  it('when ACWR is 1.0 on an easy day then ENDURANCE long (→ 1.082) is the dose closest to 1.1', () => {
    // ENDURANCE short 0.936, standard 0.996, long 1.082
    expect(decide1(p, input({ acuteEwma: 50, chronicEwma: 50, acwr: 1, ctl: 50, daysSinceHard: 1 }))).toBe('ENDURANCE_LONG');
  });

  it('when ACWR is 1.4 on an easy day then the short dose (→ 1.243) brings it back toward 1.1', () => {
    // ENDURANCE short 1.243, standard 1.297, long 1.373 (out of band)
    expect(decide1(p, input({ acuteEwma: 70, chronicEwma: 50, acwr: 1.4, ctl: 50, daysSinceHard: 1 }))).toBe('ENDURANCE_SHORT');
  });

  it('when ACWR is 1.8 then every session overshoots 1.3 and it rests (REST → 1.45 is closest)', () => {
    expect(decide1(p, input({ acuteEwma: 90, chronicEwma: 50, acwr: 1.8, ctl: 50, daysSinceHard: 1 }))).toBe('REST');
  });

  it('when ACWR is 0.6 on a hard day then the longest INTERVALS (→ 0.946) is chosen; on an easy day ENDURANCE long (→ 0.792)', () => {
    const over = { acuteEwma: 30, chronicEwma: 50, acwr: 0.6, ctl: 50 };
    expect(decide1(p, input({ ...over, daysSinceHard: 2, lastHardType: 'TEMPO' }))).toBe('INTERVALS_LONG');
    expect(decide1(p, input({ ...over, daysSinceHard: 1 }))).toBe('ENDURANCE_LONG');
  });

  it('when the last hard day was INTERVALS then the next hard day is TEMPO (short → 0.993, standard → 1.058, long → 1.138)', () => {
    expect(decide1(p, input({ acuteEwma: 50, chronicEwma: 50, acwr: 1, ctl: 50, daysSinceHard: 3, lastHardType: 'INTERVALS' }))).toBe('TEMPO_LONG');
  });

  it('when ACWR is in its cold start then ENDURANCE standard (conservative default)', () => {
    expect(decide1(p, input({ acwr: undefined, acwrColdStart: true, daysSinceHard: undefined }))).toBe('ENDURANCE_STANDARD');
  });

  it('when its preferred dose is blocked then it picks the closest allowed', () => {
    const mask = ALL_TRUE.map((_, id) => id !== ACTION_ID.ENDURANCE_LONG);
    expect(decide1(p, input({ acuteEwma: 50, chronicEwma: 50, acwr: 1, ctl: 50, daysSinceHard: 1 }, mask))).toBe('ENDURANCE_STANDARD');
  });
});

describe('HrvPolicy (Vesterinen / Javaloyes + Kiviniemi)', () => {
  const p = new HrvPolicy();
  const ready = { hrvBaselineReady: true, hrvFallingDays: 0, lastHardType: 'TEMPO' as const };

  it('when the 7-day lnRMSSD is inside the band then a hard session (INTERVALS, TEMPO after INTERVALS)', () => {
    expect(decide1(p, input({ ...ready, hrvBand: 'inside' }))).toBe('INTERVALS_STANDARD');
    expect(decide1(p, input({ ...ready, hrvBand: 'inside', lastHardType: 'INTERVALS' }))).toBe('TEMPO_STANDARD');
  });

  it('when inside but falling two days running then low intensity (ENDURANCE short)', () => {
    expect(decide1(p, input({ ...ready, hrvBand: 'inside', hrvFallingDays: 2 }))).toBe('ENDURANCE_SHORT');
    expect(decide1(p, input({ ...ready, hrvBand: 'inside', hrvFallingDays: 1 }))).toBe('INTERVALS_STANDARD');
  });

  it('when above the band then easy (ENDURANCE standard); below then recovery, or REST if also falling', () => {
    expect(decide1(p, input({ ...ready, hrvBand: 'above' }))).toBe('ENDURANCE_STANDARD');
    expect(decide1(p, input({ ...ready, hrvBand: 'below' }))).toBe('ACTIVE_RECOVERY_STANDARD');
    expect(decide1(p, input({ ...ready, hrvBand: 'below', hrvFallingDays: 2 }))).toBe('REST');
  });

  it('when the baseline is not ready then ENDURANCE standard', () => {
    expect(decide1(p, input({ hrvBaselineReady: false, hrvBand: 'unknown' }))).toBe('ENDURANCE_STANDARD');
  });

  it('when HRV says hard but the mask forbids a third hard day then ENDURANCE standard', () => {
    const x = input({ ...ready, hrvBand: 'inside', consecutiveHardDays: 2 });
    expect(decide1(p, { ...x, mask: computeMask({ state: x.state, sport: 'running' }).mask })).toBe('ENDURANCE_STANDARD');
  });
});

describe('Policy interface', () => {
  it('when deciding a batch then one answer per input, in order, with stable names and versions', () => {
    const xs = [input({ hrvBaselineReady: true, hrvBand: 'below' }), input({ hrvBaselineReady: true, hrvBand: 'above' }), input({ illness: true })];
    xs[2] = { ...xs[2]!, mask: computeMask({ state: xs[2]!.state, sport: 'running' }).mask };
    expect(new HrvPolicy().decide(xs).map(key)).toEqual(['ACTIVE_RECOVERY_STANDARD', 'ENDURANCE_STANDARD', 'REST']);
    expect(new HrvPolicy().decide([])).toEqual([]);
    expect([new StaticPolicy(), new AcwrPolicy(), new HrvPolicy()].map((q) => `${q.name}@${q.version}`)).toEqual(['static@1', 'acwr@1', 'hrv@1']);
  });

  it('when building an input from history then state, features and mask agree', () => {
    const h = days(30, (i) => ({ load: 50, sessionType: 'ENDURANCE' as const, illness: i === 29 }));
    const { input: x, maskResult } = makePolicyInput(h, { sport: 'cycling', dayIndex: 3, date: day(30), goalDate: day(60) }, { constraints: [{ type: 'no_high_intensity' }] });
    expect(x.state.date).toBe(day(30));
    expect(x.state.daysToGoal).toBe(30);
    expect([...x.features]).toEqual([...encodeState(x.state)]);
    expect(x.mask).toBe(maskResult.mask);
    expect(maskResult.allowed).toEqual([0]); // illness reported yesterday
    expect(ids('REST')).toEqual(maskResult.allowed);
  });
});
