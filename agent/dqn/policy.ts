/**
 * The learned policy behind the same interface as the baselines: batched, masked (argmax over allowed
 * actions only), deterministic, no tensors in or out.
 */
import { ACTION_COUNT, ACTIONS } from '../actions/index.ts';
import type { Policy, PolicyInput } from '../baselines/policy.ts';
import type { Tf } from '../tf-backend.ts';
import { DQN_FEATURE_NAMES, DQN_INPUT_DIM, writeDqnRow } from './features.ts';
import { decodeModel, type ModelFile } from './model-file.ts';
import { maskedArgmax, QNetwork, type NetworkWeights } from './network.ts';

export interface QDecision {
  action: number;
  /** Q-values of every action (NaN for blocked ones). */
  q: number[];
}

export class DqnPolicy implements Policy {
  readonly name: string;
  readonly version: string;
  private readonly net: QNetwork;

  constructor(tf: Tf, weights: NetworkWeights, meta: { name?: string; version: string }) {
    if (weights.shape.inputDim !== DQN_INPUT_DIM || weights.shape.numActions !== ACTION_COUNT)
      throw new Error(`DQN weights are ${weights.shape.inputDim}→${weights.shape.numActions}, this build expects ${DQN_INPUT_DIM}→${ACTION_COUNT}`);
    this.net = new QNetwork(tf, weights, false, 'policy');
    this.name = meta.name ?? 'dqn';
    this.version = meta.version;
  }

  /** Load from a model document, refusing one trained on other features or actions. */
  static fromModel(tf: Tf, model: unknown): { policy: DqnPolicy; file: ModelFile } {
    const { file, weights } = decodeModel(model, { features: [...DQN_FEATURE_NAMES], actions: ACTIONS.map((a) => a.key) });
    return { policy: new DqnPolicy(tf, weights, { name: file.name, version: file.version }), file };
  }

  /** Q-values and masked choice for each input (used by explanations for the margin). */
  evaluate(inputs: readonly PolicyInput[]): QDecision[] {
    const n = inputs.length;
    if (n === 0) return [];
    const x = new Float32Array(n * DQN_INPUT_DIM);
    const masks = new Uint8Array(n * ACTION_COUNT);
    for (let i = 0; i < n; i++) {
      const input = inputs[i]!;
      writeDqnRow(input.features, input.context.sport, x, i * DQN_INPUT_DIM);
      for (let a = 0; a < ACTION_COUNT; a++) masks[i * ACTION_COUNT + a] = input.mask[a] ? 1 : 0;
      masks[i * ACTION_COUNT] = 1; // REST is always allowed
    }
    const q = this.net.predict(x, n);
    const out: QDecision[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const row: number[] = new Array(ACTION_COUNT);
      for (let a = 0; a < ACTION_COUNT; a++) row[a] = masks[i * ACTION_COUNT + a] ? q[i * ACTION_COUNT + a]! : Number.NaN;
      out[i] = { action: maskedArgmax(q, i * ACTION_COUNT, masks, i * ACTION_COUNT, ACTION_COUNT), q: row };
    }
    return out;
  }

  decide(inputs: readonly PolicyInput[]): number[] {
    return this.evaluate(inputs).map((d) => d.action);
  }

  dispose(): void {
    this.net.dispose();
  }
}
