/** Public API of the digital twin. twin/ imports nothing outside twin/. */
export * from './types.ts';
export { Rng, hashUniform, hashNormal, mix32 } from './rng.ts';
export {
  INTENSITY_FACTOR,
  STRENGTH_NEUROMUSCULAR_BONUS,
  MAX_SESSION_MINUTES,
  LOAD_PER_HOUR,
  loadPerHour,
  sessionLoad,
  minutesForLoad,
  sanitizeMinutes,
  type LoadParams,
} from './load.ts';
export {
  SPORT_MARKERS,
  PRIOR,
  bussoGains,
  defaultParams,
  sampleAthlete,
  generatePopulation,
  markerFromPerformance,
  performanceFromMarker,
  toTestResult,
  type AthleteParams,
  type SportMarker,
  type PopulationMix,
  type PopulationSpec,
} from './params.ts';
export { TwinBatch, STATE_FIELDS, type AthleteState, type StateField } from './dynamics.ts';
export { DEFAULT_NOISE, type NoiseConfig, type ObservationConfig } from './observe.ts';
export { TwinEnv, DEFAULT_REWARD, type TwinEnvOptions, type StepResult, type TwinTruth, type RewardConfig } from './env.ts';
export { periodizedSession, periodizedDailyLoad, BLOCK_WEEK_FACTORS, BLOCK_PROGRESSION } from './plans.ts';
export { whatIf, whatIfToday, whatIfBatch, type WhatIfDay, type WhatIfItem } from './whatif.ts';
export { replayState, replayStates, anchoredParams, type ReplayOptions, type ReplayRequest } from './replay.ts';
export {
  calibrate,
  Calibration,
  HRV_TAU_SLOW_GRID,
  GRID_TEMPER,
  type CalibrateOptions,
  type CalibrationEstimate,
  type ParamEstimate,
  type FeedbackItem,
} from './calibrate.ts';
