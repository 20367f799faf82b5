import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTf, type Tf } from '../../../agent/tf-backend.ts';
import { DqnLearner, DEFAULT_LEARNER } from '../../../agent/dqn/learner.ts';
import { initWeights, maskedArgmax, QNetwork } from '../../../agent/dqn/network.ts';
import { ReplayMemory } from '../../../agent/dqn/replay.ts';
import { decodeModel, encodeModel } from '../../../agent/dqn/model-file.ts';

let tf: Tf;
beforeAll(async () => {
  tf = (await initTf('wasm')).tf;
});

const shape = { inputDim: 4, numActions: 3, hidden: [16, 16] };

describe('dueling Q-network', () => {
  it('when built from weights then predict equals a hand-computed forward pass', () => {
    const w = initWeights({ inputDim: 2, numActions: 2, hidden: [2] }, 1);
    // Set every weight by hand: h = relu(x·W0 + b0); V = h·Wv + bv; A = h·Wa + ba; Q = V + A − mean(A)
    const set = (name: string, data: number[]) => (w.tensors.find((t) => t.name === name)!.data = Float32Array.from(data));
    set('h0/W', [1, 0, 0, 1]);
    set('h0/b', [0, -5]);
    set('value/W', [2, 3]);
    set('value/b', [1]);
    set('adv/W', [1, -1, 0, 0]);
    set('adv/b', [0.5, 0]);
    const net = new QNetwork(tf, w);
    const q = net.predict(Float32Array.from([3, 1]), 1); // h = [3, 0]; V = 7; A = [3.5, -3]; mean 0.25
    expect(Array.from(q)).toEqual([7 + 3.5 - 0.25, 7 - 3 - 0.25]);
    net.dispose();
  });

  it('when some actions are masked then maskedArgmax never returns them', () => {
    const q = Float32Array.from([1, 9, 5]);
    expect(maskedArgmax(q, 0, Uint8Array.from([1, 0, 1]), 0, 3)).toBe(2);
    expect(maskedArgmax(q, 0, Uint8Array.from([1, 0, 0]), 0, 3)).toBe(0);
  });
});

describe('double DQN learner', () => {
  let learner: DqnLearner;
  afterAll(() => learner?.dispose());

  it('when the best next action is blocked then the target bootstraps from the best allowed one', () => {
    learner = new DqnLearner(tf, { ...DEFAULT_LEARNER, shape, seed: 3, tau: 1 });
    const mem = new ReplayMemory(8, 4, 3, 1);
    const batch = mem.allocBatch(1);
    batch.nextStates.set([1, 0, 0, 0]);
    const q = learner.online.predict(batch.nextStates, 1);
    const qt = learner.target.predict(batch.nextStates, 1);
    const order = [0, 1, 2].sort((a, b) => q[b]! - q[a]!);
    // block the online argmax: the target must use the runner-up
    const mask = Uint8Array.from([1, 1, 1]);
    mask[order[0]!] = 0;
    mask[0] = 1;
    batch.nextMasks.set(mask);
    batch.rewards[0] = 0.5;
    batch.discounts[0] = 0.9;
    batch.dones[0] = 0;
    const allowedBest = maskedArgmax(q, 0, mask, 0, 3);
    expect(allowedBest).not.toBe(order[0]);
    expect(learner.computeTargets(batch)[0]).toBeCloseTo(0.5 + 0.9 * qt[allowedBest]!, 5);
    batch.dones[0] = 1;
    expect(learner.computeTargets(batch)[0]).toBeCloseTo(0.5, 6);
  });

  it('when a training step runs then it leaks no tensors', () => {
    const l = new DqnLearner(tf, { ...DEFAULT_LEARNER, shape, seed: 4 });
    const mem = new ReplayMemory(64, 4, 3, 2);
    const s = new Float32Array(4);
    const m = Uint8Array.from([1, 1, 1]);
    for (let i = 0; i < 32; i++) {
      s.fill(0);
      s[i % 4] = 1;
      mem.push(s, 0, i % 3, Math.sin(i), s, 0, m, 0, i % 5 === 0, 0.9);
    }
    const batch = mem.allocBatch(16);
    l.trainStep(mem.sample(batch)); // first step creates Adam's slot variables
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) l.trainStep(mem.sample(batch));
    l.act(batch.states, batch.nextMasks, 16, 0.3);
    l.computeTargets(batch);
    expect(tf.memory().numTensors).toBe(before);
    l.dispose();
  });

  it('when trained on a small masked bandit then it learns the best allowed action per state', () => {
    // 4 states (one-hot). Reward of action a in state s: R[s][a]. In state 3 the best action (2) is
    // blocked, so the learner must prefer action 1 there.
    const R = [
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
      [0, 0.6, 2],
    ];
    const masks = [Uint8Array.from([1, 1, 1]), Uint8Array.from([1, 1, 1]), Uint8Array.from([1, 1, 1]), Uint8Array.from([1, 1, 0])];
    const l = new DqnLearner(tf, { ...DEFAULT_LEARNER, learningRate: 5e-3, shape, seed: 5 });
    const mem = new ReplayMemory(2048, 4, 3, 3);
    const s = new Float32Array(4);
    for (let i = 0; i < 600; i++) {
      const st = i % 4;
      s.fill(0);
      s[st] = 1;
      const allowed = [0, 1, 2].filter((a) => masks[st]![a]);
      const a = allowed[i % allowed.length]!;
      mem.push(s, 0, a, R[st]![a]!, s, 0, masks[st]!, 0, true, 0.9);
    }
    const batch = mem.allocBatch(64);
    for (let i = 0; i < 400; i++) l.trainStep(mem.sample(batch));
    const states = new Float32Array(16);
    const allMasks = new Uint8Array(12);
    for (let st = 0; st < 4; st++) {
      states[st * 4 + st] = 1;
      allMasks.set(masks[st]!, st * 3);
    }
    expect(Array.from(l.act(states, allMasks, 4, 0))).toEqual([1, 2, 0, 1]);
    l.dispose();
  });
});

describe('model file', () => {
  it('when weights are encoded and decoded then they round-trip exactly and mismatched features are refused', () => {
    const w = initWeights(shape, 9);
    const file = encodeModel(
      { name: 'dqn', version: '1', createdAt: '2026-11-22T00:00:00Z', features: ['a', 'b', 'c', 'd'], actions: ['x', 'y', 'z'], training: {}, evaluation: {} },
      w,
    );
    const back = decodeModel(JSON.parse(JSON.stringify(file)), { features: ['a', 'b', 'c', 'd'] });
    expect(back.weights.tensors.map((t) => Array.from(t.data))).toEqual(w.tensors.map((t) => Array.from(t.data)));
    expect(() => decodeModel(file, { features: ['a', 'b', 'X', 'd'] })).toThrow('was trained on different features (first differences: X); retrain it');
    expect(() => decodeModel({ format: 'nope' })).toThrow('not a twincoach-dqn/1 model');
  });
});
