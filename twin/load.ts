/**
 * Session load on the TSS scale (one hour at threshold = 100 points).
 *
 * TSS = IF² × hours × 100 (Coggan). Each session type has a representative intensity factor (IF):
 *   ACTIVE_RECOVERY 0.55, ENDURANCE 0.70, TEMPO 0.85, INTERVALS 1.00 (work + recoveries averaged),
 *   STRENGTH 0.75-equivalent plus a neuromuscular/impact component (+25 %) that heart-rate based TSS
 *   misses (heavy eccentric work).
 * So one hour is worth: REST 0, ACTIVE_RECOVERY 30.25, ENDURANCE 49, TEMPO 72.25, INTERVALS 100,
 * STRENGTH 70.3.
 *
 * Other modules (agent/ action catalogue) import these to derive target loads: the names and default
 * numbers are part of the public API — change them only with a note in twin/README.md.
 */
import { SESSION_TYPES, type SessionType } from './types.ts';

/** Representative intensity factor per session type. */
export const INTENSITY_FACTOR: Readonly<Record<SessionType, number>> = Object.freeze({
  REST: 0,
  ACTIVE_RECOVERY: 0.55,
  ENDURANCE: 0.7,
  TEMPO: 0.85,
  INTERVALS: 1.0,
  STRENGTH: 0.75,
});

/** Extra load fraction for the neuromuscular / impact component of strength work. */
export const STRENGTH_NEUROMUSCULAR_BONUS = 0.25;

/** Longest session the twin accepts (minutes in a day); longer inputs are clamped. */
export const MAX_SESSION_MINUTES = 1440;

export interface LoadParams {
  /** Per-athlete override of the intensity factor of some session types. */
  intensityFactor?: Partial<Record<SessionType, number>>;
  /** Override of the strength neuromuscular bonus (fraction, default 0.25). */
  strengthNeuromuscularBonus?: number;
}

/** TSS points per hour of a session type. */
export function loadPerHour(type: SessionType, params?: LoadParams): number {
  const ifOverride = params?.intensityFactor?.[type];
  const f = ifOverride !== undefined && Number.isFinite(ifOverride) && ifOverride >= 0 ? ifOverride : INTENSITY_FACTOR[type];
  let perHour = f * f * 100;
  if (type === 'STRENGTH') {
    const b = params?.strengthNeuromuscularBonus;
    perHour *= 1 + (b !== undefined && Number.isFinite(b) && b >= 0 ? b : STRENGTH_NEUROMUSCULAR_BONUS);
  }
  return perHour;
}

/** Clamp minutes to [0, MAX_SESSION_MINUTES]; NaN and negatives count as 0. */
export function sanitizeMinutes(minutes: number): number {
  if (!(minutes > 0)) return 0; // NaN, negatives, -Infinity
  return minutes > MAX_SESSION_MINUTES ? MAX_SESSION_MINUTES : minutes;
}

/**
 * Load (TSS-scale points) of a session: IF² × hours × 100, plus the strength bonus.
 * REST is always 0. Minutes are sanitised (see sanitizeMinutes).
 */
export function sessionLoad(type: SessionType, minutes: number, params?: LoadParams): number {
  if (type === 'REST') return 0;
  return (loadPerHour(type, params) * sanitizeMinutes(minutes)) / 60;
}

/** Inverse of sessionLoad: minutes of `type` that produce `load` points (REST → 0). */
export function minutesForLoad(type: SessionType, load: number, params?: LoadParams): number {
  if (type === 'REST' || !(load > 0)) return 0;
  return sanitizeMinutes((load * 60) / loadPerHour(type, params));
}

/** Default load per hour indexed like SESSION_TYPES (for typed-array code). */
export const LOAD_PER_HOUR: Float64Array = Float64Array.from(SESSION_TYPES.map((t) => loadPerHour(t)));
