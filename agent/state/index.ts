export { computeState, dayLoad, projectedAcwr, stateConfig, DEFAULT_STATE_CONFIG } from './compute.ts';
export { encodeState, encodeStates, FEATURE_NAMES, FEATURE_COUNT, FEATURE_INDEX, FEATURE_VERSION } from './encode.ts';
export type { FeatureName } from './encode.ts';
export { epochDay, isoDate, addDays, dayOfWeek } from './dates.ts';
export type { AthleteState, HrvBand, StateConfig, StateFlag, StateOptions, TestTrend } from './types.ts';
