import type { SessionType, Sport } from '../../twin/types.ts';
import type { AthleteState } from '../state/types.ts';

/** Validity window of a coach constraint: inclusive yyyy-mm-dd bounds, either may be open. */
export interface ConstraintWindow {
  from?: string;
  to?: string;
  /** Optional id / note from the coach, quoted in the reason. */
  id?: string;
  note?: string;
}

/**
 * A coach's constraint.
 * - no_high_intensity: no TEMPO or INTERVALS sessions (strength stays allowed).
 * - max_load: no session with a planned load above `value` (TSS scale).
 * - rest_only: REST only.
 * - no_impact: no running, sprinting or jumping sessions (which actions that blocks depends on the sport,
 *   see isImpact in agent/actions).
 */
export type Constraint = ConstraintWindow &
  ({ type: 'no_high_intensity' } | { type: 'rest_only' } | { type: 'no_impact' } | { type: 'max_load'; value: number });
export type ConstraintType = Constraint['type'];

export type RuleId =
  | 'illness'
  | 'coach_rest_only'
  | 'injury'
  | 'coach_no_impact'
  | 'coach_max_load'
  | 'no_rest'
  | 'rhr_very_high'
  | 'acute_red_flags'
  | 'acwr_danger'
  | 'hrv_below_band'
  | 'rhr_short_sleep'
  | 'hrv_falling'
  | 'consecutive_hard'
  | 'coach_no_high_intensity'
  | 'ctl_ramp'
  | 'acwr_projected'
  | 'acwr_cold_start';

export interface MaskConfig {
  /** ACWR at or above this: no hard session and no long endurance (Gabbett 2016 danger zone). */
  acwrDanger: number;
  /** Projected ACWR after today's planned load at or above this: that action is blocked. */
  acwrProjectedDanger: number;
  /** Daily lnRMSSD falling this many days in a row: no hard session (Kiviniemi 2007). */
  hrvFallingDays: number;
  /** Resting HR this far above baseline (bpm)… */
  rhrElevatedBpm: number;
  /** …together with sleep at or below this (h): no hard session. */
  shortSleepHours: number;
  /** Resting HR this far above baseline (bpm) on its own: rest or recovery only. */
  rhrVeryHighBpm: number;
  /** Hard days in a row (ending yesterday) at or above this: no hard session today. */
  maxConsecutiveHard: number;
  /** Training days in a row (since the last rest day) at or above this: rest or recovery only. */
  maxTrainingDaysInRow: number;
  /** Acute red flags: resting HR at least this far above baseline (bpm) is one sign… */
  acuteRhrBpm: number;
  /** …today's HRV this many baseline SDs (daily lnRMSSD) below the baseline mean or lower is one sign… */
  acuteHrvTodayZ: number;
  /** …last night's sleep at or below this (h) is one sign… */
  acuteSleepHours: number;
  /** …soreness reported (today or yesterday) at or above this (1–5) is one sign… */
  acuteSoreness: number;
  /** …and this many signs together: no hard and no long session. */
  acuteSignsNeeded: number;
  /** CTL ramp (points per week) above this: no session with planned load above CTL. */
  ctlRampMax: number;
  /** While ACWR is undefined (cold start): block the long hard doses. */
  coldStartBlocksLongHard: boolean;
}

export interface MaskInput {
  state: AthleteState;
  sport: Sport;
  /** Coach constraints; only those whose window contains the state's date apply. */
  constraints?: readonly Constraint[];
}

/** One rule that fired: which actions it blocks and why (with the numbers). */
export interface RuleHit {
  rule: RuleId;
  /** Position in the severity order (0 = most severe). */
  severity: number;
  reason: string;
  actionIds: number[];
}

export interface BlockedAction {
  actionId: number;
  key: string;
  type: SessionType;
  /** Most severe rule blocking this action, and its reason (action-specific numbers where relevant). */
  rule: RuleId;
  reason: string;
  /** Every rule that blocks this action, most severe first. */
  rules: RuleId[];
}

export interface MaskResult {
  /** mask[actionId] = true when allowed. Length ACTION_COUNT; mask[REST] is always true. */
  mask: boolean[];
  /** Allowed action ids, ascending (always contains REST = 0). */
  allowed: number[];
  /** One entry per blocked action, ascending by action id. */
  blocked: BlockedAction[];
  /** All rules that fired, most severe first. */
  hits: RuleHit[];
}
