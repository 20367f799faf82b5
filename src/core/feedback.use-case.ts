/**
 * What athletes tell us: post-session feedback, the morning check-in, test results. All three land in the
 * one Feedback document of the athlete-day (slot "main" by default), so a second submission edits it and
 * never duplicates. A document is editable for 7 days after it was first given; new feedback for a day
 * more than 7 days ago is refused.
 *
 *   validate → load (athlete, the day's prescription) → merge into the day's document (under its lock)
 *            → save → update the twin online (best effort) → notify
 */
import type { Wellness } from '../../twin/types.ts';
import { loadProfile, optionsOf, publish, requireSelf, todayIn } from './context.ts';
import { fail } from './error-codes.ts';
import { addDays, daysBetween } from './local-time.ts';
import { buildHistory } from './observations.ts';
import type { CoreDeps } from './ports.ts';
import { COMPLETIONS, type Actor, type AthleteProfile, type Completion, type FeedbackRecord, type TestResultRecord } from './types.ts';
import { isSessionType, optionalText, requireDate, requireIntIn, shown } from './validation.ts';
import { SESSION_TYPES, type SessionType } from '../../twin/types.ts';

export interface FeedbackInput {
  date: string;
  /** "main" (the prescribed session) unless the athlete logs an extra session. */
  slot?: string;
  sessionType?: SessionType;
  rpe?: number;
  minutes?: number;
  completion?: Completion;
  /** 1–5, 5 = very sore. */
  soreness?: number;
  notes?: string;
  illness?: boolean;
  injury?: boolean;
}

export interface CheckinInput {
  date: string;
  /** Each 1–5, 5 = best (slept well, fresh, relaxed, good mood, not sore). */
  sleepQuality?: number;
  fatigue?: number;
  stress?: number;
  mood?: number;
  soreness?: number;
  illness?: boolean;
  injury?: boolean;
}

export interface TestResultInput {
  date: string;
  test: string;
  value: number;
  unit: string;
  /** Defaults from the unit: times (s, min) lower is better, everything else higher. */
  higherIsBetter?: boolean;
}

export interface FeedbackResult {
  feedback: FeedbackRecord;
  /** False when an existing document was edited. */
  created: boolean;
  /** A new twin parameter version was stored. */
  twinUpdated: boolean;
}

const WELLNESS_LABELS: Record<keyof Wellness, string> = {
  sleepQuality: 'Sleep quality',
  fatigue: 'Fatigue',
  stress: 'Stress',
  mood: 'Mood',
  soreness: 'Soreness',
};

function requireSlot(slot: string | undefined): string {
  const s = slot ?? 'main';
  if (!/^[a-z0-9_-]{1,20}$/.test(s)) throw fail('FEEDBACK.SLOT_INVALID', `Session slot must be a short name like main or extra-1; you sent ${shown(slot)}`);
  return s;
}

function validateFeedback(input: FeedbackInput): Partial<FeedbackRecord> {
  const out: Partial<FeedbackRecord> = {};
  if (input.rpe !== undefined) out.rpe = requireIntIn(input.rpe, 1, 10, 'FEEDBACK.RPE_OUT_OF_RANGE', 'RPE');
  if (input.minutes !== undefined) out.minutes = requireIntIn(input.minutes, 0, 600, 'FEEDBACK.MINUTES_OUT_OF_RANGE', 'Minutes');
  if (input.completion !== undefined) {
    if (!(COMPLETIONS as readonly string[]).includes(input.completion))
      throw fail('FEEDBACK.COMPLETION_INVALID', `Completion must be done, partial or skipped; you sent ${shown(input.completion)}`);
    out.completion = input.completion;
  }
  if (input.soreness !== undefined) out.soreness = requireIntIn(input.soreness, 1, 5, 'FEEDBACK.SORENESS_OUT_OF_RANGE', 'Soreness');
  if (input.sessionType !== undefined) {
    if (!isSessionType(input.sessionType)) throw fail('FEEDBACK.SESSION_TYPE_INVALID', `Session type must be one of ${SESSION_TYPES.join(', ')}; you sent ${shown(input.sessionType)}`);
    out.sessionType = input.sessionType;
  }
  const notes = optionalText(input.notes, 1000, 'FEEDBACK.NOTES_TOO_LONG', 'Notes');
  if (notes !== undefined) out.notes = notes;
  if (input.illness !== undefined) out.illness = input.illness === true;
  if (input.injury !== undefined) out.injury = input.injury === true;
  if (Object.keys(out).length === 0) throw fail('FEEDBACK.EMPTY', 'There was nothing in your feedback. Send at least an RPE, minutes or how it went.');
  return out;
}

