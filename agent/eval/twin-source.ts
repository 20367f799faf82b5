import type { AthleteParams } from '../../twin/index.ts';
import type { AgentEnv } from '../env/agent-env.ts';
import type { TwinSource } from '../baselines/greedy.ts';
import { calibratedTwinSource } from '../baselines/greedy.ts';
import type { PolicyContext } from '../baselines/policy.ts';

/** Index of the env's athlete a context is about (by athleteId; the env's athletes have unique ids). */
function indexer(env: AgentEnv): (c: PolicyContext) => number {
  let athletes: readonly AthleteParams[] | null = null;
  let byId = new Map<string, number>();
  return (c) => {
    if (athletes !== env.athletes) {
      athletes = env.athletes;
      byId = new Map(athletes.map((p, i) => [p.id, i]));
    }
    const i = c.athleteId === undefined ? undefined : byId.get(c.athleteId);
    if (i === undefined) throw new Error(`twin source: no simulated athlete with id ${String(c.athleteId)}`);
    return i;
  };
}

/**
 * Oracle twin source for the evaluation harness: the simulated athlete's TRUE parameters and TRUE twin
 * state this morning (TwinEnv.snapshot — no measurement noise, known shocks in the state). An upper bound
 * on what a calibrated twin could give the greedy policy.
 */
export function envTwinSource(env: AgentEnv): TwinSource {
  const index = indexer(env);
  return {
    paramsFor: (c) => env.athletes[index(c)]!,
    stateFor: (x) => env.twin.snapshot(index(x.context)),
  };
}

/**
 * The service's twin source run in the harness: calibrate each athlete from the history the coaching
 * loop has logged (noisy wearables, RPE, soreness), as for a real athlete. Slower (a replay per decision).
 */
export function envCalibratedTwinSource(env: AgentEnv): TwinSource {
  const index = indexer(env);
  return calibratedTwinSource({ historyFor: (c) => env.history(index(c)) });
}
