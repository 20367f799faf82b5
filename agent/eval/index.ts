/** Evaluation harness: run policies on twin populations with the same seeds and compare them. */
export { evaluatePolicy, resolvePopulation, SUPPRESSED_HRV_Z, ACWR_DANGER, CTL_RAMP_LIMIT } from './evaluate.ts';
export { compareBaselines, greedyOnTrueTwin, TABULAR_Q_BUDGET, type CompareOptions } from './compare.ts';
export { formatMarkdownTable, formatLegend, writeReportJson } from './format.ts';
export { AlwaysRestPolicy } from './reference.ts';
export { envTwinSource, envCalibratedTwinSource } from './twin-source.ts';
export type { AthleteOutcome, ComparisonReport, EvalContext, EvalOptions, PolicyReport, PolicySpec, SportOutcome } from './types.ts';