function validateCheckin(input: CheckinInput): Partial<FeedbackRecord> {
  const wellness: Wellness = {};
  for (const k of Object.keys(WELLNESS_LABELS) as (keyof Wellness)[]) {
    const v = input[k];
    if (v !== undefined) wellness[k] = requireIntIn(v, 1, 5, 'FEEDBACK.WELLNESS_OUT_OF_RANGE', WELLNESS_LABELS[k]);
  }
  const out: Partial<FeedbackRecord> = {};
  if (Object.keys(wellness).length > 0) out.wellness = wellness;
  if (input.illness !== undefined) out.illness = input.illness === true;
  if (input.injury !== undefined) out.injury = input.injury === true;
  if (Object.keys(out).length === 0) throw fail('FEEDBACK.EMPTY', 'There was nothing in your check-in. Rate at least one item from 1 to 5.');
  return out;
}

const TIME_UNITS = new Set(['s', 'sec', 'secs', 'seconds', 'min', 'mins', 'minutes', 'ms', 'h']);

function validateTest(input: TestResultInput): TestResultRecord {
  const test = typeof input.test === 'string' ? input.test.trim() : '';
  if (test.length < 1 || test.length > 40) throw fail('TEST.NAME_INVALID', `Test name must be 1–40 characters, like 400m or FTP; you sent ${shown(input.test)}`);
  if (typeof input.value !== 'number' || !Number.isFinite(input.value) || input.value <= 0)
    throw fail('TEST.VALUE_INVALID', `Test value must be a positive number; you sent ${shown(input.value)}`);
  const unit = typeof input.unit === 'string' ? input.unit.trim() : '';
  if (unit.length < 1 || unit.length > 16) throw fail('TEST.UNIT_INVALID', `Test unit must be 1–16 characters, like s or W; you sent ${shown(input.unit)}`);
  return { test, value: input.value, unit, higherIsBetter: input.higherIsBetter ?? !TIME_UNITS.has(unit.toLowerCase()) };
}

/** The day's document with `patch` merged in; creates it when new. Handles the date and edit-window rules. */
async function saveDay(
  deps: CoreDeps,
  actor: Actor,
  date: string,
  slot: string,
  merge: (cur: FeedbackRecord) => FeedbackRecord,
): Promise<{ profile: AthleteProfile; feedback: FeedbackRecord; created: boolean }> {
  const profile = await loadProfile(deps, actor.personId);
  requireSelf(actor, profile.id, 'give feedback');
  const editDays = optionsOf(deps).feedbackEditDays;
  const today = todayIn(deps, profile.timezone);
  if (date > today) throw fail('FEEDBACK.DATE_IN_FUTURE', `${date} hasn’t happened yet in your time zone (today is ${today}).`);

  const saved = await deps.mutex.withLock(`fb:${profile.id}:${date}:${slot}`, async () => {
    const now = deps.clock.now();
    const cur = await deps.feedback.get(profile.id, date, slot);
    if (cur) {
      if (now.getTime() > cur.editableUntil.getTime())
        throw fail('FEEDBACK.LOCKED', `Your feedback for ${date} is locked: feedback can be changed for ${editDays} days after you give it.`, { editableUntil: cur.editableUntil.toISOString() });
      const next = { ...merge(cur), updatedAt: now, editCount: cur.editCount + 1 };
      await deps.feedback.replace(next);
      return { feedback: next, created: false };
    }
    if (daysBetween(date, today) > editDays)
      throw fail('FEEDBACK.TOO_OLD', `${date} is more than ${editDays} days ago, so I can’t take new feedback for it.`);
    const rx = slot === 'main' ? await deps.prescriptions.get(profile.id, date) : null;
    const fresh: FeedbackRecord = {
      id: deps.newId(),
      athleteId: profile.id,
      date,
      slot,
      tests: [],
      createdAt: now,
      updatedAt: now,
      editableUntil: new Date(now.getTime() + editDays * 86_400_000),
      editCount: 0,
    };
    if (rx) {
      fresh.sessionRef = rx.id;
      fresh.sessionType = rx.session.type;
    }
    const next = merge(fresh);
    if ((await deps.feedback.insert(next)) === 'duplicate') throw new Error('feedback insert raced although the day lock was held');
    return { feedback: next, created: true };
  });
  return { profile, ...saved };
}

