/**
 * Tabular Q-learning on a discretized state (Watkins 1989), trained on AgentEnv twin athletes.
 *
 * State: 6 ACWR bins × 4 HRV bands × 4 relative-TSB bins × 4 days-since-hard bins × 4 days-since-rest
 * bins = 1,536 states (DISCRETIZER below). Day of week is left out: the twin has no calendar effects, so it
 * would only split the data; days since rest is used instead (it drives the mask's no_rest rule).
 *
 * Learning: ε-greedy over ALLOWED actions only (a random allowed action with probability ε, else the
 * masked argmax), and the masked max in the target:
 *     Q(s,a) ← Q(s,a) + α_n · (r + γ·(1 − done)·max_{a' allowed in s'} Q(s',a') − Q(s,a)),
 *     α_n = max(alpha, 1/n(s,a))   (n counts this update: the first visit sets Q to its target, then a
 *                                   running mean until 1/n reaches alpha, then a constant step)
 * Unvisited entries hold `qInit`. "Allowed in s'" is the real mask of the next morning (it depends on more
 * than the bins), so the target never bootstraps from a blocked action.
 *
 * Acting (TabularQPolicy): the masked argmax over allowed actions visited at least `minVisits` times;
 * when no allowed action of that state has been tried enough, fallbackAction(ENDURANCE_STANDARD, mask)
 * (counted in `fallbacks`).
 *
 * The table serializes to JSON (`toJSON` / `TabularQPolicy.fromJSON`): train once with trainTabularQ
 * (or `npm run bench:policy -- --tabular-q path`, which trains and saves when the file does not exist) and
 * load it later.
 */
import { generatePopulation, Rng, type PopulationMix } from '../../twin/index.ts';
import { ACTION_COUNT, ACTION_ID } from '../actions/index.ts';
import type { AthleteState } from '../state/types.ts';
import { AgentEnv, type AgentEnvOptions } from '../env/agent-env.ts';
import { fallbackAction } from './fallback.ts';
import type { Policy, PolicyInput } from './policy.ts';

// ---------------------------------------------------------------------------------------------------
// Discretizer

const ACWR_EDGES = [0.8, 1.0, 1.2, 1.4] as const; // bin 0 = cold start, 1..5 = below 0.8 … ≥ 1.4
const TSB_EDGES = [-0.3, -0.1, 0.05] as const; // TSB / max(CTL, 10)
const HRV_BANDS = ['unknown', 'below', 'inside', 'above'] as const;

export const DISCRETIZER = Object.freeze({
  id: 'acwr6.hrv4.tsb4.hard4.rest4',
  version: 1,
  sizes: Object.freeze([6, 4, 4, 4, 4]),
  describe: [
    'acwr: 0 cold start, 1 <0.8, 2 0.8-1.0, 3 1.0-1.2, 4 1.2-1.4, 5 >=1.4',
    'hrv: 0 unknown, 1 below band, 2 inside, 3 above',
    'tsb: TSB/max(CTL,10): 0 < -0.3, 1 -0.3..-0.1, 2 -0.1..0.05, 3 >= 0.05',
    'hard: days since hard 0 = 1, 1 = 2, 2 = 3, 3 = >=4 or none',
    'rest: days since rest 0 = 1, 1 = 2-3, 2 = 4-5, 3 = >=6',
  ],
});
export const STATE_COUNT = DISCRETIZER.sizes.reduce((a, b) => a * b, 1);

function bin(x: number, edges: readonly number[]): number {
  let k = 0;
  while (k < edges.length && x >= edges[k]!) k++;
  return k;
}

/** Bin indices of a state, in DISCRETIZER.sizes order. */
export function stateBins(s: AthleteState): [number, number, number, number, number] {
  const acwr = s.acwrColdStart || s.acwr === undefined ? 0 : 1 + bin(s.acwr, ACWR_EDGES);
  const hrv = HRV_BANDS.indexOf(s.hrvBand);
  const tsb = bin(s.tsb / Math.max(s.ctl, 10), TSB_EDGES);
  const dh = s.daysSinceHard;
  const hard = dh === undefined || dh >= 4 ? 3 : Math.max(0, dh - 1);
  const dr = s.daysSinceRest;
  const rest = dr <= 1 ? 0 : dr <= 3 ? 1 : dr <= 5 ? 2 : 3;
  return [acwr, hrv < 0 ? 0 : hrv, tsb, hard, rest];
}

/** Index of a state's cell in [0, STATE_COUNT). */
export function stateIndex(s: AthleteState): number {
  const b = stateBins(s);
  let k = 0;
  for (let j = 0; j < b.length; j++) k = k * DISCRETIZER.sizes[j]! + b[j]!;
  return k;
}

