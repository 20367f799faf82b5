/**
 * Policy evaluation bench: every baseline (and any extra policy) through the coaching loop on held-out
 * twin athletes for a 24-week season, same seeds for every row. Prints the markdown table and machine
 * facts and writes reports/policy-eval.json.
 *
 * Run: npm run bench:policy  (tsx bench/policy.bench.ts)
 *   --athletes N        held-out athletes (default 200)
 *   --seed S            population seed of the held-out athletes (default 5550001)
 *   --episode-seed E    twin noise/shock/event seed (default 5550002)
 *   --season-days D     season length (default 168), --warmup-days W (default 42)
 *   --tabular-q PATH    load the tabular-q table from PATH; if the file does not exist, train with the
 *                       default budget and save it there (train once, reuse)
 *   --policy NAME|PATH  add a row (repeatable): a name from POLICY_REGISTRY below, or a module path whose
 *                       `createPolicy(args)` (or default export) returns a Policy or a factory (ctx) => Policy
 *   --out PATH          JSON report (default reports/policy-eval.json)
 *
 * Seeds: the held-out population (5550001) and episode seed (5550002) are outside every training and
 * model-selection range — tabular-q trains on population seeds 100000–100039 and episode seeds
 * 200000–200039 (TABULAR_Q_BUDGET); the DQN (agent/dqn/train.ts, seed 1) trains on population seeds
 * 100003 + episode and env seeds 7919 + episode, and selects its checkpoint on population 900001 — so 900001
 * is NOT held out for the DQN. Keep new training/validation seeds out of 5550000–5550999.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GreedyPolicy, TabularQPolicy, trainTabularQ, type TabularQJson } from '../agent/baselines/index.ts';
import {
  TABULAR_Q_BUDGET,
  compareBaselines,
  envCalibratedTwinSource,
  formatLegend,
  formatMarkdownTable,
  greedyOnTrueTwin,
  writeReportJson,
  type PolicySpec,
} from '../agent/eval/index.ts';

export interface BenchArgs {
  athletes: number;
  seed: number;
  episodeSeed: number;
  seasonDays: number;
  warmupDays: number;
  tabularQ: string | undefined;
  policies: string[];
  out: string;
}

export type PolicyFactory = (args: BenchArgs) => PolicySpec | Promise<PolicySpec>;

/**
 * Extra rows by name (`--policy NAME`). Plug the DQN in here, e.g.
 *   dqn: async (args) => (await import('../agent/dqn/policy.ts')).loadDqnPolicy('models/dqn.json'),
 */
export const POLICY_REGISTRY: Record<string, PolicyFactory> = {
  /** The shipped DQN (models/dqn-default.json), or another model file via --policy path/to/model.json. */
  dqn: async () => {
    const { tf } = await (await import('../agent/tf-backend.ts')).initTf('auto');
    const { DqnPolicy } = await import('../agent/dqn/policy.ts');
    return DqnPolicy.fromModel(tf, JSON.parse(readFileSync('models/dqn-default.json', 'utf8'))).policy;
  },
  /** Greedy over a 7-day horizon (today's action, then rest), true twin. */
  'greedy-k7': () => greedyOnTrueTwin({ horizonDays: 7 }),
  /** Greedy on a twin calibrated from the logged history (the service's path), not the true twin. */
  'greedy-calibrated': () => (ctx) => new GreedyPolicy({ ...envCalibratedTwinSource(ctx.env), reward: ctx.env.twin.reward, name: 'greedy-calibrated' }),
};

