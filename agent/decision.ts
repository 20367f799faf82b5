/**
 * The engine's contract: one request per athlete-day in, one decision out. This is the shape of the
 * `twincoach decide` JSON-lines protocol and what src/core's prescribeForDay stores in a Prescription.
 * Implementations live in agent/ (state → mask → policy → explanation); callers never see tensors.
 */
import type { DailyObservation, SessionType, Sport } from '../twin/types.ts';

export type ConstraintKind = 'no_high_intensity' | 'max_load' | 'rest_only' | 'no_impact';

/** A coach-set constraint with its validity window (inclusive local dates; `to` open-ended if absent). */
export interface ConstraintInput {
  kind: ConstraintKind;
  /** For max_load: the maximum target load (TSS-scale) of a session. */
  value?: number;
  from: string;
  to?: string;
  reason?: string;
  /** Who set it (shown in reasons). */
  by?: string;
}

/** A coach override: the session to prescribe regardless of the policy. Overrides always win. */
export interface OverrideInput {
  type: SessionType;
  minutes?: number;
  reason: string;
  by: string;
}

export interface DecisionRequest {
  athleteId: string;
  /** The local day being prescribed, yyyy-mm-dd. */
  date: string;
  sport?: Sport;
  /** Daily history in date order, strictly before `date` (today's morning HRV/sleep may be on `date`). */
  history: DailyObservation[];
  constraints?: ConstraintInput[];
  override?: OverrideInput;
  /** Optional season context: a goal/event date the plan aims at. */
  goalDate?: string;
}

export interface SessionPlan {
  type: SessionType;
  minutes: number;
  targetLoad: number;
  intensity: string;
  description: string;
  /** Catalogue action id (stable across versions of the catalogue). */
  actionId?: number;
  dose?: string;
}

export interface BlockedAction {
  type: SessionType;
  /** The catalogue action blocked (type + dose). */
  actionId?: number;
  rule: string;
  reason: string;
}

/** A reason shown to the athlete; `text` always cites a number. */
export interface Reason {
  kind: 'mask' | 'driver' | 'margin' | 'whatif' | 'override' | 'constraint' | 'data';
  text: string;
  /** The number(s) cited, for rendering and checks. */
  values?: Record<string, number>;
}

export interface Decision {
  athleteId: string;
  date: string;
  session: SessionPlan;
  allowed: SessionType[];
  blocked: BlockedAction[];
  /** Ranked, most important first. */
  reasons: Reason[];
  /** Named state values used for the decision (ATL, CTL, TSB, ACWR, HRV z, …). */
  state: Record<string, number | boolean | string | null>;
  /** "<name>@<version>", or "override@<coach>" when a coach override decided. */
  policy: string;
  /**
   * With an override: the safety rules the coach's session breaks, each with the reason citing its numbers
   * (empty when the session was allowed). Absent without an override, or from an engine that does not say.
   */
  overrideBreaks?: { rule: string; reason: string }[];
}
