/**
 * Training the DQN on the twin: a population of simulated athletes runs whole seasons in parallel through
 * AgentEnv (state → mask → action → twin day), ε-greedy over ALLOWED actions only; n-step transitions go
 * to replay memory; the double-DQN learner takes gradient steps as the seasons run. Every `evalEvery`
 * episodes the greedy policy is evaluated on a fixed validation population (never trained on) and the
 * best weights are kept; training stops early when validation stops improving.
 */
import { ACTION_COUNT } from '../actions/index.ts';
import { AgentEnv } from '../env/agent-env.ts';
import { FEATURE_COUNT } from '../state/index.ts';
import { generatePopulation, Rng, type AthleteParams } from '../../twin/index.ts';
import type { Tf } from '../tf-backend.ts';
import { DQN_INPUT_DIM, writeDqnRow } from './features.ts';
import { DEFAULT_LEARNER, DqnLearner } from './learner.ts';
import { maskedArgmax, type NetworkWeights } from './network.ts';
import { ReplayMemory } from './replay.ts';

export interface TrainConfig {
  seed: number;
  episodes: number;
  athletesPerEpisode: number;
  seasonDays: number;
  warmupDays: number;
  hidden: number[];
  gamma: number;
  nStep: number;
  learningRate: number;
  batchSize: number;
  /** Gradient steps per simulated day (for the whole batch of athletes). */
  updatesPerDay: number;
  replayCapacity: number;
  epsilonStart: number;
  epsilonEnd: number;
  /** Fraction of the episodes over which ε decays linearly. */
  epsilonDecayFraction: number;
  tau: number;
  evalEvery: number;
  evalAthletes: number;
  /** Stop after this many evaluations without improvement. */
  patience: number;
  /** Share of training athletes whose season ends in a known goal date (the rest have none). */
  goalKnownShare: number;
  /** Population seeds: training draws seed+episode; validation uses validationSeed. */
  validationSeed: number;
  /**
   * The twin's reward weights for training and validation. Default: the twin's own weights with the
   * random event penalty folded into the hazard cost (E[penalty·event] = penalty·hazard), which keeps
   * the objective's expectation and removes most of its variance.
   */
  reward: { perfWeight: number; hazardWeight: number; eventPenalty: number };
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  seed: 1,
  episodes: 90,
  athletesPerEpisode: 64,
  seasonDays: 168,
  warmupDays: 42,
  hidden: [128, 128],
  gamma: 0.98,
  nStep: 5,
  learningRate: DEFAULT_LEARNER.learningRate,
  batchSize: 256,
  updatesPerDay: 1,
  replayCapacity: 300_000,
  epsilonStart: 1,
  epsilonEnd: 0.05,
  epsilonDecayFraction: 0.5,
  tau: 0.01,
  evalEvery: 5,
  evalAthletes: 64,
  patience: 6,
  goalKnownShare: 0.5,
  validationSeed: 900_001,
  reward: { perfWeight: 1.5, hazardWeight: 5, eventPenalty: 0 },
};

export interface EvalSummary {
  episode: number;
  meanReturn: number;
  performanceGainPct: number;
  injuriesPer1000: number;
  illnessesPer1000: number;
  acwrOver15Pct: number;
  restSharePct: number;
}

export interface TrainProgress {
  episode: number;
  episodes: number;
  epsilon: number;
  meanLoss: number;
  trainReturn: number;
  elapsedMs: number;
  etaMs: number;
  evaluation?: EvalSummary;
  best?: EvalSummary;
}

export interface TrainResult {
  weights: NetworkWeights;
  best: EvalSummary;
  evaluations: EvalSummary[];
  episodesRun: number;
  stoppedEarly: boolean;
  elapsedMs: number;
  config: TrainConfig;
}

