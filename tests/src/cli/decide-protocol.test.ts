import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseDecideLine } from '../../../src/cli/decide-protocol.ts';
import { SESSION_TYPES } from '../../../twin/types.ts';

const ok = { athleteId: 'a1', date: '2026-11-22', history: [{ date: '2026-11-20', load: 50 }, { date: '2026-11-21', hrvRmssd: 60 }] };

describe('decide protocol', () => {
  it('when a line is a valid request then it is parsed with its history', () => {
    const r = parseDecideLine(JSON.stringify(ok), 1);
    expect(r).toEqual({ ok: true, request: ok });
  });

  it.each([
    ['not json', 'DECIDE.INVALID_JSON', /line 3 is not valid JSON/],
    ['[1,2]', 'DECIDE.INVALID_REQUEST', /must be a JSON object/],
    [JSON.stringify({ date: '2026-11-22', history: [] }), 'DECIDE.MISSING_FIELD', /^athleteId is required$/],
    [JSON.stringify({ athleteId: 'a', history: [] }), 'DECIDE.MISSING_FIELD', /^date is required$/],
    [JSON.stringify({ athleteId: 'a', date: '2026-11-22' }), 'DECIDE.MISSING_FIELD', /^history is required$/],
    [JSON.stringify({ ...ok, date: '2026-02-30' }), 'DECIDE.INVALID_FIELD', /^date is not a real calendar date$/],
    [JSON.stringify({ ...ok, history: [{ date: '2026-11-20', load: 'lots' }] }), 'DECIDE.INVALID_FIELD', /^history\[0\]\.load must be number \(got "lots"\)$/],
    [JSON.stringify({ ...ok, athleteId: 7 }), 'DECIDE.INVALID_FIELD', /^athleteId must be string \(got 7\)$/],
    [JSON.stringify({ ...ok, history: 'none' }), 'DECIDE.INVALID_FIELD', /^history must be array \(got "none"\)$/],
    [JSON.stringify({ ...ok, history: [{ date: '2026-11-21' }, { date: '2026-11-20' }] }), 'DECIDE.HISTORY_OUT_OF_ORDER', /history\[1\]\.date 2026-11-20 is not after history\[0\]\.date 2026-11-21/],
    [JSON.stringify({ ...ok, history: [{ date: '2026-11-23' }] }), 'DECIDE.HISTORY_AFTER_DATE', /after the requested date/],
    [JSON.stringify({ ...ok, sport: 'chess' }), 'DECIDE.INVALID_FIELD', /^sport /],
    [JSON.stringify({ ...ok, history: [{ date: '2026-11-21', hrvRmssd: -5 }] }), 'DECIDE.INVALID_FIELD', /^history\[0\]\.hrvRmssd /],
  ])('when the line is %s then the error code is %s', (line, code, message) => {
    const r = parseDecideLine(line, 3);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.line).toBe(3);
    expect(r.error.error.code).toBe(code);
    expect(r.error.error.message).toMatch(message);
  });
});

describe('decide protocol: nested values', () => {
  it.each([
    [{ date: '2026-11-20', wellness: { mood: 9 } }, 'history[0].wellness.mood must be between 1 and 5 (got 9)'],
    [{ date: '2026-11-20', wellness: 'great' }, 'history[0].wellness must be object (got "great")'],
    [{ date: '2026-11-20', testResult: { test: '5k', value: 'fast', unit: 's', higherIsBetter: false } }, /^history\[0\]\.testResult\.value /],
    [{ date: '2026-11-20', sessionType: 'YOGA' }, /^history\[0\]\.sessionType must be one of REST, /],
    [{ load: 50 }, 'history[0].date is required'],
  ])('when a history entry is %j then the message is exact', (entry, message) => {
    const r = parseDecideLine(JSON.stringify({ athleteId: 'a', date: '2026-11-22', history: [entry] }), 1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.error.message).toMatch(typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message);
  });
});

// ---------------------------------------------------------------------------------------------------
// The history-entry checks as first written (a table of numeric fields read by key, Date.parse for real
// dates): the reference the faster checks must agree with, message for message.

