/**
 * Conversions of vendor load figures to the canonical TSS scale (1 h at threshold = 100). Each returns the
 * converted value; callers keep the raw value and the method next to it (WorkoutRecord.rawLoad/loadMethod).
 * These are calibration assumptions, documented here and overridable per client, not vendor facts.
 */

/**
 * WHOOP strain is a logarithmic 0–21 score of cardiovascular load (WHOOP: "Strain … on a 0–21 scale", based on
 * Borg's scale; the scale flattens as load grows). We invert the logarithm so load becomes additive again:
 *
 *   TSS = anchorTss · (e^(strain / scale) − 1) / (e^(anchorStrain / scale) − 1)
 *
 * Defaults: strain 14 ≈ 1 h at threshold (100 TSS) and strain 18 ≈ 2.5× that (scale 4.5 fits both anchors),
 * strain 0 = 0 TSS. So strain 10 ≈ 38, 12 ≈ 63, 16 ≈ 159, 21 ≈ 491. Per-athlete calibration against
 * power/HR-based TSS should replace the anchors once we have overlapping data.
 */
export interface StrainCalibration {
  scale: number;
  anchorStrain: number;
  anchorTss: number;
}
export const DEFAULT_STRAIN_CALIBRATION: StrainCalibration = { scale: 4.5, anchorStrain: 14, anchorTss: 100 };

export function whoopStrainToTss(strain: number, c: StrainCalibration = DEFAULT_STRAIN_CALIBRATION): number {
  const s = Math.max(0, Math.min(21, strain));
  return (c.anchorTss * (Math.exp(s / c.scale) - 1)) / (Math.exp(c.anchorStrain / c.scale) - 1);
}

/**
 * Duration × intensity estimate when the vendor gives no load: TSS = hours · IF² · 100 with a nominal intensity
 * factor per label (Oura workouts carry intensity easy/moderate/hard; unknown → moderate).
 */
export const INTENSITY_FACTORS: Record<'easy' | 'moderate' | 'hard', number> = { easy: 0.65, moderate: 0.75, hard: 0.85 };

export function durationEstimateTss(minutes: number, intensity: 'easy' | 'moderate' | 'hard' = 'moderate'): number {
  const f = INTENSITY_FACTORS[intensity];
  return (minutes / 60) * f * f * 100;
}

/** Session-RPE (Foster): CR-10 RPE × minutes ≈ 4.5 × TSS (docs/domain.md). */
export function srpeToTss(rpe: number, minutes: number): number {
  return (rpe * minutes) / 4.5;
}