/** Greedy season on a population; returns the validation metrics. */
export function evaluateGreedy(
  predict: (x: Float32Array, n: number) => Float32Array,
  population: readonly AthleteParams[],
  opts: { seed: number; seasonDays: number; warmupDays: number; episode?: number; goalKnown?: (i: number) => boolean; reward?: TrainConfig['reward'] },
): EvalSummary {
  const env = new AgentEnv({
    ...(opts.reward ? { reward: opts.reward } : {}),
    seed: opts.seed,
    horizonDays: opts.seasonDays,
    warmupDays: opts.warmupDays,
    goalDate: (i, _s, end) => (opts.goalKnown?.(i) ? end : undefined),
  });
  const n = population.length;
  env.reset(population);
  const x = new Float32Array(n * DQN_INPUT_DIM);
  const actions = new Int32Array(n);
  let total = 0;
  let acwrHigh = 0;
  let rest = 0;
  let done = false;
  while (!done) {
    for (let i = 0; i < n; i++) writeDqnRow(env.features.subarray(i * FEATURE_COUNT), population[i]!.sport, x, i * DQN_INPUT_DIM);
    const q = predict(x, n);
    for (let i = 0; i < n; i++) actions[i] = maskedArgmax(q, i * ACTION_COUNT, env.masks, i * ACTION_COUNT, ACTION_COUNT);
    const r = env.step(actions);
    const t = env.truth();
    for (let i = 0; i < n; i++) {
      total += r.rewards[i]!;
      if (t.acwr[i]! > 1.5) acwrHigh += 1;
      if (t.sessionType[i] === 0) rest += 1;
    }
    done = r.done;
  }
  const t = env.truth();
  const s = env.seasonStart!;
  let perf = 0;
  let inj = 0;
  let ill = 0;
  for (let i = 0; i < n; i++) {
    perf += t.performance[i]! - s.performance[i]!;
    inj += t.injuries[i]! - s.injuries[i]!;
    ill += t.illnesses[i]! - s.illnesses[i]!;
  }
  const days = n * opts.seasonDays;
  return {
    episode: opts.episode ?? 0,
    meanReturn: total / n,
    performanceGainPct: perf / n,
    injuriesPer1000: (inj / days) * 1000,
    illnessesPer1000: (ill / days) * 1000,
    acwrOver15Pct: (acwrHigh / days) * 100,
    restSharePct: (rest / days) * 100,
  };
}