const referenceIsRealDate = (s: unknown): boolean =>
  typeof s === 'string' &&
  s.length === 10 &&
  /^\d{4}-\d{2}-\d{2}$/.test(s) &&
  !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
  new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const REFERENCE_NUMERIC: [key: string, min: number, max: number][] = [
  ['hrvRmssd', 1, 400],
  ['restingHr', 20, 150],
  ['sleepHours', 0, 24],
  ['sleepScore', 0, 100],
  ['load', 0, 2000],
  ['rpe', 0, 10],
  ['soreness', 1, 5],
  ['minutes', 0, 1440],
];
const referenceTestResult = z.object({ test: z.string().min(1).max(60), value: z.number().finite(), unit: z.string().max(20), higherIsBetter: z.boolean() });
const got = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v));

function referenceEntryProblem(e: unknown, i: number): string | undefined {
  const at = `history[${i}]`;
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return `${at} must be object (got ${got(e)})`;
  const o = e as Record<string, unknown>;
  if (o.date === undefined) return `${at}.date is required`;
  if (!referenceIsRealDate(o.date)) return `${at}.date must be a real date yyyy-mm-dd (got ${got(o.date)})`;
  for (const [key, min, max] of REFERENCE_NUMERIC) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${at}.${key} must be number (got ${got(v)})`;
    if (v < min || v > max) return `${at}.${key} must be between ${min} and ${max} (got ${v})`;
  }
  if (o.sessionType !== undefined && !(SESSION_TYPES as readonly unknown[]).includes(o.sessionType)) return `${at}.sessionType must be one of ${SESSION_TYPES.join(', ')} (got ${got(o.sessionType)})`;
  if (o.completion !== undefined && !['done', 'partial', 'skipped'].includes(o.completion as string)) return `${at}.completion must be done, partial or skipped (got ${got(o.completion)})`;
  for (const key of ['illness', 'injury'] as const) if (o[key] !== undefined && typeof o[key] !== 'boolean') return `${at}.${key} must be boolean (got ${got(o[key])})`;
  if (o.wellness !== undefined) {
    const w = o.wellness;
    if (w === null || typeof w !== 'object' || Array.isArray(w)) return `${at}.wellness must be object (got ${got(w)})`;
    for (const [k, v] of Object.entries(w as Record<string, unknown>)) {
      if (!['sleepQuality', 'fatigue', 'stress', 'mood', 'soreness'].includes(k)) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${at}.wellness.${k} must be number (got ${got(v)})`;
      if (v < 1 || v > 5) return `${at}.wellness.${k} must be between 1 and 5 (got ${v})`;
    }
  }
  if (o.testResult !== undefined) {
    const r = referenceTestResult.safeParse(o.testResult);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      return `${at}.testResult.${issue.path.join('.')} ${issue.message}`;
    }
  }
  return undefined;
}

/** Values of every wrong JSON type. */
const wrongTypeArb = fc.constantFrom<unknown>(null, true, false, 'x', '5', [], {}, [1], { a: 1 });
/** Mostly a valid value, sometimes an invalid one (about one generated history in ten is valid throughout). */
const mostly = (valid: fc.Arbitrary<unknown>, invalid: fc.Arbitrary<unknown>) => fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: invalid });
/** A number in [min, max] (boundaries included), or just outside, or not a number. */
const numberIn = (min: number, max: number) =>
  mostly(fc.oneof(fc.constantFrom(min, max), fc.double({ min, max, noNaN: true })), fc.oneof(fc.constantFrom(min - 1, min - 0.01, max + 0.01, max + 1, 1e308), wrongTypeArb));
