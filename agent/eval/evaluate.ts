/**
 * Evaluation harness: run any Policy through the coaching loop (AgentEnv: state → mask → policy → twin)
 * on a twin population for one season and measure what happened to the athletes. Risk is measured on
 * the twin's truth, outside the mask, so a violation counted here really happened in the simulation.
 *
 * Same (population, seed, seasonDays, warmupDays) → the same athletes, the same warm-up history and the
 * same random shocks for every policy (the twin's common random numbers), so comparisons are paired.
 */
import { HARD_SESSIONS, SESSION_TYPES, SPORT_MARKERS, SPORTS, generatePopulation, type AthleteParams, type Sport } from '../../twin/index.ts';
import { AgentEnv } from '../env/agent-env.ts';
import { ACTION_COUNT } from '../actions/index.ts';
import type { Policy } from '../baselines/policy.ts';
import type { AthleteOutcome, EvalOptions, PolicyReport, PolicySpec, SportOutcome } from './types.ts';

/** A population spec or explicit athletes → athletes (ids must be unique: policies look athletes up by id). */
export function resolvePopulation(population: EvalOptions['population']): AthleteParams[] {
  const params = Array.isArray(population) ? [...(population as readonly AthleteParams[])] : generatePopulation(population as { n: number; seed: number });
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(p.id)) throw new Error(`evaluatePolicy: duplicate athlete id ${p.id}`);
    seen.add(p.id);
  }
  return params;
}

const HARD_TYPE = Uint8Array.from(SESSION_TYPES, (t) => (HARD_SESSIONS.has(t) ? 1 : 0));
/** Twin truth hrvZ below this = the morning HRV was suppressed (one HRV-noise SD under the recovered baseline). */
export const SUPPRESSED_HRV_Z = -1;
/** ACWR above this counts as a danger-zone day (Gabbett 2016). */
export const ACWR_DANGER = 1.5;
/** Weekly CTL rise above this counts as an excessive ramp (DOMAIN: 5–8 sustainable). */
export const CTL_RAMP_LIMIT = 8;

function meanSem(xs: ArrayLike<number>): [number, number] {
  const n = xs.length;
  if (n === 0) return [0, 0];
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i]!;
  const m = s / n;
  if (n < 2) return [m, 0];
  let v = 0;
  for (let i = 0; i < n; i++) v += (xs[i]! - m) ** 2;
  return [m, Math.sqrt(v / (n - 1) / n)];
}

