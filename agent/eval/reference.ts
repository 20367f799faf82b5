import { REST_ACTION } from '../actions/index.ts';
import type { Policy, PolicyInput } from '../baselines/policy.ts';

/**
 * Reference row, not a coaching policy: REST every day (REST is never blocked). It shows what doing
 * nothing costs on the twin — detraining — and guards against the trap of a reward that rest maximises.
 */
export class AlwaysRestPolicy implements Policy {
  readonly name = 'always-rest';
  readonly version = '1';

  decide(inputs: readonly PolicyInput[]): number[] {
    return inputs.map(() => REST_ACTION);
  }
}
