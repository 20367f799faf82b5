/**
 * Weekly policy retraining with a gate: a candidate DQN is trained on twin athletes with a small, bounded
 * budget (agent/dqn/train.ts trainDqn), then the candidate and the active policy are both run greedily
 * for one season on the same fixed validation population with the same seed (evaluateGreedy: paired,
 * common random numbers). The candidate is always stored (publishPolicyModel, with both evaluations);
 * it becomes active only when its mean season return beats the active one by `minImprovement` —
 * otherwise it stays in shadow with its evaluation on record.
 *
 * The active policy is the newest activation in the database, else the model shipped in models/, else
 * the HRV-guided baseline; a baseline incumbent has no Q-network, so then both are scored with the
 * evaluation harness (agent/eval evaluatePolicy) on the same population and seed instead.
 *
 * Once per ISO week across instances (lease `retrain:<week>`). trainDqn is synchronous TF.js work: the
 * budget bounds how long it holds the event loop (see jobs/README.md).
 *
 * Stored model format: PolicyModelRecord.weights = UTF-8 JSON of the agent's model file (encodeModel),
 * so loadPolicy('dqn', { model: JSON.parse(bytes) }) loads it back.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ACTIONS } from '../agent/actions/index.ts';
import { HrvPolicy } from '../agent/baselines/index.ts';
import type { Policy } from '../agent/baselines/policy.ts';
import { DQN_FEATURE_NAMES } from '../agent/dqn/features.ts';
import { decodeModel, encodeModel, MODEL_FORMAT, type ModelFile } from '../agent/dqn/model-file.ts';
import { QNetwork, type NetworkWeights } from '../agent/dqn/network.ts';
import { DqnPolicy } from '../agent/dqn/policy.ts';
import { evaluateGreedy, trainDqn, type EvalSummary, type TrainConfig } from '../agent/dqn/train.ts';
import { evaluatePolicy } from '../agent/eval/evaluate.ts';
import type { Tf } from '../agent/tf-backend.ts';
import type { UseCases } from '../src/core/index.ts';
import type { PolicyModelRecord } from '../src/core/types.ts';
import { generatePopulation } from '../twin/index.ts';
import type { Job, JobSummary } from './job.ts';
import type { Claims } from './ports.ts';
import { isoWeekOf } from './twin-recalibration.job.ts';

export const RETRAIN_JOB = 'policy-retrain';

export interface RetrainBudget {
  episodes: number;
  athletesPerEpisode: number;
  seasonDays: number;
  warmupDays: number;
  hidden: number[];
  evalEvery: number;
  /** Gate population size (fixed, never trained on) and its seeds. */
  gateAthletes: number;
  gatePopulationSeed: number;
  gateEpisodeSeed: number;
  /** Required margin of the candidate's mean season return over the active policy's. Default 0. */
  minImprovement: number;
  seed: number;
}

/** ~1–2 minutes of TF.js on 2 cores: bounded on purpose (the service keeps running while it trains). */
export const DEFAULT_RETRAIN_BUDGET: RetrainBudget = {
  episodes: 12,
  athletesPerEpisode: 32,
  seasonDays: 112,
  warmupDays: 42,
  hidden: [64, 64],
  evalEvery: 4,
  gateAthletes: 48,
  gatePopulationSeed: 424_242,
  gateEpisodeSeed: 777,
  minImprovement: 0,
  seed: 1,
};

export interface ActiveModel {
  id: string;
  name: string;
  version: number;
  /** JSON of the model file (see header). */
  weights: Uint8Array;
}

export interface PolicyRetrainDeps {
  core: Pick<UseCases, 'publishPolicyModel' | 'activatePolicyModel'>;
  /** The active model in the database (PolicyModelRepository.active()). */
  activeModel(): Promise<ActiveModel | null>;
  tf(): Promise<Tf>;
  claims: Claims;
  owner: string;
  /** The shipped default model (agent/policies DEFAULT_MODEL_PATH); absent file = no default. */
  defaultModelPath?: string;
  budget?: Partial<RetrainBudget>;
  /** Cron (UTC). Default Sunday 03:00. */
  schedule?: string;
  /** A new model was activated: swap the running engine's policy. */
  onActivated?(model: { id: string; file: ModelFile }): void | Promise<void>;
}

interface Scored {
  meanReturn: number;
  performanceGainPct: number;
  injuriesPer1000: number;
  acwrOver15Pct: number;
}

function modelBytes(file: ModelFile): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(file), 'utf8'));
}

export function parseStoredModel(weights: Uint8Array): ModelFile {
  return decodeModel(JSON.parse(Buffer.from(weights).toString('utf8'))).file;
}

