/**
 * Uniform replay memory on typed arrays (no per-transition objects): a ring buffer of
 * (s, a, r, s', mask(s'), done) with seeded sampling into reusable batch buffers.
 */
import { Rng } from '../../twin/rng.ts';

export interface Batch {
  size: number;
  states: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  nextStates: Float32Array;
  nextMasks: Uint8Array;
  /** 1 where the episode ended (no bootstrap). */
  dones: Float32Array;
  /** Discount to apply to the bootstrap term (γ^n for n-step transitions). */
  discounts: Float32Array;
}

export class ReplayMemory {
  readonly capacity: number;
  private readonly dim: number;
  private readonly numActions: number;
  private readonly s: Float32Array;
  private readonly s2: Float32Array;
  private readonly a: Int32Array;
  private readonly r: Float32Array;
  private readonly m2: Uint8Array;
  private readonly d: Uint8Array;
  private readonly g: Float32Array;
  private next = 0;
  private count = 0;
  private readonly rng: Rng;

  constructor(capacity: number, dim: number, numActions: number, seed: number) {
    if (capacity <= 0 || dim <= 0 || numActions <= 0) throw new Error('ReplayMemory: capacity, dim and numActions must be positive');
    this.capacity = capacity;
    this.dim = dim;
    this.numActions = numActions;
    this.s = new Float32Array(capacity * dim);
    this.s2 = new Float32Array(capacity * dim);
    this.a = new Int32Array(capacity);
    this.r = new Float32Array(capacity);
    this.m2 = new Uint8Array(capacity * numActions);
    this.d = new Uint8Array(capacity);
    this.g = new Float32Array(capacity);
    this.rng = new Rng(seed);
  }

  get size(): number {
    return this.count;
  }

  /** Append one transition; `state`/`nextState`/`nextMask` are read from the given offsets. */
  push(
    state: Float32Array,
    stateOffset: number,
    action: number,
    reward: number,
    nextState: Float32Array,
    nextStateOffset: number,
    nextMask: Uint8Array,
    nextMaskOffset: number,
    done: boolean,
    discount: number,
  ): void {
    const i = this.next;
    this.s.set(state.subarray(stateOffset, stateOffset + this.dim), i * this.dim);
    this.s2.set(nextState.subarray(nextStateOffset, nextStateOffset + this.dim), i * this.dim);
    this.m2.set(nextMask.subarray(nextMaskOffset, nextMaskOffset + this.numActions), i * this.numActions);
    this.a[i] = action;
    this.r[i] = reward;
    this.d[i] = done ? 1 : 0;
    this.g[i] = discount;
    this.next = (i + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  allocBatch(size: number): Batch {
    return {
      size,
      states: new Float32Array(size * this.dim),
      actions: new Int32Array(size),
      rewards: new Float32Array(size),
      nextStates: new Float32Array(size * this.dim),
      nextMasks: new Uint8Array(size * this.numActions),
      dones: new Float32Array(size),
      discounts: new Float32Array(size),
    };
  }

  /** Fill `batch` with uniformly sampled transitions (with replacement). */
  sample(batch: Batch): Batch {
    if (this.count === 0) throw new Error('ReplayMemory: cannot sample from an empty memory');
    const { dim, numActions } = this;
    for (let k = 0; k < batch.size; k++) {
      const i = this.rng.int(this.count);
      batch.states.set(this.s.subarray(i * dim, (i + 1) * dim), k * dim);
      batch.nextStates.set(this.s2.subarray(i * dim, (i + 1) * dim), k * dim);
      batch.nextMasks.set(this.m2.subarray(i * numActions, (i + 1) * numActions), k * numActions);
      batch.actions[k] = this.a[i]!;
      batch.rewards[k] = this.r[i]!;
      batch.dones[k] = this.d[i]!;
      batch.discounts[k] = this.g[i]!;
    }
    return batch;
  }
}
