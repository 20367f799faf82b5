export type { Policy, PolicyContext, PolicyInput } from './policy.ts';
export { fallbackAction, FALLBACK_ORDER } from './fallback.ts';
export { makePolicyInput } from './input.ts';
export { StaticPolicy, STATIC_PLAN, staticPlanAction } from './static.ts';
export type { StaticPolicyOptions } from './static.ts';
export { AcwrPolicy } from './acwr.ts';
export type { AcwrPolicyOptions } from './acwr.ts';
export { HrvPolicy } from './hrv.ts';
export type { HrvPolicyOptions } from './hrv.ts';
