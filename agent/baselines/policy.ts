import type { Level, Sport } from '../../twin/types.ts';
import type { AthleteState } from '../state/types.ts';

/**
 * What a policy knows about the athlete and the day besides the state.
 * `dayIndex` counts days from the start of the plan / episode (0 = first day); rule-based plans use it
 * for their weekly pattern, learned policies may ignore it.
 */
export interface PolicyContext {
  sport: Sport;
  level?: Level;
  /** Days since the start of the plan or episode (0 = first day). */
  dayIndex: number;
  /** The day being decided (yyyy-mm-dd), equal to state.date. */
  date: string;
  athleteId?: string;
  seasonStart?: string;
  goalDate?: string;
}

/** One athlete-day to decide. */
export interface PolicyInput {
  state: AthleteState;
  /** encodeState(state): FEATURE_NAMES order, FEATURE_COUNT values. */
  features: Float32Array;
  /** mask[actionId] = allowed (computeMask(...).mask). mask[REST] is always true. */
  mask: readonly boolean[];
  context: PolicyContext;
}

/**
 * Every coaching policy, rule-based or learned, implements this.
 *
 * Contract:
 * - `decide` is batched: one action id (index into ACTIONS) per input, same order and length.
 * - It never returns an action whose mask entry is false (use `fallbackAction` when the preferred action
 *   is blocked); REST (0) is always allowed, so a valid answer always exists.
 * - It does not mutate its inputs. Given the same inputs (and seed, for stochastic policies) it returns
 *   the same answer.
 * - No tensors cross this interface: plain numbers in, plain numbers out.
 */
export interface Policy {
  /** Short stable identifier, e.g. 'static', 'acwr', 'hrv', 'dqn'. */
  readonly name: string;
  /** Version of the policy's rules or weights (bump when behaviour changes). */
  readonly version: string;
  decide(inputs: readonly PolicyInput[]): number[];
}
