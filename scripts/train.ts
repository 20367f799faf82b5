/**
 * npm run train -- --episodes N --seed S [--athletes 64] [--out models/dqn-<version>.json] [--backend auto|wasm|cpu]
 *
 * Trains the DQN on twin athletes with a progress bar and ETA, evaluates the greedy policy on a fixed
 * validation population every few episodes (early stopping keeps the best), then writes a versioned model
 * file: weights + feature spec + action list + training config + evaluation summary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ACTIONS } from '../agent/actions/index.ts';
import { DQN_FEATURE_NAMES } from '../agent/dqn/features.ts';
import { encodeModel } from '../agent/dqn/model-file.ts';
import { DEFAULT_TRAIN_CONFIG, trainDqn, type TrainProgress } from '../agent/dqn/train.ts';
import { initTf, type BackendPreference } from '../agent/tf-backend.ts';

const { values } = parseArgs({
  options: {
    episodes: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.episodes) },
    seed: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.seed) },
    athletes: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.athletesPerEpisode) },
    'eval-every': { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.evalEvery) },
    patience: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.patience) },
    hidden: { type: 'string', default: DEFAULT_TRAIN_CONFIG.hidden.join(',') },
    lr: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.learningRate) },
    gamma: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.gamma) },
    'n-step': { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.nStep) },
    updates: { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.updatesPerDay) },
    'perf-weight': { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.reward.perfWeight) },
    'hazard-weight': { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.reward.hazardWeight) },
    'event-penalty': { type: 'string', default: String(DEFAULT_TRAIN_CONFIG.reward.eventPenalty) },
    out: { type: 'string' },
    version: { type: 'string' },
    backend: { type: 'string', default: 'auto' },
  },
});

function int(name: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be an integer ≥ ${min} (got ${v})`);
    process.exit(2);
  }
  return n;
}
const num = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number (got ${v})`);
    process.exit(2);
  }
  return n;
};

const fmt = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

function bar(p: TrainProgress): string {
  const width = 28;
  const done = Math.round((p.episode / p.episodes) * width);
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${p.episode}/${p.episodes} ε=${p.epsilon.toFixed(2)} loss=${p.meanLoss.toFixed(4)} return=${p.trainReturn.toFixed(2)} ${fmt(p.elapsedMs)} ETA ${fmt(p.etaMs)}`;
}

const { tf, backend } = await initTf(values.backend as BackendPreference);
const config = {
  episodes: int('episodes', values.episodes, 1),
  seed: int('seed', values.seed, 0),
  athletesPerEpisode: int('athletes', values.athletes, 1),
  evalEvery: int('eval-every', values['eval-every'], 1),
  patience: int('patience', values.patience, 1),
  hidden: (values.hidden ?? '').split(',').map((h) => int('hidden', h, 1)),
  learningRate: num('lr', values.lr),
  gamma: num('gamma', values.gamma),
  nStep: int('n-step', values['n-step'], 1),
  updatesPerDay: int('updates', values.updates, 1),
  reward: {
    perfWeight: num('perf-weight', values['perf-weight']),
    hazardWeight: num('hazard-weight', values['hazard-weight']),
    eventPenalty: Number(values['event-penalty']) >= 0 ? Number(values['event-penalty']) : num('event-penalty', values['event-penalty']),
  },
};
console.log(`training DQN on the twin — backend ${backend}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), node ${process.version}`);
console.log(`config: ${JSON.stringify(config)}`);
const isTty = process.stdout.isTTY;
const result = trainDqn(tf, config, (p) => {
  if (isTty) process.stdout.write(`\r${bar(p)}`);
  else if (p.evaluation || p.episode === 1) console.log(bar(p));
  if (p.evaluation) {
    const e = p.evaluation;
    process.stdout.write(
      `${isTty ? '\n' : ''}  eval @${e.episode}: return ${e.meanReturn.toFixed(2)}, performance ${e.performanceGainPct.toFixed(2)}%, injuries ${e.injuriesPer1000.toFixed(2)}/1000 d, ACWR>1.5 ${e.acwrOver15Pct.toFixed(2)}% d, rest ${e.restSharePct.toFixed(1)}%${p.best?.episode === e.episode ? '  ← best' : ''}\n`,
    );
  }
});
const version = values.version ?? `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}.s${config.seed}`;
const model = encodeModel(
  {
    name: 'dqn',
    version,
    createdAt: new Date().toISOString(),
    features: [...DQN_FEATURE_NAMES],
    actions: ACTIONS.map((a) => a.key),
    training: { ...result.config, backend, episodesRun: result.episodesRun, stoppedEarly: result.stoppedEarly, trainingSeconds: Math.round(result.elapsedMs / 1000) },
    evaluation: { validation: result.best, history: result.evaluations },
  },
  result.weights,
);
const out = path.resolve(values.out ?? `models/dqn-${version}.json`);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(model));
console.log(`\ntrained ${result.episodesRun} episodes in ${fmt(result.elapsedMs)}${result.stoppedEarly ? ' (early stop)' : ''}; best validation at episode ${result.best.episode}: return ${result.best.meanReturn.toFixed(2)}, performance ${result.best.performanceGainPct.toFixed(2)}%`);
console.log(`model written to ${out}`);