/** Online twin update from the day's data; a failure is logged and never loses the feedback. */
async function updateTwin(deps: CoreDeps, profile: AthleteProfile, date: string): Promise<boolean> {
  try {
    const from = addDays(date, -optionsOf(deps).historyDays);
    const [current, metrics, feedback] = await Promise.all([
      deps.twinParams.latest(profile.id),
      deps.dailyMetrics.listRange([profile.id], from, date),
      deps.feedback.listRange([profile.id], from, date),
    ]);
    // buildHistory(date + 1) gives every day up to `date` in full.
    const history = buildHistory(addDays(date, 1), metrics, feedback);
    const observation = history.find((o) => o.date === date) ?? { date };
    const update = await deps.twin.update({ athleteId: profile.id, sport: profile.sport, level: profile.level, current, observation, history });
    if (!update) return false;
    const entry = { athleteId: profile.id, params: update.params, source: 'feedback' as const, basedOn: `feedback:${date}`, createdAt: deps.clock.now() };
    await deps.twinParams.append(update.uncertainty ? { ...entry, uncertainty: update.uncertainty } : entry);
    return true;
  } catch (err) {
    deps.logger?.warn({ component: 'core', athleteId: profile.id, date, err: (err as Error).message }, 'twin update from feedback failed');
    return false;
  }
}

async function finish(deps: CoreDeps, r: { profile: AthleteProfile; feedback: FeedbackRecord; created: boolean }): Promise<FeedbackResult> {
  const twinUpdated = await updateTwin(deps, r.profile, r.feedback.date);
  await publish(deps, { type: 'feedback.recorded', athleteId: r.profile.id, date: r.feedback.date, created: r.created });
  return { feedback: r.feedback, created: r.created, twinUpdated };
}

/** After a session: RPE, minutes, done/partial/skipped, soreness, notes. */
export async function recordFeedback(deps: CoreDeps, actor: Actor, input: FeedbackInput): Promise<FeedbackResult> {
  const date = requireDate(input.date);
  const slot = requireSlot(input.slot);
  const patch = validateFeedback(input);
  return finish(deps, await saveDay(deps, actor, date, slot, (cur) => ({ ...cur, ...patch })));
}

/** The morning check-in (wellness 1–5 each, illness/injury). */
export async function recordCheckin(deps: CoreDeps, actor: Actor, input: CheckinInput): Promise<FeedbackResult> {
  const date = requireDate(input.date);
  const patch = validateCheckin(input);
  return finish(
    deps,
    await saveDay(deps, actor, date, 'main', (cur) => {
      const next = { ...cur, ...patch };
      if (patch.wellness) next.wellness = { ...cur.wellness, ...patch.wellness };
      return next;
    }),
  );
}

/** A test result (e.g. 400m 52.3 s, FTP 280 W). The same test on the same day is replaced, not added. */
export async function recordTestResult(deps: CoreDeps, actor: Actor, input: TestResultInput): Promise<FeedbackResult> {
  const date = requireDate(input.date);
  const result = validateTest(input);
  return finish(
    deps,
    await saveDay(deps, actor, date, 'main', (cur) => ({
      ...cur,
      tests: [...cur.tests.filter((t) => t.test.toLowerCase() !== result.test.toLowerCase()), result],
    })),
  );
}
