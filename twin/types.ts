/**
 * Shared vocabulary of the twin: session types, sports, levels and the canonical daily observation.
 *
 * The observation shape is the same one wearables produce after mapping (see src/core), so that twin
 * data and real data flow through the same state engine (agent/state). Every field but `date` is
 * optional: a day with no wearable worn has no HRV, and so on.
 */

export const SESSION_TYPES = [
  'REST',
  'ACTIVE_RECOVERY',
  'ENDURANCE',
  'TEMPO',
  'INTERVALS',
  'STRENGTH',
] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

/** Index of a session type in SESSION_TYPES (used on typed arrays). */
export const SESSION_INDEX: Readonly<Record<SessionType, number>> = Object.freeze(
  Object.fromEntries(SESSION_TYPES.map((t, i) => [t, i])) as Record<SessionType, number>,
);

/** Sessions that count as "hard" for recovery rules (threshold or above, or heavy strength). */
export const HARD_SESSIONS: ReadonlySet<SessionType> = new Set(['TEMPO', 'INTERVALS', 'STRENGTH']);

export const SPORTS = ['running', 'cycling', 'sprint400', 'team'] as const;
export type Sport = (typeof SPORTS)[number];

export const LEVELS = ['novice', 'recreational', 'trained', 'elite'] as const;
export type Level = (typeof LEVELS)[number];

/** Wellness check-in, each item 1–5 where 5 is best (sleep quality, low fatigue, low stress, good mood, low soreness). */
export interface Wellness {
  sleepQuality?: number;
  fatigue?: number;
  stress?: number;
  mood?: number;
  soreness?: number;
}

/** A test result in the sport's own units (e.g. 400 m in seconds, 5 km in seconds, FTP in watts). */
export interface TestResult {
  test: string;
  value: number;
  unit: string;
  /** true when a higher value is better (FTP watts), false for times. */
  higherIsBetter: boolean;
}

/**
 * One athlete's local calendar day. `date` is ISO yyyy-mm-dd in the athlete's own time zone.
 * Units: hrvRmssd ms (rMSSD), restingHr bpm, sleepHours h (sleep belongs to the day you wake up),
 * sleepScore 0–100, load in TSS-scale points (1 h at threshold = 100), rpe CR-10 (1–10),
 * soreness 1–5 (5 = very sore), minutes of training.
 */
export interface DailyObservation {
  date: string;
  hrvRmssd?: number;
  restingHr?: number;
  sleepHours?: number;
  sleepScore?: number;
  load?: number;
  rpe?: number;
  soreness?: number;
  sessionType?: SessionType;
  minutes?: number;
  completion?: 'done' | 'partial' | 'skipped';
  wellness?: Wellness;
  testResult?: TestResult;
  /** Reported (or simulated) illness / injury that day. */
  illness?: boolean;
  injury?: boolean;
}

/** A session as the twin executes it. */
export interface Session {
  type: SessionType;
  minutes: number;
}
