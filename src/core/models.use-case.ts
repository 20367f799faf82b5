/**
 * Twin calibrations and policy models: versioned, append-only. The latest twin parameter version wins;
 * exactly one policy model is active — the one named by the newest activation pointer (an insert, never
 * a racy update).
 */
import { audit } from './context.ts';
import { fail } from './error-codes.ts';
import type { CoreDeps } from './ports.ts';
import type { PolicyActivation, PolicyModelRecord, TwinParamsRecord } from './types.ts';

export async function saveTwinCalibration(
  deps: CoreDeps,
  athleteId: string,
  params: Record<string, unknown>,
  uncertainty?: Record<string, number>,
): Promise<TwinParamsRecord> {
  if (!(await deps.athletes.get(athleteId))) throw fail('ATHLETE.NOT_FOUND', 'I could not find that athlete.', { athleteId });
  const entry = { athleteId, params, source: 'calibration' as const, createdAt: deps.clock.now() };
  return deps.twinParams.append(uncertainty ? { ...entry, uncertainty } : entry);
}

export async function publishPolicyModel(deps: CoreDeps, model: Omit<PolicyModelRecord, 'id' | 'version' | 'createdAt'>): Promise<PolicyModelRecord> {
  if (!model.name || model.weights.byteLength === 0 || !model.featureSpec?.names?.length)
    throw fail('POLICY.MODEL_INVALID', 'A policy model needs a name, weights and a feature spec.');
  const saved = await deps.policyModels.publish({ ...model, createdAt: deps.clock.now() });
  await audit(deps, { system: 'retrain' }, 'policy.published', { kind: 'policy', id: saved.id }, { after: { name: saved.name, version: saved.version, evaluation: saved.evaluation } });
  return saved;
}

export async function activatePolicyModel(deps: CoreDeps, modelId: string, by: string, reason?: string): Promise<PolicyActivation> {
  const model = await deps.policyModels.get(modelId);
  if (!model) throw fail('POLICY.MODEL_NOT_FOUND', 'I could not find that policy model.', { modelId });
  const before = await deps.policyModels.active();
  const activation = await deps.policyModels.activate(modelId, by, deps.clock.now(), reason);
  await audit(deps, { system: by }, 'policy.activated', { kind: 'policy', id: modelId }, {
    before: before ? `${before.model.name}@${before.model.version}` : null,
    after: `${model.name}@${model.version}`,
    ...(reason ? { reason } : {}),
  });
  return activation;
}