/** Run one policy for one season and report its metrics (see PolicyReport for the definitions). */
export function evaluatePolicy(spec: PolicySpec, options: EvalOptions): PolicyReport {
  const t0 = performance.now();
  const params = resolvePopulation(options.population);
  const n = params.length;
  const seasonDays = options.seasonDays ?? 168;
  const warmupDays = options.warmupDays ?? 42;
  const env = new AgentEnv({ ...(options.env ?? {}), seed: options.seed, horizonDays: seasonDays, warmupDays });
  let inputs = env.reset(params, options.seed);
  const policy: Policy = typeof spec === 'function' ? spec({ env, params, seed: options.seed }) : spec;
  const start = env.seasonStart!;
  const ctlWeekStart = Float64Array.from(env.truth().ctl);

  const reward = new Float64Array(n);
  let acwrDays = 0;
  let hard = 0;
  let hardSuppressed = 0;
  let hardBelowBand = 0;
  let restDays = 0;
  let load = 0;
  let rampWeeks = 0;
  let weeks = 0;
  let decideNs = 0n;
  const belowBand = new Uint8Array(n);
  for (let d = 0; d < seasonDays; d++) {
    const td = process.hrtime.bigint();
    const actions = policy.decide(inputs);
    decideNs += process.hrtime.bigint() - td;
    if (actions.length !== n) throw new Error(`${policy.name}: ${actions.length} actions for ${n} athletes`);
    for (let i = 0; i < n; i++) {
      const a = actions[i]!;
      if (!Number.isInteger(a) || a < 0 || a >= ACTION_COUNT || inputs[i]!.mask[a] !== true) {
        throw new Error(`${policy.name} returned blocked or invalid action ${a} for athlete ${params[i]!.id} on season day ${d}`);
      }
      belowBand[i] = inputs[i]!.state.hrvBand === 'below' ? 1 : 0;
    }
    const step = env.step(actions);
    const t = env.truth();
    for (let i = 0; i < n; i++) {
      reward[i] = reward[i]! + step.rewards[i]!;
      if (t.acwr[i]! > ACWR_DANGER) acwrDays++;
      const type = t.sessionType[i]!;
      if (type === 0) restDays++;
      if (HARD_TYPE[type] === 1) {
        hard++;
        if (t.hrvZ[i]! < SUPPRESSED_HRV_Z) hardSuppressed++;
        if (belowBand[i] === 1) hardBelowBand++;
      }
      load += t.load[i]!;
    }
    if (d % 7 === 6) {
      for (let i = 0; i < n; i++) {
        if (t.ctl[i]! - ctlWeekStart[i]! > CTL_RAMP_LIMIT) rampWeeks++;
        ctlWeekStart[i] = t.ctl[i]!;
      }
      weeks++;
    }
    if (!step.done) inputs = env.currentInputs();
  }

  const t = env.truth();
  const athleteDays = n * seasonDays;
  const perf = new Float64Array(n);
  const marker = new Float64Array(n);
  let injuries = 0;
  let illnesses = 0;
  let forced = 0;
  const perAthlete: AthleteOutcome[] = [];
  for (let i = 0; i < n; i++) {
    perf[i] = t.performance[i]! - start.performance[i]!;
    marker[i] = t.marker[i]! - start.marker[i]!;
    const inj = t.injuries[i]! - start.injuries[i]!;
    const ill = t.illnesses[i]! - start.illnesses[i]!;
    injuries += inj;
    illnesses += ill;
    forced += t.forcedRestDays[i]! - start.forcedRestDays[i]!;
    perAthlete.push({ id: params[i]!.id, sport: params[i]!.sport, perfGainPct: perf[i]!, markerChange: marker[i]!, reward: reward[i]!, injuries: inj, illnesses: ill });
  }
  const bySport: SportOutcome[] = [];
  for (const sport of SPORTS as readonly Sport[]) {
    const idx = params.flatMap((p, i) => (p.sport === sport ? [i] : []));
    if (idx.length === 0) continue;
    const m = SPORT_MARKERS[sport];
    const avg = (f: (i: number) => number) => idx.reduce((s, i) => s + f(i), 0) / idx.length;
    bySport.push({
      sport,
      athletes: idx.length,
      test: m.test,
      unit: m.unit,
      higherIsBetter: m.higherIsBetter,
      perfGainPct: avg((i) => perf[i]!),
      markerChange: avg((i) => marker[i]!),
      markerStart: avg((i) => start.marker[i]!),
    });
  }
  const [perfGainPct, perfGainSem] = meanSem(perf);
  const [rewardMean, rewardSem] = meanSem(reward);
  const pct = (k: number, of: number): number => (of > 0 ? (100 * k) / of : 0);
  const report: PolicyReport = {
    policy: policy.name,
    version: policy.version,
    athletes: n,
    seasonDays,
    perfGainPct,
    perfGainSem,
    bySport,
    acwrOver15Pct: pct(acwrDays, athleteDays),
    hardOnSuppressedPct: hard > 0 ? pct(hardSuppressed, hard) : null,
    hardOnBelowBandPct: hard > 0 ? pct(hardBelowBand, hard) : null,
    hardPerWeek: athleteDays > 0 ? (7 * hard) / athleteDays : 0,
    injuriesPer1000: athleteDays > 0 ? (1000 * injuries) / athleteDays : 0,
    illnessesPer1000: athleteDays > 0 ? (1000 * illnesses) / athleteDays : 0,
    restPct: pct(restDays, athleteDays),
    forcedRestPct: pct(forced, athleteDays),
    weeklyLoad: athleteDays > 0 ? (7 * load) / athleteDays : 0,
    ctlRampOver8Pct: pct(rampWeeks, n * weeks),
    reward: rewardMean,
    rewardSem,
    timing: {
      decideUsPerDecision: athleteDays > 0 ? Number(decideNs) / 1000 / athleteDays : 0,
      decideMsTotal: Number(decideNs) / 1e6,
      evalMsTotal: performance.now() - t0,
    },
  };
  if (options.perAthlete !== false) report.perAthlete = perAthlete;
  return report;
}