const wellnessArb = mostly(
  fc.dictionary(fc.constantFrom('sleepQuality', 'fatigue', 'stress', 'mood', 'soreness', 'other', '__proto__'), numberIn(1, 5), { maxKeys: 6 }),
  fc.constantFrom<unknown>(null, 'great', [], 3),
);
const testResultArb = mostly(
  fc.record({
    test: mostly(fc.constant('5k'), fc.constant('')),
    value: mostly(fc.double({ noNaN: true, noDefaultInfinity: true }), wrongTypeArb),
    unit: mostly(fc.constant('s'), fc.constant('x'.repeat(21))),
    higherIsBetter: mostly(fc.boolean(), wrongTypeArb),
  }),
  fc.constantFrom<unknown>(null, 'fast'),
);
const BAD_DATES = ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-1-01', '2026/01/01', '20260101', ' 2026-01-01', 'today', '', '２０２６-01-01'];
/** Entry i: its date is the i-th day of 2026 (so a valid history is in order) unless a bad one replaces it. */
const entryArb = (i: number) =>
  mostly(
    fc.record(
      {
        date: mostly(fc.constant(new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10)), fc.constantFrom<unknown>(...BAD_DATES, 20260101, null, undefined)),
        hrvRmssd: numberIn(1, 400),
        restingHr: numberIn(20, 150),
        sleepHours: numberIn(0, 24),
        sleepScore: numberIn(0, 100),
        load: numberIn(0, 2000),
        rpe: numberIn(0, 10),
        soreness: numberIn(1, 5),
        minutes: numberIn(0, 1440),
        sessionType: mostly(fc.constantFrom(...SESSION_TYPES), fc.constantFrom<unknown>('YOGA', 'rest', 3, null)),
        completion: mostly(fc.constantFrom('done', 'partial', 'skipped'), fc.constantFrom<unknown>('DONE', null)),
        illness: mostly(fc.boolean(), wrongTypeArb),
        injury: mostly(fc.boolean(), wrongTypeArb),
        wellness: wellnessArb,
        testResult: testResultArb,
      },
      { requiredKeys: ['date'] }, // an undefined date leaves it out
    ),
    wrongTypeArb,
  );
const historyArb = fc.nat({ max: 2 }).chain((n) => fc.tuple(...Array.from({ length: n + 1 }, (_, i) => entryArb(i))));

describe('decide protocol: history entries against the reference checks', () => {
  it('when entries carry any mix of valid, boundary and wrong values then the first problem and its message equal the reference', () => {
    const seen = { ok: 0, bad: 0 };
    fc.assert(
      fc.property(historyArb, (history) => {
        const r = parseDecideLine(JSON.stringify({ athleteId: 'a', date: '2026-12-31', history }), 1);
        const parsedHistory = JSON.parse(JSON.stringify(history)) as unknown[]; // what the parser saw (no undefined, -0 → 0)
        const expected = parsedHistory.map((e, i) => referenceEntryProblem(e, i)).find((p) => p !== undefined);
        if (expected === undefined) {
          seen.ok += 1;
          expect(r.ok).toBe(true);
        } else {
          seen.bad += 1;
          expect(r).toEqual({ ok: false, error: { line: 1, error: { code: expected.endsWith('is required') ? 'DECIDE.MISSING_FIELD' : 'DECIDE.INVALID_FIELD', message: expected } } });
        }
      }),
      { seed: 20261122, numRuns: 1500 },
    );
    // Both sides must be reached, or the comparison proves little.
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.bad).toBeGreaterThan(500);
  });

  it('when a date is any yyyy-mm-dd string then it is real exactly when Date agrees', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const date = `${String(y).padStart(4, '0')}-${two(m)}-${two(d)}`;
        const asGoal = parseDecideLine(JSON.stringify({ athleteId: 'a', date: '9999-12-31', goalDate: date, history: [] }), 1);
        const asEntry = parseDecideLine(JSON.stringify({ athleteId: 'a', date: '9999-12-31', history: [{ date }] }), 1);
        const message = (r: typeof asGoal) => (r.ok ? undefined : r.error.error.message);
        if (referenceIsRealDate(date)) {
          expect(asGoal.ok).toBe(true);
          expect(asEntry.ok).toBe(true);
        } else {
          expect(message(asGoal)).toBe('goalDate is not a real calendar date');
          expect(message(asEntry)).toBe(`history[0].date must be a real date yyyy-mm-dd (got "${date}")`);
        }
      }),
      { seed: 20261124, numRuns: 3000 },
    );
  });
});
