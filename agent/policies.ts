/**
 * Policy registry: a name (`dqn`, `static`, `acwr`, `hrv`, and whatever else registers) or a model-file
 * path → a ready Policy. The DQN loads the model shipped in models/ unless a path is given.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AcwrPolicy, GreedyPolicy, HrvPolicy, StaticPolicy, TabularQPolicy, type Policy } from './baselines/index.ts';
import type { DecisionRequest } from './decision.ts';
import { replayStates, type AthleteParams, type AthleteState as TwinState } from '../twin/index.ts';
import { DqnPolicy } from './dqn/policy.ts';
import { initTf, type BackendPreference } from './tf-backend.ts';

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../models/dqn-default.json', import.meta.url));
export const DEFAULT_TABULAR_Q_PATH = fileURLToPath(new URL('../models/tabular-q-default.json', import.meta.url));

/** A policy that wants to see the requests (with histories) before deciding them. */
export interface PreparingPolicy extends Policy {
  prepare(requests: readonly DecisionRequest[]): void;
}

/**
 * Greedy on a twin reconstructed from each request's own history (replayStates: prior parameters
 * anchored on the athlete's habitual load, HRV and resting HR; the service would pass calibrated ones).
 */
export function greedyOnReplayedTwin(): PreparingPolicy {
  let twins = new Map<string, { params: AthleteParams; state: TwinState }>();
  const policy = new GreedyPolicy({
    paramsFor: (c) => {
      const t = twins.get(c.athleteId ?? '');
      if (!t) throw new Error(`greedy: no twin prepared for athlete ${c.athleteId}`);
      return t.params;
    },
    stateFor: (input) => twins.get(input.context.athleteId ?? '')!.state,
  });
  return Object.assign(policy, {
    prepare(requests: readonly DecisionRequest[]) {
      const replays = replayStates(requests.map((r) => ({ history: r.history, date: r.date, sport: r.sport ?? 'running' })));
      twins = new Map(requests.map((r, i) => [r.athleteId, replays[i]!]));
    },
  });
}

export interface LoadPolicyOptions {
  backend?: BackendPreference;
  /** A model document already in memory (the service loads the active one from MongoDB). */
  model?: unknown;
}

type Factory = (options: LoadPolicyOptions) => Policy | Promise<Policy>;

const factories = new Map<string, Factory>([
  ['static', () => new StaticPolicy()],
  ['acwr', () => new AcwrPolicy()],
  ['hrv', () => new HrvPolicy()],
  ['dqn', (o) => loadDqn(o.model ?? readModel(DEFAULT_MODEL_PATH), o)],
  ['greedy', () => greedyOnReplayedTwin()],
  ['tabular-q', (o) => TabularQPolicy.fromJSON((o.model ?? readModel(DEFAULT_TABULAR_Q_PATH)) as Parameters<typeof TabularQPolicy.fromJSON>[0])],
]);

/** Add a policy by name (the greedy and tabular-Q baselines register here). */
export function registerPolicy(name: string, factory: Factory): void {
  factories.set(name, factory);
}

export function policyNames(): string[] {
  return [...factories.keys()];
}

function readModel(path: string): unknown {
  if (!existsSync(path)) throw new Error(`model file not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`model file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

async function loadDqn(model: unknown, options: LoadPolicyOptions): Promise<Policy> {
  const { tf } = await initTf(options.backend ?? 'auto');
  return DqnPolicy.fromModel(tf, model).policy;
}

/** `spec` is a registered name or a path to a model file. */
export async function loadPolicy(spec: string, options: LoadPolicyOptions = {}): Promise<Policy> {
  const factory = factories.get(spec);
  if (factory) return factory(options);
  if (spec.endsWith('.json') || spec.includes('/')) return loadDqn(readModel(spec), options);
  throw new Error(`unknown policy "${spec}": use one of ${policyNames().join(', ')} or a model file path`);
}
