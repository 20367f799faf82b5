import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../../agent/actions/index.ts';
import { AcwrPolicy, HrvPolicy, StaticPolicy, fallbackAction, trainTabularQ } from '../../../agent/baselines/index.ts';
import type { Policy, PolicyInput } from '../../../agent/baselines/index.ts';
import { AgentEnv } from '../../../agent/env/agent-env.ts';
import { AlwaysRestPolicy, compareBaselines, evaluatePolicy, formatLegend, formatMarkdownTable, writeReportJson } from '../../../agent/eval/index.ts';
import type { PolicyReport } from '../../../agent/eval/index.ts';
import { HARD_SESSIONS, SESSION_TYPES, generatePopulation } from '../../../twin/index.ts';

const A = (key: string): number => {
  const v = ACTION_ID[key];
  if (v === undefined) throw new Error(`no action ${key}`);
  return v;
};
const withoutTiming = ({ timing: _t, ...rest }: PolicyReport) => rest;

/** Alternates long intervals with a long endurance day (each through the mask's fallback): a risky plan. */
class AlternatingPolicy implements Policy {
  readonly name = 'alternating';
  readonly version = '1';
  decide(inputs: readonly PolicyInput[]): number[] {
    return inputs.map((x) => fallbackAction(A(x.context.dayIndex % 2 === 0 ? 'INTERVALS_LONG' : 'ENDURANCE_LONG'), x.mask));
  }
}

describe('evaluatePolicy: metrics', () => {
  it('when every day is REST then rest share is 100 %, no load, no hard session, no ACWR spike, and performance falls in every sport', () => {
    const r = evaluatePolicy(new AlwaysRestPolicy(), { population: { n: 8, seed: 12 }, seed: 5, seasonDays: 56 });
    expect(r.restPct).toBe(100);
    expect(r.weeklyLoad).toBe(0);
    expect(r.hardPerWeek).toBe(0);
    expect(r.hardOnSuppressedPct).toBeNull();
    expect(r.acwrOver15Pct).toBe(0);
    expect(r.ctlRampOver8Pct).toBe(0);
    expect(r.injuriesPer1000).toBe(0); // no exposure, no injury
    expect(r.perfGainPct).toBeLessThan(0);
    for (const s of r.bySport) {
      expect(s.perfGainPct).toBeLessThan(0);
      // detraining: times get longer, watts and metres fewer
      if (s.higherIsBetter) expect(s.markerChange).toBeLessThan(0);
      else expect(s.markerChange).toBeGreaterThan(0);
    }
    expect(r.perAthlete).toHaveLength(8);
    expect(r.athletes).toBe(8);
  });

  it('when recomputed by hand from the env truth on a tiny case then every rate matches', () => {
    const pop = generatePopulation({ n: 3, seed: 40 });
    const opts = { seed: 4, seasonDays: 14, warmupDays: 42 } as const;
    const r = evaluatePolicy(new AlternatingPolicy(), { population: pop, ...opts });

    // independent replay of the same loop
    const env = new AgentEnv({ seed: opts.seed, horizonDays: opts.seasonDays, warmupDays: opts.warmupDays });
    let inputs = env.reset(pop);
    const start = env.seasonStart!;
    const ctl0 = Array.from(env.truth().ctl);
    const p = new AlternatingPolicy();
    let rest = 0;
    let load = 0;
    let hard = 0;
    let hardSupp = 0;
    let acwr = 0;
    let ramp = 0;
    const reward = [0, 0, 0];
    const ctlWeek: number[][] = [];
    for (let d = 0; d < 14; d++) {
      const step = env.step(p.decide(inputs));
      const t = env.truth();
      for (let i = 0; i < 3; i++) {
        reward[i]! += step.rewards[i]!;
        const type = SESSION_TYPES[t.sessionType[i]!]!;
        if (type === 'REST') rest++;
        if (HARD_SESSIONS.has(type)) {
          hard++;
          if (t.hrvZ[i]! < -1) hardSupp++;
        }
        if (t.acwr[i]! > 1.5) acwr++;
        load += t.load[i]!;
      }
      if (d % 7 === 6) ctlWeek.push(Array.from(t.ctl));
      inputs = env.currentInputs();
    }
    ctlWeek.forEach((w, k) => w.forEach((c, i) => (c - (k === 0 ? ctl0[i]! : ctlWeek[k - 1]![i]!) > 8 ? ramp++ : 0)));
    const t = env.truth();
    const gain = [0, 1, 2].map((i) => t.performance[i]! - start.performance[i]!);

    const inj = [0, 1, 2].reduce((s, i) => s + t.injuries[i]! - start.injuries[i]!, 0);
    const ill = [0, 1, 2].reduce((s, i) => s + t.illnesses[i]! - start.illnesses[i]!, 0);
    const forced = [0, 1, 2].reduce((s, i) => s + t.forcedRestDays[i]! - start.forcedRestDays[i]!, 0);
    // the case exercises every counter (seeds chosen for it): hard days, some on suppressed HRV, an ACWR spike, events
    expect(hard).toBeGreaterThan(0);
    expect(hardSupp).toBeGreaterThan(0);
    expect(acwr).toBeGreaterThan(0);
    expect(inj + ill).toBeGreaterThan(0);
    expect(r.restPct).toBeCloseTo((100 * rest) / 42, 10);
    expect(r.weeklyLoad).toBeCloseTo((7 * load) / 42, 8);
    expect(r.hardPerWeek).toBeCloseTo((7 * hard) / 42, 10);
    expect(r.hardOnSuppressedPct).toBeCloseTo((100 * hardSupp) / hard, 10);
    expect(r.hardOnBelowBandPct).toBe(0); // masked policy: never hard on a below-band morning
    expect(r.acwrOver15Pct).toBeCloseTo((100 * acwr) / 42, 10);
    expect(r.ctlRampOver8Pct).toBeCloseTo((100 * ramp) / 6, 10);
    expect(r.perfGainPct).toBeCloseTo(gain.reduce((a, b) => a + b) / 3, 10);
    expect(r.reward).toBeCloseTo(reward.reduce((a, b) => a + b) / 3, 6);
    expect(r.injuriesPer1000).toBeCloseTo((1000 * inj) / 42, 10);
    expect(r.illnessesPer1000).toBeCloseTo((1000 * ill) / 42, 10);
    expect(r.forcedRestPct).toBeCloseTo((100 * forced) / 42, 10);
    expect(r.perAthlete!.map((a) => a.perfGainPct)).toEqual(gain);
  });

  it('when the same seeds are used twice then the reports are identical (timing aside), and another episode seed changes them', () => {
    const opts = { population: { n: 6, seed: 77 }, seed: 3, seasonDays: 42 };
    const a = evaluatePolicy(new HrvPolicy(), opts);
    const b = evaluatePolicy(new HrvPolicy(), opts);
    expect(withoutTiming(b)).toEqual(withoutTiming(a));
    const c = evaluatePolicy(new HrvPolicy(), { ...opts, seed: 4 });
    expect(withoutTiming(c)).not.toEqual(withoutTiming(a));
  });

  it('when a sensible plan and always-REST face the same athletes and seeds then the plan gains more performance and more reward', () => {
    const opts = { population: { n: 16, seed: 9 }, seed: 11 };
    const rest = evaluatePolicy(new AlwaysRestPolicy(), opts);
    for (const plan of [new StaticPolicy(), new AcwrPolicy()]) {
      const r = evaluatePolicy(plan, opts);
      expect(r.perfGainPct).toBeGreaterThan(rest.perfGainPct + 10);
      expect(r.reward).toBeGreaterThan(rest.reward);
      // paired: better for most athletes, not just on average
      const better = r.perAthlete!.filter((x, i) => x.perfGainPct > rest.perAthlete![i]!.perfGainPct).length;
      expect(better).toBeGreaterThanOrEqual(14);
    }
  });

  it('when a policy returns a blocked action then the harness refuses it and names the policy', () => {
    const cheat: Policy = { name: 'cheat', version: '0', decide: (xs) => xs.map(() => A('INTERVALS_LONG')) };
    expect(() => evaluatePolicy(cheat, { population: { n: 3, seed: 1 }, seed: 1, seasonDays: 3, warmupDays: 0 })).toThrow(/cheat returned blocked/);
  });

  it('when athletes share an id then the harness refuses the population (policies look athletes up by id)', () => {
    const [p] = generatePopulation({ n: 1, seed: 1 });
    expect(() => evaluatePolicy(new AlwaysRestPolicy(), { population: [p!, { ...p! }], seed: 1, seasonDays: 2 })).toThrow(/duplicate athlete id/);
  });
});