/** Readable key of a cell, e.g. 'a3.h2.t1.d0.r2' (JSON keys). */
export function stateKey(index: number): string {
  const parts: number[] = [];
  let k = index;
  for (let j = DISCRETIZER.sizes.length - 1; j >= 0; j--) {
    const size = DISCRETIZER.sizes[j]!;
    parts.unshift(k % size);
    k = Math.floor(k / size);
  }
  return ['a', 'h', 't', 'd', 'r'].map((c, j) => `${c}${parts[j]}`).join('.');
}

export function parseStateKey(key: string): number {
  const m = /^a(\d)\.h(\d)\.t(\d)\.d(\d)\.r(\d)$/.exec(key);
  if (m === null) throw new Error(`tabular-q: bad state key ${key}`);
  let k = 0;
  for (let j = 0; j < DISCRETIZER.sizes.length; j++) {
    const v = Number(m[j + 1]);
    if (v >= DISCRETIZER.sizes[j]!) throw new Error(`tabular-q: bad state key ${key}`);
    k = k * DISCRETIZER.sizes[j]! + v;
  }
  return k;
}

// ---------------------------------------------------------------------------------------------------
// Table and update rule

export interface TabularQConfig {
  /** Discount (default 0.97: a horizon of about a month, the time fitness needs to show). */
  gamma: number;
  /** Floor of the step size α_n = max(alpha, 1/n) (default 0.05). */
  alpha: number;
  /** Value of unvisited entries (default 0). */
  qInit: number;
}

export const DEFAULT_TABULAR_Q: Readonly<TabularQConfig> = Object.freeze({ gamma: 0.97, alpha: 0.05, qInit: 0 });

/** Serialized table (JSON). Only visited states are stored. */
export interface TabularQJson {
  format: 'twincoach.tabular-q';
  version: 1;
  discretizer: { id: string; version: number };
  actions: number;
  config: TabularQConfig;
  /** How it was trained (budget, seeds, time) — informational. */
  training?: TabularQTrainingInfo;
  states: Record<string, { q: number[]; n: number[] }>;
}

export interface TabularQTrainingInfo {
  episodes: number;
  athletesPerEpisode: number;
  seasonDays: number;
  warmupDays: number;
  populationSeeds: [number, number];
  episodeSeeds: [number, number];
  transitions: number;
  epsilon: [number, number];
  seconds: number;
  visitedStates: number;
  /** Mean season reward per athlete of the last training episode (ε-greedy, for monitoring only). */
  lastEpisodeReward: number;
}

export class QTable {
  readonly config: TabularQConfig;
  readonly q: Float64Array;
  readonly n: Uint32Array;

  constructor(config: Partial<TabularQConfig> = {}) {
    this.config = { ...DEFAULT_TABULAR_Q, ...config };
    this.q = new Float64Array(STATE_COUNT * ACTION_COUNT).fill(this.config.qInit);
    this.n = new Uint32Array(STATE_COUNT * ACTION_COUNT);
  }

  get(s: number, a: number): number {
    return this.q[s * ACTION_COUNT + a]!;
  }

  visits(s: number, a: number): number {
    return this.n[s * ACTION_COUNT + a]!;
  }

  /** max over allowed a of Q(s, a) (REST is always allowed, so the max exists). */
  maskedMax(s: number, mask: ArrayLike<boolean | number>): number {
    let best = -Infinity;
    for (let a = 0; a < ACTION_COUNT; a++) if (mask[a]) best = Math.max(best, this.q[s * ACTION_COUNT + a]!);
    return best === -Infinity ? this.config.qInit : best;
  }

  /** Masked argmax (ties: lowest id); only actions visited ≥ minVisits count. −1 when none qualifies. */
  argmax(s: number, mask: ArrayLike<boolean | number>, minVisits = 0): number {
    let best = -1;
    let bestQ = -Infinity;
    for (let a = 0; a < ACTION_COUNT; a++) {
      const k = s * ACTION_COUNT + a;
      if (!mask[a] || this.n[k]! < minVisits) continue;
      if (this.q[k]! > bestQ) {
        bestQ = this.q[k]!;
        best = a;
      }
    }
    return best;
  }