function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    athletes: 200,
    seed: 5_550_001,
    episodeSeed: 5_550_002,
    seasonDays: 168,
    warmupDays: 42,
    tabularQ: undefined,
    policies: [],
    out: 'reports/policy-eval.json',
  };
  const num = (flag: string, v: string | undefined): number => {
    const x = Number(v);
    if (v === undefined || !Number.isFinite(x)) throw new Error(`${flag} needs a number`);
    return x;
  };
  for (let k = 0; k < argv.length; k++) {
    const flag = argv[k]!;
    const v = argv[k + 1];
    switch (flag) {
      case '--athletes':
        args.athletes = num(flag, v);
        k++;
        break;
      case '--seed':
        args.seed = num(flag, v);
        k++;
        break;
      case '--episode-seed':
        args.episodeSeed = num(flag, v);
        k++;
        break;
      case '--season-days':
        args.seasonDays = num(flag, v);
        k++;
        break;
      case '--warmup-days':
        args.warmupDays = num(flag, v);
        k++;
        break;
      case '--tabular-q':
        if (v === undefined) throw new Error('--tabular-q needs a path');
        args.tabularQ = v;
        k++;
        break;
      case '--policy':
        if (v === undefined) throw new Error('--policy needs a name or a path');
        args.policies.push(v);
        k++;
        break;
      case '--out':
        if (v === undefined) throw new Error('--out needs a path');
        args.out = v;
        k++;
        break;
      default:
        throw new Error(`unknown argument ${flag} (see the header of bench/policy.bench.ts)`);
    }
  }
  if (args.athletes < 200) console.warn(`note: ${args.athletes} athletes — the reference bench uses ≥ 200`);
  return args;
}

async function loadPolicy(ref: string, args: BenchArgs): Promise<PolicySpec> {
  const named = POLICY_REGISTRY[ref];
  if (named) return named(args);
  let mod: { createPolicy?: PolicyFactory; default?: PolicyFactory };
  try {
    mod = (await import(pathToFileURL(resolve(ref)).href)) as typeof mod;
  } catch (e) {
    throw new Error(`--policy ${ref}: not a registered name (${Object.keys(POLICY_REGISTRY).join(', ')}) and not an importable module: ${(e as Error).message}`);
  }
  const make = mod.createPolicy ?? mod.default;
  if (typeof make !== 'function') throw new Error(`--policy ${ref}: not in POLICY_REGISTRY and the module exports no createPolicy/default function`);
  return make(args);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const load0 = os.loadavg()[0]!;

  const extra: PolicySpec[] = [];
  for (const ref of args.policies) extra.push(await loadPolicy(ref, args));

  let tabular: TabularQPolicy | undefined;
  if (args.tabularQ !== undefined && existsSync(args.tabularQ)) {
    tabular = TabularQPolicy.fromJSON(JSON.parse(readFileSync(args.tabularQ, 'utf8')) as TabularQJson);
    console.error(`tabular-q: loaded ${args.tabularQ}`);
  } else {
    console.error(`tabular-q: training (${TABULAR_Q_BUDGET.episodes} episodes × ${TABULAR_Q_BUDGET.athletes} athletes × ${args.seasonDays} days)…`);
    tabular = trainTabularQ({ ...TABULAR_Q_BUDGET, seasonDays: args.seasonDays, warmupDays: args.warmupDays });
    console.error(`tabular-q: trained in ${tabular.training!.seconds.toFixed(1)} s`);
    if (args.tabularQ !== undefined) {
      writeReportJson(args.tabularQ, tabular.toJSON());
      console.error(`tabular-q: saved ${args.tabularQ}`);
    }
  }

  const report = compareBaselines({
    population: { n: args.athletes, seed: args.seed },
    seed: args.episodeSeed,
    seasonDays: args.seasonDays,
    warmupDays: args.warmupDays,
    tabularQ: tabular,
    extra,
    onRow: (r) => console.error(`  ${r.policy.padEnd(18)} done in ${(r.timing.evalMsTotal / 1000).toFixed(1)} s`),
  });
  const seconds = (performance.now() - t0) / 1000;
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    loadAverage1m: [Number(load0.toFixed(2)), Number(os.loadavg()[0]!.toFixed(2))],
  };
  console.log(formatMarkdownTable(report));
  console.log('');
  console.log(formatLegend(report));
  console.log('');
  console.log(`node ${machine.node} | ${machine.cpu} | ${machine.cores} cores | load avg ${machine.loadAverage1m.join(' → ')} | total ${seconds.toFixed(1)} s (decide µs is wall time on this machine)`);
  writeReportJson(args.out, { generatedAt: new Date().toISOString(), args, machine, totalSeconds: seconds, ...report });
  console.log(`wrote ${args.out}`);
}

await main();
