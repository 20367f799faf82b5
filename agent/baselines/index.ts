export type { Policy, PolicyContext, PolicyInput } from './policy.ts';
export { fallbackAction, FALLBACK_ORDER } from './fallback.ts';
export { makePolicyInput } from './input.ts';
export { StaticPolicy, STATIC_PLAN, staticPlanAction } from './static.ts';
export type { StaticPolicyOptions } from './static.ts';
export { AcwrPolicy } from './acwr.ts';
export type { AcwrPolicyOptions } from './acwr.ts';
export { HrvPolicy } from './hrv.ts';
export type { HrvPolicyOptions } from './hrv.ts';
export { GreedyPolicy, calibratedTwinSource } from './greedy.ts';
export type { GreedyPolicyOptions, TwinSource, CalibratedTwinSourceOptions } from './greedy.ts';
export {
  TabularQPolicy,
  QTable,
  trainTabularQ,
  stateIndex,
  stateBins,
  stateKey,
  parseStateKey,
  DISCRETIZER,
  STATE_COUNT,
  DEFAULT_TABULAR_Q,
} from './tabular-q.ts';
export type { TabularQConfig, TabularQJson, TabularQPolicyOptions, TabularQTrainingInfo, TrainTabularQOptions } from './tabular-q.ts';