  /**
   * One Q-learning update for the transition (s, a, r, s', done) with the next morning's mask.
   * Returns the TD error before the update.
   */
  update(s: number, a: number, r: number, next: number, nextMask: ArrayLike<boolean | number>, done: boolean): number {
    const k = s * ACTION_COUNT + a;
    const target = r + (done ? 0 : this.config.gamma * this.maskedMax(next, nextMask));
    const count = this.n[k]! + 1;
    this.n[k] = count;
    const step = Math.max(this.config.alpha, 1 / count);
    const td = target - this.q[k]!;
    this.q[k] = this.q[k]! + step * td;
    return td;
  }

  visitedStates(): number {
    let c = 0;
    for (let s = 0; s < STATE_COUNT; s++) {
      for (let a = 0; a < ACTION_COUNT; a++) {
        if (this.n[s * ACTION_COUNT + a]! > 0) {
          c++;
          break;
        }
      }
    }
    return c;
  }

  toJSON(training?: TabularQTrainingInfo): TabularQJson {
    const states: TabularQJson['states'] = {};
    for (let s = 0; s < STATE_COUNT; s++) {
      const n = Array.from(this.n.subarray(s * ACTION_COUNT, (s + 1) * ACTION_COUNT));
      if (n.every((v) => v === 0)) continue;
      states[stateKey(s)] = { q: Array.from(this.q.subarray(s * ACTION_COUNT, (s + 1) * ACTION_COUNT)), n };
    }
    const out: TabularQJson = {
      format: 'twincoach.tabular-q',
      version: 1,
      discretizer: { id: DISCRETIZER.id, version: DISCRETIZER.version },
      actions: ACTION_COUNT,
      config: { ...this.config },
      states,
    };
    if (training) out.training = training;
    return out;
  }

  static fromJSON(json: TabularQJson): QTable {
    if (json.format !== 'twincoach.tabular-q' || json.version !== 1) throw new Error('tabular-q: not a twincoach tabular-q table (format/version)');
    if (json.discretizer.id !== DISCRETIZER.id || json.discretizer.version !== DISCRETIZER.version) {
      throw new Error(`tabular-q: table discretizer ${json.discretizer.id}@${json.discretizer.version} ≠ ${DISCRETIZER.id}@${DISCRETIZER.version}`);
    }
    if (json.actions !== ACTION_COUNT) throw new Error(`tabular-q: table has ${json.actions} actions, catalogue ${ACTION_COUNT}`);
    const t = new QTable(json.config);
    for (const [key, row] of Object.entries(json.states)) {
      const s = parseStateKey(key);
      if (row.q.length !== ACTION_COUNT || row.n.length !== ACTION_COUNT) throw new Error(`tabular-q: row ${key} has the wrong length`);
      for (let a = 0; a < ACTION_COUNT; a++) {
        t.q[s * ACTION_COUNT + a] = row.q[a]!;
        t.n[s * ACTION_COUNT + a] = row.n[a]!;
      }
    }
    return t;
  }
}

// ---------------------------------------------------------------------------------------------------
// Policy

export interface TabularQPolicyOptions {
  /** Allowed actions tried fewer times than this in a state are not trusted (default 3). */
  minVisits?: number;
  /** Preferred action when no allowed action qualifies (through fallbackAction; default ENDURANCE_STANDARD). */
  fallbackPreferred?: number;
  training?: TabularQTrainingInfo;
}

export class TabularQPolicy implements Policy {
  readonly name = 'tabular-q';
  readonly version: string;
  readonly table: QTable;
  readonly minVisits: number;
  readonly fallbackPreferred: number;
  readonly training: TabularQTrainingInfo | undefined;
  /** Decisions that used the fallback (no qualifying allowed action) — coverage diagnostics. */
  fallbacks = 0;
  decisions = 0;

  constructor(table: QTable, options: TabularQPolicyOptions = {}) {
    this.table = table;
    this.minVisits = options.minVisits ?? 3;
    this.fallbackPreferred = options.fallbackPreferred ?? ACTION_ID.ENDURANCE_STANDARD!;
    this.training = options.training;
    this.version = `${DISCRETIZER.version}`;
  }

  decide(inputs: readonly PolicyInput[]): number[] {
    return inputs.map((x) => {
      this.decisions++;
      const a = this.table.argmax(stateIndex(x.state), x.mask, this.minVisits);
      if (a >= 0) return a;
      this.fallbacks++;
      return fallbackAction(this.fallbackPreferred, x.mask);
    });
  }

  toJSON(): TabularQJson {
    return this.table.toJSON(this.training);
  }

  static fromJSON(json: TabularQJson, options: Omit<TabularQPolicyOptions, 'training'> = {}): TabularQPolicy {
    return new TabularQPolicy(QTable.fromJSON(json), { ...options, ...(json.training ? { training: json.training } : {}) });
  }
}

