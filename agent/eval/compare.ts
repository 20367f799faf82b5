import { AcwrPolicy } from '../baselines/acwr.ts';
import { GreedyPolicy, type GreedyPolicyOptions } from '../baselines/greedy.ts';
import { HrvPolicy } from '../baselines/hrv.ts';
import { StaticPolicy } from '../baselines/static.ts';
import { TabularQPolicy, trainTabularQ, type TrainTabularQOptions } from '../baselines/tabular-q.ts';
import type { Policy } from '../baselines/policy.ts';
import { evaluatePolicy, resolvePopulation } from './evaluate.ts';
import { AlwaysRestPolicy } from './reference.ts';
import { envTwinSource } from './twin-source.ts';
import type { ComparisonReport, EvalOptions, PolicyReport, PolicySpec } from './types.ts';

/** Default tabular-q training budget used when compareBaselines has to train one (see agent/README.md). */
export const TABULAR_Q_BUDGET: Readonly<TrainTabularQOptions> = Object.freeze({
  episodes: 40,
  athletes: 64,
  populationSeed: 100_000,
  episodeSeed: 200_000,
  epsilonStart: 1,
  epsilonEnd: 0.05,
  seed: 1,
});

export interface CompareOptions extends EvalOptions {
  /** A trained tabular-q policy, or the training options (default TABULAR_Q_BUDGET, same season/warm-up). */
  tabularQ?: TabularQPolicy | TrainTabularQOptions;
  /** Greedy options besides its twin source (horizonDays, gamma, …). */
  greedy?: Omit<GreedyPolicyOptions, 'paramsFor' | 'stateFor'>;
  /** Extra policies appended after the baselines (e.g. the DQN). */
  extra?: readonly PolicySpec[];
  /** Include the always-rest reference row (default true). */
  alwaysRest?: boolean;
  /** Called after each row (progress). */
  onRow?: (row: PolicyReport) => void;
}

/** Greedy on the true twin of each simulated athlete (oracle params and state), with the env's reward. */
export function greedyOnTrueTwin(options: CompareOptions['greedy'] = {}): PolicySpec {
  return (ctx) => new GreedyPolicy({ ...envTwinSource(ctx.env), reward: ctx.env.twin.reward, ...options });
}

/**
 * Evaluate [always-rest, static, acwr, hrv, greedy, tabular-q, ...extra] on the same population and seeds.
 * Tabular-q is trained first (on its own training seeds, distinct from the evaluation ones) unless a
 * trained policy is passed.
 */
export function compareBaselines(options: CompareOptions): ComparisonReport {
  const seasonDays = options.seasonDays ?? 168;
  const warmupDays = options.warmupDays ?? 42;
  const notes: string[] = [];
  let tabular: TabularQPolicy;
  if (options.tabularQ instanceof TabularQPolicy) {
    tabular = options.tabularQ;
  } else {
    const train: TrainTabularQOptions = { ...TABULAR_Q_BUDGET, seasonDays, warmupDays, ...(options.env ? { env: options.env } : {}), ...(options.tabularQ ?? {}) };
    tabular = trainTabularQ(train);
  }
  const ti = tabular.training;
  if (ti) {
    notes.push(
      `tabular-q trained on ${ti.episodes} episodes × ${ti.athletesPerEpisode} athletes × ${ti.seasonDays} days = ${ti.transitions.toLocaleString('en-US')} transitions ` +
        `(population seeds ${ti.populationSeeds[0]}–${ti.populationSeeds[1]}, episode seeds ${ti.episodeSeeds[0]}–${ti.episodeSeeds[1]}, ε ${ti.epsilon[0]}→${ti.epsilon[1]}) in ${ti.seconds.toFixed(1)} s; ${ti.visitedStates} states visited`,
    );
  }
  const h = options.greedy?.horizonDays ?? 1;
  notes.push(
    `greedy: ${h === 1 ? 'one-day' : `${h}-day (today's action, then rest)`} expected reward on the TRUE twin of each simulated athlete (oracle parameters and state, agent/eval envTwinSource)`,
  );
  notes.push('hard on supp. HRV: twin truth morning hrvZ < −1 (ln rMSSD > 0.12 below the recovered baseline); ACWR, injuries, illnesses from twin truth (outside the mask)');

  const specs: PolicySpec[] = [];
  if (options.alwaysRest !== false) specs.push(new AlwaysRestPolicy());
  specs.push(new StaticPolicy(), new AcwrPolicy(), new HrvPolicy(), greedyOnTrueTwin(options.greedy), tabular, ...(options.extra ?? []));

  const rows: PolicyReport[] = [];
  for (const spec of specs) {
    if (spec === tabular) {
      tabular.fallbacks = 0;
      tabular.decisions = 0;
    }
    const row = evaluatePolicy(spec, options);
    rows.push(row);
    if (spec === tabular && tabular.decisions > 0) {
      notes.push(`tabular-q fell back to the default rule on ${((100 * tabular.fallbacks) / tabular.decisions).toFixed(2)} % of decisions (state cell/action tried < ${tabular.minVisits} times)`);
    }
    options.onRow?.(row);
  }
  const names = new Set<string>();
  for (const r of rows) {
    if (names.has(r.policy)) notes.push(`warning: two rows are named ${r.policy}`);
    names.add(r.policy);
  }
  const pop = options.population;
  const population: ComparisonReport['population'] = Array.isArray(pop)
    ? { n: pop.length, seed: null }
    : { n: resolvePopulation(pop).length, seed: (pop as { seed: number }).seed, ...((pop as { mix?: ComparisonReport['population']['mix'] }).mix ? { mix: (pop as { mix?: ComparisonReport['population']['mix'] }).mix } : {}) };
  return { population, seed: options.seed, seasonDays, warmupDays, notes, rows };
}

export type { Policy };
