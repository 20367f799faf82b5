export { acuteSigns, computeMask, computeMasks, constraintApplies, DEFAULT_MASK_CONFIG, RULE_ORDER } from './compute.ts';
export type { BlockedAction, Constraint, ConstraintType, ConstraintWindow, MaskConfig, MaskInput, MaskResult, RuleHit, RuleId } from './types.ts';
