import type { DailyObservation } from '../../twin/types.ts';
import { computeState } from '../state/compute.ts';
import { encodeState } from '../state/encode.ts';
import type { StateOptions } from '../state/types.ts';
import { computeMask } from '../mask/compute.ts';
import type { Constraint, MaskConfig, MaskResult } from '../mask/types.ts';
import type { PolicyContext, PolicyInput } from './policy.ts';

/**
 * Build one PolicyInput from raw history: state → features → mask. The morning job and tests use this;
 * the full mask result (with reasons) is returned next to the input for explanations.
 */
export function makePolicyInput(
  history: readonly DailyObservation[],
  context: PolicyContext,
  options: { state?: StateOptions; constraints?: readonly Constraint[]; mask?: Partial<MaskConfig> } = {},
): { input: PolicyInput; maskResult: MaskResult } {
  const stateOptions: StateOptions = { ...options.state };
  if (context.seasonStart !== undefined && stateOptions.seasonStart === undefined) stateOptions.seasonStart = context.seasonStart;
  if (context.goalDate !== undefined && stateOptions.goalDate === undefined) stateOptions.goalDate = context.goalDate;
  const state = computeState(history, context.date, stateOptions);
  const maskResult = computeMask({ state, sport: context.sport, constraints: options.constraints ?? [] }, options.mask);
  return { input: { state, features: encodeState(state), mask: maskResult.mask, context }, maskResult };
}