export function policyRetrainJob(deps: PolicyRetrainDeps): Job & { readonly budget: RetrainBudget } {
  const budget: RetrainBudget = { ...DEFAULT_RETRAIN_BUDGET, ...(deps.budget ?? {}) };

  async function incumbent(): Promise<{ label: string; modelId?: string; weights?: NetworkWeights; policy?: Policy }> {
    const active = await deps.activeModel();
    if (active) {
      const { file, weights } = decodeModel(JSON.parse(Buffer.from(active.weights).toString('utf8')));
      return { label: `${active.name}@${active.version} (${file.version})`, modelId: active.id, weights };
    }
    if (deps.defaultModelPath && existsSync(deps.defaultModelPath)) {
      const { file, weights } = decodeModel(JSON.parse(readFileSync(deps.defaultModelPath, 'utf8')));
      return { label: `${file.name}@${file.version} (shipped)`, weights };
    }
    return { label: 'hrv baseline', policy: new HrvPolicy() };
  }

  return {
    name: RETRAIN_JOB,
    schedule: deps.schedule ?? '0 3 * * 0',
    budget,
    async run(ctx): Promise<JobSummary> {
      const week = isoWeekOf(ctx.now);
      const key = `retrain:${week}`;
      const claim = await deps.claims.acquire(key, deps.owner, 2 * 3_600_000);
      if (!claim.acquired) return { skipped: claim.reason === 'done' ? 'done this week' : 'running elsewhere' };
      try {
        const tf = await deps.tf();
        const cfg: Partial<TrainConfig> = {
          seed: budget.seed,
          episodes: budget.episodes,
          athletesPerEpisode: budget.athletesPerEpisode,
          seasonDays: budget.seasonDays,
          warmupDays: budget.warmupDays,
          hidden: budget.hidden,
          evalEvery: budget.evalEvery,
          evalAthletes: Math.min(budget.gateAthletes, 32),
          batchSize: Math.min(256, budget.athletesPerEpisode * 8),
          replayCapacity: 100_000,
        };
        const started = performance.now();
        const trained = trainDqn(tf, cfg);
        const trainMs = performance.now() - started;
        if (ctx.signal.aborted) {
          await deps.claims.release(key, claim.gen);
          return { aborted: true };
        }

        // The gate: both policies, one fixed validation population, one seed.
        const population = generatePopulation({ n: budget.gateAthletes, seed: budget.gatePopulationSeed });
        const evalOpts = { seed: budget.gateEpisodeSeed, seasonDays: budget.seasonDays, warmupDays: budget.warmupDays, goalKnown: (i: number) => i % 2 === 0 };
        const inc = await incumbent();
        let candidateScore: Scored;
        let incumbentScore: Scored;
        let harness: string;
        const candidateNet = new QNetwork(tf, trained.weights, false, 'candidate');
        try {
          if (inc.weights) {
            harness = 'evaluateGreedy';
            const incNet = new QNetwork(tf, inc.weights, false, 'incumbent');
            try {
              incumbentScore = pick(evaluateGreedy((x, n) => incNet.predict(x, n), population, evalOpts));
            } finally {
              incNet.dispose();
            }
            candidateScore = pick(evaluateGreedy((x, n) => candidateNet.predict(x, n), population, evalOpts));
          } else {
            harness = 'evaluatePolicy';
            const cand = new DqnPolicy(tf, trained.weights, { version: 'candidate' });
            try {
              const o = { population, seed: budget.gateEpisodeSeed, seasonDays: budget.seasonDays, warmupDays: budget.warmupDays, perAthlete: false };
              candidateScore = fromReport(evaluatePolicy(cand, o));
              incumbentScore = fromReport(evaluatePolicy(inc.policy!, o));
            } finally {
              cand.dispose();
            }
          }
        } finally {
          candidateNet.dispose();
        }
        const improved = candidateScore.meanReturn > incumbentScore.meanReturn + budget.minImprovement;
        const version = `${ctx.now.toISOString().slice(0, 10).replace(/-/g, '')}.${week}`;
        const gate = {
          harness,
          population: { n: budget.gateAthletes, seed: budget.gatePopulationSeed },
          episodeSeed: budget.gateEpisodeSeed,
          seasonDays: budget.seasonDays,
          candidate: candidateScore,
          incumbent: { label: inc.label, ...(inc.modelId ? { modelId: inc.modelId } : {}), ...incumbentScore },
          improved,
          minImprovement: budget.minImprovement,
        };
        const file = encodeModel(
          {
            name: 'dqn',
            version,
            createdAt: ctx.now.toISOString(),
            features: [...DQN_FEATURE_NAMES],
            actions: ACTIONS.map((a) => a.key),
            training: { ...trained.config, episodesRun: trained.episodesRun, stoppedEarly: trained.stoppedEarly, trainingMs: Math.round(trainMs), job: RETRAIN_JOB },
            evaluation: { validation: trained.best as unknown as Record<string, unknown>, gate },
          },
          trained.weights,
        );
        const saved: PolicyModelRecord = await deps.core.publishPolicyModel({
          name: 'dqn',
          weights: modelBytes(file),
          featureSpec: { version: MODEL_FORMAT, names: [...DQN_FEATURE_NAMES] },
          trainingConfig: file.training,
          evaluation: { gate, status: improved ? 'active' : 'shadow' },
        });
        if (improved) {
          await deps.core.activatePolicyModel(
            saved.id,
            RETRAIN_JOB,
            `gate: mean season return ${candidateScore.meanReturn.toFixed(2)} vs ${incumbentScore.meanReturn.toFixed(2)} (${inc.label}) on ${budget.gateAthletes} athletes`,
          );
          await deps.onActivated?.({ id: saved.id, file });
        }
        await deps.claims.complete(key, claim.gen);
        return {
          model: `${saved.name}@${saved.version}`,
          status: improved ? 'activated' : 'shadow',
          candidateReturn: round(candidateScore.meanReturn),
          incumbentReturn: round(incumbentScore.meanReturn),
          incumbent: inc.label,
          trainSeconds: Math.round(trainMs / 100) / 10,
        };
      } catch (err) {
        await deps.claims.release(key, claim.gen).catch(() => undefined);
        throw err;
      }
    },
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

function pick(e: EvalSummary): Scored {
  return { meanReturn: e.meanReturn, performanceGainPct: e.performanceGainPct, injuriesPer1000: e.injuriesPer1000, acwrOver15Pct: e.acwrOver15Pct };
}

function fromReport(r: { reward: number; perfGainPct: number; injuriesPer1000: number; acwrOver15Pct: number }): Scored {
  return { meanReturn: r.reward, performanceGainPct: r.perfGainPct, injuriesPer1000: r.injuriesPer1000, acwrOver15Pct: r.acwrOver15Pct };
}
