/**
 * Stored days → the agent's DailyObservation[]. Pure: no I/O, inputs untouched, output in date order with
 * only defined keys (so the inputs hash is stable).
 *
 * For the day being prescribed (`date`) only the morning readings go in — HRV, resting HR, sleep, the
 * morning check-in, illness/injury — because that day's session is what is being decided. Earlier days
 * get everything: wearable metrics, the session's RPE/minutes/completion and test results.
 *
 * A day's session type comes from the athlete's feedback when they named it, else from that day's
 * prescription once the athlete reported doing (or skipping) it. Load comes from the wearables; when
 * there is none the agent imputes it from RPE × minutes (agent/state).
 */
import { computeState, type AthleteState } from '../../agent/state/index.ts';
import type { DailyObservation, TestResult } from '../../twin/types.ts';
import { addDays } from './local-time.ts';
import type { DailyMetricsRecord, FeedbackRecord, PrescriptionRecord } from './types.ts';

export interface DayRecords {
  metrics?: DailyMetricsRecord;
  feedback: FeedbackRecord[];
  prescription?: PrescriptionRecord;
}

/** The feedback of the main slot first, extra slots after (stable order). */
function orderedFeedback(list: readonly FeedbackRecord[]): FeedbackRecord[] {
  return [...list].sort((a, b) => (a.slot === 'main' ? -1 : b.slot === 'main' ? 1 : a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : 0));
}

/** One stored day → one observation (full day, or morning readings only). */
export function toObservation(date: string, day: DayRecords, morningOnly = false): DailyObservation {
  const o: DailyObservation = { date };
  const f = day.metrics?.fields;
  if (f?.hrvRmssd) o.hrvRmssd = f.hrvRmssd.value;
  if (f?.restingHr) o.restingHr = f.restingHr.value;
  if (f?.sleepHours) o.sleepHours = f.sleepHours.value;
  if (f?.sleepScore) o.sleepScore = f.sleepScore.value;

  const fb = orderedFeedback(day.feedback);
  const main = fb[0];
  for (const x of fb) {
    if (x.wellness && Object.keys(x.wellness).length > 0 && !o.wellness) o.wellness = { ...x.wellness };
    if (x.illness) o.illness = true;
    if (x.injury) o.injury = true;
  }
  if (morningOnly) return o;

  if (f?.load) o.load = f.load.value;
  if (main) {
    if (main.rpe !== undefined) o.rpe = main.rpe;
    if (main.soreness !== undefined) o.soreness = main.soreness;
    if (main.completion !== undefined) o.completion = main.completion;
    const minutes = fb.reduce((sum, x) => sum + (x.minutes ?? 0), 0);
    if (fb.some((x) => x.minutes !== undefined)) o.minutes = minutes;
    const type = main.sessionType ?? (main.completion !== undefined ? day.prescription?.session.type : undefined);
    if (type !== undefined) o.sessionType = type;
    const tests = fb.flatMap((x) => x.tests);
    const last = tests[tests.length - 1];
    if (last) o.testResult = { test: last.test, value: last.value, unit: last.unit, higherIsBetter: last.higherIsBetter } satisfies TestResult;
  }
  return o;
}

/**
 * The history handed to the engine for `date`: every stored day before it (full) and `date` itself
 * (morning readings), in date order. Records of other athletes or outside the range must be filtered by
 * the caller; records after `date` are ignored.
 */
export function buildHistory(
  date: string,
  metrics: readonly DailyMetricsRecord[],
  feedback: readonly FeedbackRecord[],
  prescriptions: readonly PrescriptionRecord[] = [],
): DailyObservation[] {
  const days = new Map<string, DayRecords>();
  const day = (d: string) => {
    let r = days.get(d);
    if (!r) days.set(d, (r = { feedback: [] }));
    return r;
  };
  for (const m of metrics) if (m.date <= date) day(m.date).metrics = m;
  for (const x of feedback) if (x.date <= date) day(x.date).feedback.push(x);
  for (const p of prescriptions) if (p.date < date && days.has(p.date)) days.get(p.date)!.prescription = p;
  const out: DailyObservation[] = [];
  for (const d of [...days.keys()].sort()) {
    const obs = toObservation(d, days.get(d)!, d === date);
    if (Object.keys(obs).length > 1) out.push(obs);
  }
  return out;
}

/**
 * The one window every surface computes an athlete's state from: the `historyDays` days before `date`
 * (full) and the morning of `date`, exactly what prescribeMany hands the engine. Fitness (CTL, 42-day) and
 * fatigue (ATL, 7-day) start from 0 at the window's first day, so a surface using a longer or shorter
 * window, or another day boundary, would show other numbers for the same morning (issue 17).
 */
export function historyForDay(
  date: string,
  historyDays: number,
  metrics: readonly DailyMetricsRecord[],
  feedback: readonly FeedbackRecord[],
): DailyObservation[] {
  const lo = addDays(date, -historyDays);
  return buildHistory(
    date,
    metrics.filter((m) => m.date >= lo),
    feedback.filter((f) => f.date >= lo),
  );
}

/** The athlete's state on the morning of `date` (loads up to the day before), from historyForDay. */
export function morningState(
  date: string,
  historyDays: number,
  metrics: readonly DailyMetricsRecord[],
  feedback: readonly FeedbackRecord[],
  goalDate?: string,
): AthleteState {
  return computeState(historyForDay(date, historyDays, metrics, feedback), date, goalDate ? { goalDate } : {});
}