describe('compareBaselines, table and JSON', () => {
  it('when comparing then every baseline, the reference and extra policies get a row on the same athletes, and the table and JSON carry them', () => {
    const tabular = trainTabularQ({ episodes: 1, athletes: 4, seasonDays: 14, warmupDays: 28, populationSeed: 900, episodeSeed: 901 });
    const extra: Policy = { name: 'extra-rest', version: '9', decide: (xs) => xs.map(() => 0) };
    const report = compareBaselines({ population: { n: 4, seed: 5 }, seed: 6, seasonDays: 14, warmupDays: 28, tabularQ: tabular, extra: [extra] });
    expect(report.rows.map((r) => r.policy)).toEqual(['always-rest', 'static', 'acwr', 'hrv', 'greedy', 'tabular-q', 'extra-rest']);
    expect(report.population).toEqual({ n: 4, seed: 5 });
    for (const r of report.rows) expect(r.perAthlete!.map((a) => a.id)).toEqual(report.rows[0]!.perAthlete!.map((a) => a.id));
    // same athletes, seeds and actions → the extra REST row equals the reference row
    expect(withoutTiming({ ...report.rows[6]!, policy: 'x', version: 'x' })).toEqual(withoutTiming({ ...report.rows[0]!, policy: 'x', version: 'x' }));
    expect(report.notes.some((n) => n.startsWith('tabular-q trained on 1 episodes × 4 athletes'))).toBe(true);

    const md = formatMarkdownTable(report);
    const lines = md.split('\n');
    expect(lines).toHaveLength(2 + 7);
    expect(lines[0]).toMatch(/^\| policy \| perf Δ % \(±SE\) \|/);
    expect(lines[2]).toMatch(/^\| always-rest@1 \| -\d+\.\d\d \(±\d+\.\d\d\) \|/);
    expect(lines[2]).toContain('| 100.0 (');
    expect(formatLegend(report)).toMatch(/4 athletes \(population seed 5\), episode seed 6/);

    const dir = mkdtempSync(join(tmpdir(), 'twincoach-eval-'));
    try {
      const path = join(dir, 'nested', 'policy-eval.json');
      writeReportJson(path, report);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
