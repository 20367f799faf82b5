/**
 * The weekly retrain job with a tiny budget: the candidate is always stored with its gate evaluation;
 * it is activated only when it beats the active policy on the fixed validation population; once per week.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../agent/actions/index.ts';
import { DQN_FEATURE_NAMES, DQN_INPUT_DIM } from '../../agent/dqn/features.ts';
import { encodeModel, type ModelFile } from '../../agent/dqn/model-file.ts';
import { initWeights } from '../../agent/dqn/network.ts';
import { loadPolicy } from '../../agent/policies.ts';
import { initTf } from '../../agent/tf-backend.ts';
import { parseStoredModel, policyRetrainJob, type RetrainBudget } from '../../jobs/policy-retrain.job.ts';
import { Scheduler } from '../../jobs/scheduler.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { LeaseRepository } from '../../src/db/lease.repository.ts';
import { createLogger } from '../../src/logger.ts';
import { useCore } from '../src/core/support/harness.ts';

const logger = createLogger({ level: 'silent' });
const h = useCore('2026-11-22T03:00:00Z');
const dir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-retrain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TINY: Partial<RetrainBudget> = { episodes: 2, athletesPerEpisode: 4, seasonDays: 14, warmupDays: 14, hidden: [8], evalEvery: 1, gateAthletes: 4 };

function shippedModel(): string {
  const file = encodeModel(
    { name: 'dqn', version: 'shipped-test', createdAt: '2026-01-01T00:00:00Z', features: [...DQN_FEATURE_NAMES], actions: ACTIONS.map((a) => a.key), training: {}, evaluation: {} },
    initWeights({ inputDim: DQN_INPUT_DIM, numActions: ACTIONS.length, hidden: [8] }, 3),
  );
  const p = path.join(dir, 'shipped.json');
  writeFileSync(p, JSON.stringify(file));
  return p;
}

function rig(budget: Partial<RetrainBudget>, activated: ModelFile[], at: string) {
  const clock = new ManualClock(at);
  const job = policyRetrainJob({
    core: h.core,
    activeModel: async () => {
      const a = await h.deps.policyModels.active();
      return a ? { id: a.model.id, name: a.model.name, version: a.model.version, weights: a.model.weights } : null;
    },
    tf: async () => (await initTf('cpu')).tf,
    claims: new LeaseRepository(h.db.connection),
    owner: 'test',
    defaultModelPath: shippedModel(),
    budget: { ...TINY, ...budget },
    onActivated: ({ file }) => void activated.push(file),
  });
  return { job, scheduler: new Scheduler({ jobs: [job], logger, clock }), clock };
}

describe('policy retrain job', () => {
  it('when the candidate does not beat the active policy by the margin then it is stored in shadow with its evaluation, and not activated', async () => {
    const activated: ModelFile[] = [];
    const { scheduler } = rig({ minImprovement: 1e9 }, activated, '2026-11-22T03:00:00Z'); // Sunday, week 47
    await scheduler.runNow('policy-retrain');
    expect(scheduler.getStats()['policy-retrain']).toMatchObject({ runs: 1, failures: 0 });
    const models = await h.deps.policyModels.list('dqn');
    expect(models).toHaveLength(1);
    expect(models[0]!.evaluation).toMatchObject({ status: 'shadow', gate: { improved: false, harness: 'evaluateGreedy', incumbent: { label: 'dqn@shipped-test (shipped)' } } });
    const gate = models[0]!.evaluation.gate as { candidate: { meanReturn: number }; incumbent: { meanReturn: number } };
    expect(Number.isFinite(gate.candidate.meanReturn) && Number.isFinite(gate.incumbent.meanReturn)).toBe(true);
    expect(await h.deps.policyModels.active()).toBeNull();
    expect(activated).toEqual([]);
  }, 120_000);

  it('when the candidate clears the gate then it becomes active, the engine is told, and the stored weights load as a policy', async () => {
    const activated: ModelFile[] = [];
    const { scheduler } = rig({ minImprovement: -1e9 }, activated, '2026-11-29T03:00:00Z'); // next week
    await scheduler.runNow('policy-retrain');
    const active = await h.deps.policyModels.active();
    expect(active).not.toBeNull();
    expect(active!.model.version).toBe(2);
    expect(active!.model.evaluation).toMatchObject({ status: 'active', gate: { improved: true } });
    expect(activated.map((f) => f.version)).toEqual([parseStoredModel(active!.model.weights).version]);
    const policy = await loadPolicy('dqn', { backend: 'cpu', model: parseStoredModel(active!.model.weights) });
    expect(policy.name).toBe('dqn');
  }, 120_000);

  it('when the job runs twice in one week (two instances, or a restart) then it trains once', async () => {
    const activated: ModelFile[] = [];
    const { scheduler } = rig({ minImprovement: -1e9 }, activated, '2026-11-29T04:00:00Z'); // same week as the previous test
    await scheduler.runNow('policy-retrain');
    expect(scheduler.getStats()['policy-retrain']!.lastSummary).toEqual({ skipped: 'done this week' });
    expect(await h.deps.policyModels.list('dqn')).toHaveLength(2);
  });
});