export function trainDqn(tf: Tf, partial: Partial<TrainConfig> = {}, onProgress?: (p: TrainProgress) => void): TrainResult {
  const cfg: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...partial };
  const started = performance.now();
  const A = ACTION_COUNT;
  const D = DQN_INPUT_DIM;
  const n = cfg.athletesPerEpisode;
  const learner = new DqnLearner(tf, {
    shape: { inputDim: D, numActions: A, hidden: cfg.hidden },
    seed: cfg.seed,
    learningRate: cfg.learningRate,
    huberDelta: DEFAULT_LEARNER.huberDelta,
    gradClipNorm: DEFAULT_LEARNER.gradClipNorm,
    tau: cfg.tau,
  });
  const memory = new ReplayMemory(cfg.replayCapacity, D, A, cfg.seed + 17);
  const batch = memory.allocBatch(cfg.batchSize);
  const validation = generatePopulation({ n: cfg.evalAthletes, seed: cfg.validationSeed });
  const rng = new Rng(cfg.seed + 99);
  const evaluations: EvalSummary[] = [];
  let best: EvalSummary | undefined;
  let bestWeights: NetworkWeights | undefined;
  let sinceBest = 0;
  let episode = 0;
  let stoppedEarly = false;

  // n-step ring per athlete: features, action, reward
  const ringX = new Float32Array(cfg.nStep * n * D);
  const ringA = new Int32Array(cfg.nStep * n);
  const ringR = new Float32Array(cfg.nStep * n);
  const x = new Float32Array(n * D);
  const actions = new Int32Array(n);
  const gammaPow = Array.from({ length: cfg.nStep + 1 }, (_, k) => cfg.gamma ** k);

  try {
    for (episode = 1; episode <= cfg.episodes; episode++) {
      const decaySpan = Math.max(1, cfg.episodes * cfg.epsilonDecayFraction);
      const epsilon = Math.max(cfg.epsilonEnd, cfg.epsilonStart - ((cfg.epsilonStart - cfg.epsilonEnd) * (episode - 1)) / decaySpan);
      const population = generatePopulation({ n, seed: cfg.seed * 100_003 + episode });
      const goalKnown = population.map(() => rng.uniform() < cfg.goalKnownShare);
      const env = new AgentEnv({
        reward: cfg.reward,
        seed: cfg.seed * 7919 + episode,
        horizonDays: cfg.seasonDays,
        warmupDays: cfg.warmupDays,
        goalDate: (i, _s, end) => (goalKnown[i] ? end : undefined),
      });
      env.reset(population);
      let lossSum = 0;
      let lossCount = 0;
      let episodeReturn = 0;
      for (let day = 0; ; day++) {
        for (let i = 0; i < n; i++) writeDqnRow(env.features.subarray(i * FEATURE_COUNT), population[i]!.sport, x, i * D);
        learner.act(x, env.masks, n, epsilon, actions);
        const slot = day % cfg.nStep;
        ringX.set(x, slot * n * D);
        ringA.set(actions, slot * n);
        const r = env.step(actions);
        ringR.set(r.rewards, slot * n);
        for (let i = 0; i < n; i++) episodeReturn += r.rewards[i]!;
        // next morning's features/masks (valid when not done)
        if (!r.done) for (let i = 0; i < n; i++) writeDqnRow(env.features.subarray(i * FEATURE_COUNT), population[i]!.sport, x, i * D);
        // emit the n-step transition that starts nStep−1 days ago (or every pending one at the end)
        const emit = (startDay: number, terminal: boolean) => {
          const len = day - startDay + 1;
          const s0 = startDay % cfg.nStep;
          for (let i = 0; i < n; i++) {
            let ret = 0;
            for (let k = 0; k < len; k++) ret += gammaPow[k]! * ringR[((startDay + k) % cfg.nStep) * n + i]!;
            memory.push(ringX, (s0 * n + i) * D, ringA[s0 * n + i]!, ret, x, i * D, env.masks, i * A, terminal, gammaPow[len]!);
          }
        };
        if (r.done) {
          for (let start = Math.max(0, day - cfg.nStep + 1); start <= day; start++) emit(start, true);
        } else if (day >= cfg.nStep - 1) emit(day - cfg.nStep + 1, false);

        if (memory.size >= cfg.batchSize * 4) {
          for (let u = 0; u < cfg.updatesPerDay; u++) {
            lossSum += learner.trainStep(memory.sample(batch));
            lossCount += 1;
          }
        }
        if (r.done) break;
      }

      let evaluation: EvalSummary | undefined;
      if (episode % cfg.evalEvery === 0 || episode === cfg.episodes) {
        evaluation = evaluateGreedy((xx, m) => learner.online.predict(xx, m), validation, {
          seed: cfg.validationSeed,
          seasonDays: cfg.seasonDays,
          warmupDays: cfg.warmupDays,
          episode,
          goalKnown: (i) => i % 2 === 0,
          reward: cfg.reward,
        });
        evaluations.push(evaluation);
        if (!best || evaluation.meanReturn > best.meanReturn) {
          best = evaluation;
          bestWeights = learner.getWeights();
          sinceBest = 0;
        } else sinceBest += 1;
      }
      const elapsedMs = performance.now() - started;
      onProgress?.({
        episode,
        episodes: cfg.episodes,
        epsilon,
        meanLoss: lossCount ? lossSum / lossCount : 0,
        trainReturn: episodeReturn / n,
        elapsedMs,
        etaMs: (elapsedMs / episode) * (cfg.episodes - episode),
        ...(evaluation ? { evaluation } : {}),
        ...(best ? { best } : {}),
      });
      if (evaluation && sinceBest >= cfg.patience && episode >= cfg.episodes * cfg.epsilonDecayFraction) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    if (!bestWeights) bestWeights = learner.getWeights();
    learner.dispose();
  }
  return {
    weights: bestWeights,
    best: best!,
    evaluations,
    episodesRun: Math.min(episode, cfg.episodes),
    stoppedEarly,
    elapsedMs: performance.now() - started,
    config: cfg,
  };
}
