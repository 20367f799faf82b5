import type { AthleteParams, PopulationSpec, Sport } from '../../twin/index.ts';
import type { AgentEnv, AgentEnvOptions } from '../env/agent-env.ts';
import type { Policy } from '../baselines/policy.ts';

/** What a policy factory gets: the env it will run in (already reset) and the athletes. */
export interface EvalContext {
  env: AgentEnv;
  params: readonly AthleteParams[];
  /** Episode seed of this evaluation. */
  seed: number;
}

/**
 * A policy, or a factory that builds one for an evaluation run (policies that need the simulated
 * athletes' twin, like greedy-on-twin with the true parameters, are factories). Factories are called
 * once per evaluation, after env.reset().
 */
export type PolicySpec = Policy | ((ctx: EvalContext) => Policy);

export interface EvalOptions {
  /** Explicit athletes or a seeded population spec (generatePopulation). */
  population: readonly AthleteParams[] | PopulationSpec;
  /** Episode seed: twin noise, shocks, events. Every policy of a comparison gets the same one. */
  seed: number;
  /** Season length in days (default 168 = 24 weeks). */
  seasonDays?: number;
  /** Warm-up days on the twin's habitual periodised plan before the season (default 42). */
  warmupDays?: number;
  /** Extra AgentEnv / TwinEnv options (missingRate, reward, constraints, …). */
  env?: Omit<AgentEnvOptions, 'seed' | 'horizonDays' | 'warmupDays'>;
  /** Keep per-athlete outcomes in the report (default true). */
  perAthlete?: boolean;
}

/** Season outcome of one sport's athletes under one policy. */
export interface SportOutcome {
  sport: Sport;
  athletes: number;
  /** Marker (sport test) of SPORT_MARKERS: name, unit, direction. */
  test: string;
  unit: string;
  higherIsBetter: boolean;
  /** Mean performance change over the season (%, log units). */
  perfGainPct: number;
  /** Mean change of the noiseless test value over the season, in the sport's units (end − start). */
  markerChange: number;
  /** Mean test value at the season start (context for markerChange). */
  markerStart: number;
}

export interface AthleteOutcome {
  id: string;
  sport: Sport;
  perfGainPct: number;
  markerChange: number;
  reward: number;
  injuries: number;
  illnesses: number;
}

/** Metrics of one policy over one population and seed. Every rate is over the season only. */
export interface PolicyReport {
  policy: string;
  version: string;
  athletes: number;
  seasonDays: number;
  /** Mean season performance change (%, log units: ±100·ln of the marker ratio) and its standard error. */
  perfGainPct: number;
  perfGainSem: number;
  bySport: SportOutcome[];
  /** % athlete-days with the twin's true EWMA ACWR (after the day's load) > 1.5 — measured outside the mask. */
  acwrOver15Pct: number;
  /**
   * % of hard sessions (TEMPO/INTERVALS/STRENGTH actually done) on days whose TRUE morning HRV was
   * suppressed: twin truth hrvZ < −1, i.e. ln rMSSD more than one HRV-noise SD (0.12 ln ≈ 11 %) below the
   * athlete's recovered baseline. Null when no hard session was done.
   */
  hardOnSuppressedPct: number | null;
  /**
   * Same, with the agent-visible definition: the morning state's hrvBand is 'below' (7-day lnRMSSD under
   * baseline − 0.5 SD). The mask blocks hard sessions there, so this is 0 for any masked policy: a check,
   * not a risk measure. Null when no hard session was done.
   */
  hardOnBelowBandPct: number | null;
  /** Hard sessions per week (context for the two rates above). */
  hardPerWeek: number;
  /** Simulated injuries / illnesses per 1,000 athlete-days of the season. */
  injuriesPer1000: number;
  illnessesPer1000: number;
  /** % athlete-days with REST done (chosen or forced), and the forced part alone. */
  restPct: number;
  forcedRestPct: number;
  /** Mean weekly load (TSS points) over the season. */
  weeklyLoad: number;
  /** % athlete-weeks whose CTL rose by more than 8 points. */
  ctlRampOver8Pct: number;
  /** Mean total season reward per athlete (the env's reward) and its standard error. */
  reward: number;
  rewardSem: number;
  /** Wall time spent in policy.decide: mean µs per athlete-decision, and total ms. Not deterministic. */
  timing: { decideUsPerDecision: number; decideMsTotal: number; evalMsTotal: number };
  perAthlete?: AthleteOutcome[];
}

export interface ComparisonReport {
  /** Population and seeds used for every row (same for every policy). */
  population: { n: number; seed: number | null; mix?: PopulationSpec['mix'] };
  seed: number;
  seasonDays: number;
  warmupDays: number;
  /** Notes on how rows were obtained (e.g. the tabular-q training budget and time). */
  notes: string[];
  rows: PolicyReport[];
}