// ---------------------------------------------------------------------------------------------------
// Training

export interface TrainTabularQOptions extends Partial<TabularQConfig> {
  /** Training episodes (seasons); each draws a fresh population (default 40). */
  episodes?: number;
  /** Athletes per episode (default 64). */
  athletes?: number;
  /** Population seed of episode e = populationSeed + e (default 100,000 — keep clear of evaluation seeds). */
  populationSeed?: number;
  /** Env seed of episode e = episodeSeed + e (default 200,000). */
  episodeSeed?: number;
  mix?: PopulationMix;
  seasonDays?: number;
  warmupDays?: number;
  /** ε decays linearly from epsilonStart (first episode) to epsilonEnd (last). Defaults 1 → 0.05. */
  epsilonStart?: number;
  epsilonEnd?: number;
  /** Exploration random stream (default 1). */
  seed?: number;
  env?: Omit<AgentEnvOptions, 'seed' | 'horizonDays' | 'warmupDays'>;
  minVisits?: number;
  onEpisode?: (info: { episode: number; epsilon: number; meanReward: number }) => void;
}

/** Train a tabular-Q policy on AgentEnv with a fixed budget (episodes × athletes × seasonDays transitions). */
export function trainTabularQ(options: TrainTabularQOptions = {}): TabularQPolicy {
  const t0 = performance.now();
  const episodes = options.episodes ?? 40;
  const athletes = options.athletes ?? 64;
  const populationSeed = options.populationSeed ?? 100_000;
  const episodeSeed = options.episodeSeed ?? 200_000;
  const seasonDays = options.seasonDays ?? 168;
  const warmupDays = options.warmupDays ?? 42;
  const e0 = options.epsilonStart ?? 1;
  const e1 = options.epsilonEnd ?? 0.05;
  const config: Partial<TabularQConfig> = {};
  if (options.gamma !== undefined) config.gamma = options.gamma;
  if (options.alpha !== undefined) config.alpha = options.alpha;
  if (options.qInit !== undefined) config.qInit = options.qInit;
  const table = new QTable(config);
  const rng = new Rng(options.seed ?? 1);
  const env = new AgentEnv({ ...(options.env ?? {}), seed: episodeSeed, horizonDays: seasonDays, warmupDays });
  let transitions = 0;
  let lastReward = 0;
  const allowed: number[] = [];
  for (let e = 0; e < episodes; e++) {
    const epsilon = episodes > 1 ? e0 + ((e1 - e0) * e) / (episodes - 1) : e1;
    const pop = generatePopulation({ n: athletes, seed: populationSeed + e, ...(options.mix ? { mix: options.mix } : {}) });
    let inputs = env.reset(pop, episodeSeed + e);
    const n = pop.length;
    const s = new Int32Array(n);
    const act = new Array<number>(n);
    let total = 0;
    for (let d = 0; d < seasonDays; d++) {
      for (let i = 0; i < n; i++) {
        const x = inputs[i]!;
        s[i] = stateIndex(x.state);
        let a = -1;
        if (rng.uniform() >= epsilon) a = table.argmax(s[i]!, x.mask);
        if (a < 0) {
          allowed.length = 0;
          for (let k = 0; k < ACTION_COUNT; k++) if (x.mask[k]) allowed.push(k);
          a = allowed[Math.floor(rng.uniform() * allowed.length)] ?? 0;
        }
        act[i] = a;
      }
      const step = env.step(act);
      if (!step.done) inputs = env.currentInputs();
      for (let i = 0; i < n; i++) {
        const r = step.rewards[i]!;
        total += r;
        if (step.done) table.update(s[i]!, act[i]!, r, 0, [], true);
        else table.update(s[i]!, act[i]!, r, stateIndex(inputs[i]!.state), inputs[i]!.mask, false);
        transitions++;
      }
    }
    lastReward = total / n;
    options.onEpisode?.({ episode: e, epsilon, meanReward: lastReward });
  }
  const training: TabularQTrainingInfo = {
    episodes,
    athletesPerEpisode: athletes,
    seasonDays,
    warmupDays,
    populationSeeds: [populationSeed, populationSeed + episodes - 1],
    episodeSeeds: [episodeSeed, episodeSeed + episodes - 1],
    transitions,
    epsilon: [e0, e1],
    seconds: (performance.now() - t0) / 1000,
    visitedStates: table.visitedStates(),
    lastEpisodeReward: lastReward,
  };
  return new TabularQPolicy(table, { training, ...(options.minVisits !== undefined ? { minVisits: options.minVisits } : {}) });
}
