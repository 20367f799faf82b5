/**
 * Readiness band for the team board: green / amber / red with the reasons, each citing its number.
 * Pure. Input is a state snapshot — a prescription's `state` (the engine's named values) or an
 * AthleteState computed on the spot — read through these keys:
 *
 *   acwr               Williams EWMA acute:chronic ratio (docs/domain.md: ≥ 1.5 danger zone, 1.3 top of the sweet spot)
 *   hrvZ               7-day lnRMSSD vs 60-day baseline in SDs (band = ±0.5 SD, the smallest worthwhile change)
 *   hrvBand            'below' | 'inside' | 'above' | 'unknown'
 *   restingHrDeviation bpm above the usual resting HR (3–5 bpm is a warning sign)
 *   sleepHoursToday    last night's sleep (≤ 6 h lowers performance, Craven 2022)
 *   illness, injury    reported
 *
 * Thresholds (our calibration, stated here so the coach can read them):
 *   red   ACWR ≥ 1.5 · HRV z ≤ −1.5 · resting HR ≥ +5 bpm · sleep < 5 h · illness or injury
 *   amber ACWR ≥ 1.3 · HRV below band (z < −0.5) · resting HR ≥ +3 bpm · sleep < 6 h ·
 *         no morning reading today (HRV, resting HR or sleep): load figures alone never make a day green
 */
export type Band = 'green' | 'amber' | 'red';

export interface ReadinessInputs {
  acwr?: number;
  hrvZ?: number;
  hrvBand?: string;
  restingHrDeviation?: number;
  sleepHoursToday?: number;
  illness?: boolean;
  injury?: boolean;
}

export interface Readiness {
  band: Band;
  reasons: string[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Pick the readiness keys out of any state snapshot (unknown keys ignored, non-numbers dropped). */
export function readinessInputs(state: Record<string, unknown> | undefined | null): ReadinessInputs {
  if (!state) return {};
  const out: ReadinessInputs = {};
  const acwr = num(state.acwr);
  if (acwr !== undefined) out.acwr = acwr;
  const z = num(state.hrvZ);
  if (z !== undefined) out.hrvZ = z;
  if (typeof state.hrvBand === 'string') out.hrvBand = state.hrvBand;
  const rhr = num(state.restingHrDeviation);
  if (rhr !== undefined) out.restingHrDeviation = rhr;
  const sleep = num(state.sleepHoursToday);
  if (sleep !== undefined) out.sleepHoursToday = sleep;
  if (state.illness === true) out.illness = true;
  if (state.injury === true) out.injury = true;
  return out;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

export function readiness(s: ReadinessInputs): Readiness {
  const red: string[] = [];
  const amber: string[] = [];
  if (s.illness) red.push('illness reported');
  if (s.injury) red.push('injury reported');
  if (s.acwr !== undefined) {
    if (s.acwr >= 1.5) red.push(`ACWR ${r2(s.acwr)} ≥ 1.5 (load spike)`);
    else if (s.acwr >= 1.3) amber.push(`ACWR ${r2(s.acwr)} above the 0.8–1.3 sweet spot`);
  }
  const hrvBelow = s.hrvBand === 'below' || (s.hrvZ !== undefined && s.hrvZ < -0.5);
  if (s.hrvZ !== undefined && s.hrvZ <= -1.5) red.push(`HRV z ${r1(s.hrvZ)} far below baseline`);
  else if (hrvBelow) amber.push(s.hrvZ !== undefined ? `HRV z ${r1(s.hrvZ)} below the normal band (−0.5)` : 'HRV below the normal band');
  if (s.restingHrDeviation !== undefined) {
    if (s.restingHrDeviation >= 5) red.push(`resting HR +${r1(s.restingHrDeviation)} bpm above usual`);
    else if (s.restingHrDeviation >= 3) amber.push(`resting HR +${r1(s.restingHrDeviation)} bpm above usual`);
  }
  if (s.sleepHoursToday !== undefined) {
    if (s.sleepHoursToday < 5) red.push(`slept ${r1(s.sleepHoursToday)} h (< 5 h)`);
    else if (s.sleepHoursToday < 6) amber.push(`slept ${r1(s.sleepHoursToday)} h (< 6 h)`);
  }
  const morning = s.hrvZ !== undefined || (s.hrvBand !== undefined && s.hrvBand !== 'unknown') || s.restingHrDeviation !== undefined || s.sleepHoursToday !== undefined;
  if (!morning) amber.push('no morning readings today (HRV, resting HR or sleep)');
  if (red.length > 0) return { band: 'red', reasons: [...red, ...amber] };
  if (amber.length > 0) return { band: 'amber', reasons: amber };
  const ok: string[] = [];
  if (s.acwr !== undefined) ok.push(`ACWR ${r2(s.acwr)}`);
  if (s.hrvZ !== undefined) ok.push(`HRV z ${r1(s.hrvZ)}`);
  if (s.sleepHoursToday !== undefined) ok.push(`slept ${r1(s.sleepHoursToday)} h`);
  return { band: 'green', reasons: ok.length > 0 ? [`within normal ranges: ${ok.join(', ')}`] : ['within normal ranges'] };
}
