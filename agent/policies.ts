/**
 * Policy registry: a name (`dqn`, `static`, `acwr`, `hrv`, and whatever else registers) or a model-file
 * path → a ready Policy. The DQN loads the model shipped in models/ unless a path is given.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AcwrPolicy, HrvPolicy, StaticPolicy, type Policy } from './baselines/index.ts';
import { DqnPolicy } from './dqn/policy.ts';
import { initTf, type BackendPreference } from './tf-backend.ts';

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../models/dqn-default.json', import.meta.url));

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
