/**
 * Double DQN (van Hasselt et al. 2016) with the dueling network, masked actions and masked targets:
 *   a* = argmax over ALLOWED a' of Q_online(s', a')      (never a blocked action)
 *   y  = r + γⁿ · (1 − done) · Q_target(s', a*)
 *   loss = Huber(y − Q_online(s, a)), gradients clipped by global norm, Adam.
 * The target network follows the online one by Polyak averaging. Every tensor op runs in tf.tidy and
 * the public methods take and return plain arrays; a test checks that a training step leaks nothing.
 */
import type { Optimizer, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { Rng } from '../../twin/rng.ts';
import type { Tf } from '../tf-backend.ts';
import { initWeights, maskedArgmax, QNetwork, type NetworkShape, type NetworkWeights } from './network.ts';
import type { Batch } from './replay.ts';

export interface LearnerConfig {
  shape: NetworkShape;
  seed: number;
  learningRate: number;
  huberDelta: number;
  gradClipNorm: number;
  /** Polyak factor for the target network after each step. */
  tau: number;
}

export const DEFAULT_LEARNER: Omit<LearnerConfig, 'shape' | 'seed'> = {
  learningRate: 5e-4,
  huberDelta: 1,
  gradClipNorm: 10,
  tau: 0.01,
};

const MASK_PENALTY = 1e9;

export class DqnLearner {
  readonly online: QNetwork;
  readonly target: QNetwork;
  private readonly optimizer: Optimizer;
  private readonly tf: Tf;
  private readonly rng: Rng;
  readonly config: LearnerConfig;
  steps = 0;

  constructor(tf: Tf, config: LearnerConfig, weights?: NetworkWeights) {
    this.tf = tf;
    this.config = config;
    const w = weights ?? initWeights(config.shape, config.seed);
    this.online = new QNetwork(tf, w, true, 'online');
    this.target = new QNetwork(tf, w, false, 'target');
    this.optimizer = tf.train.adam(config.learningRate);
    this.rng = new Rng(config.seed ^ 0x5eed);
  }

  /**
   * ε-greedy over allowed actions for n rows. With probability ε a uniformly random ALLOWED action,
   * otherwise the masked argmax of the online network.
   */
  act(features: Float32Array, masks: Uint8Array, n: number, epsilon: number, out = new Int32Array(n)): Int32Array {
    const A = this.config.shape.numActions;
    const q = this.online.predict(features, n);
    for (let i = 0; i < n; i++) {
      if (epsilon > 0 && this.rng.uniform() < epsilon) {
        let allowed = 0;
        for (let a = 0; a < A; a++) allowed += masks[i * A + a]!;
        let pick = allowed > 0 ? this.rng.int(allowed) : 0;
        out[i] = 0;
        for (let a = 0; a < A; a++) {
          if (!masks[i * A + a]) continue;
          if (pick-- === 0) {
            out[i] = a;
            break;
          }
        }
      } else out[i] = maskedArgmax(q, i * A, masks, i * A, A);
    }
    return out;
  }

  /** The double-DQN targets y for a batch, as plain numbers (for tests and diagnostics). */
  computeTargets(batch: Batch): Float32Array {
    const t = this.targetsTensor(batch);
    const out = Float32Array.from(t.dataSync() as Float32Array);
    t.dispose();
    return out;
  }

  private targetsTensor(batch: Batch): Tensor1D {
    const tf = this.tf;
    const { inputDim: D, numActions: A } = this.config.shape;
    const n = batch.size;
    return tf.tidy(() => {
      const s2 = tf.tensor2d(batch.nextStates, [n, D]);
      const mask = tf.tensor2d(batch.nextMasks, [n, A], 'float32');
      const qOnline = this.online.apply(s2);
      const masked = tf.add(qOnline, tf.mul(tf.sub(mask, 1), MASK_PENALTY));
      const best = tf.argMax(masked, 1);
      const qTarget = this.target.apply(s2);
      const qBest = tf.sum(tf.mul(qTarget, tf.oneHot(best, A)), 1);
      const notDone = tf.sub(1, tf.tensor1d(batch.dones));
      return tf.add(tf.tensor1d(batch.rewards), tf.mul(tf.mul(tf.tensor1d(batch.discounts), notDone), qBest)) as Tensor1D;
    });
  }

  /** One gradient step on a sampled batch; returns the mean Huber loss. */
  trainStep(batch: Batch): number {
    const tf = this.tf;
    const { inputDim: D, numActions: A } = this.config.shape;
    const n = batch.size;
    const targets = this.targetsTensor(batch);
    const s = tf.tensor2d(batch.states, [n, D]);
    const actionMask = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.actions, 'int32'), A).toFloat());
    let lossValue = 0;
    try {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const q = this.online.apply(s as Tensor2D);
          const qSa = tf.sum(tf.mul(q, actionMask), 1);
          return tf.losses.huberLoss(targets, qSa, undefined, this.config.huberDelta) as unknown as tf_Scalar;
        }, this.online.vars);
        const names = Object.keys(grads);
        const list = names.map((k) => grads[k]!);
        const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
        const scale = tf.minimum(1, tf.div(this.config.gradClipNorm, tf.add(norm, 1e-6)));
        const clipped: Record<string, Tensor> = {};
        names.forEach((k, i) => (clipped[k] = tf.mul(list[i]!, scale)));
        this.optimizer.applyGradients(clipped as Record<string, Tensor>);
        lossValue = (value.dataSync() as Float32Array)[0]!;
      });
      this.target.softUpdateFrom(this.online, this.config.tau);
    } finally {
      targets.dispose();
      s.dispose();
      actionMask.dispose();
    }
    this.steps += 1;
    return lossValue;
  }

  getWeights(): NetworkWeights {
    return this.online.getWeights();
  }

  dispose(): void {
    this.online.dispose();
    this.target.dispose();
    this.optimizer.dispose();
  }
}

type tf_Scalar = import('@tensorflow/tfjs').Scalar;
