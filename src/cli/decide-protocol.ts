/**
 * The `twincoach decide` JSON-lines protocol: parse and validate one request line. A bad line yields a
 * structured error with a stable code; it never throws and never stops the stream.
 */
import { z } from 'zod';
import type { DecisionRequest } from '../../agent/decision.ts';
import { epochDay } from '../../twin/dates.ts';
import { SESSION_TYPES, SPORTS } from '../../twin/types.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date yyyy-mm-dd')
  .refine((s) => isRealDate(s), 'is not a real calendar date');
const finite = (min: number, max: number) => z.number().finite().min(min).max(max);

const constraint = z.object({
  kind: z.enum(['no_high_intensity', 'max_load', 'rest_only', 'no_impact']),
  value: finite(0, 2000).optional(),
  from: isoDate,
  to: isoDate.optional(),
  reason: z.string().max(500).optional(),
  by: z.string().max(100).optional(),
});

const requestSchema = z.object({
  athleteId: z.string().min(1, 'must not be empty').max(200),
  date: isoDate,
  sport: z.enum(SPORTS).optional(),
  goalDate: isoDate.optional(),
  history: z.array(z.unknown()).max(3660, 'at most 10 years of days'),
  constraints: z.array(constraint).max(50).optional(),
  override: z
    .object({
      type: z.enum(SESSION_TYPES),
      minutes: finite(0, 600).optional(),
      reason: z.string().min(1).max(500),
      by: z.string().min(1).max(100),
    })
    .optional(),
});

// --- fast path for history entries (a request carries ~120 of them; zod per entry was the bottleneck) ---
// Fields are read by name and an error text is built only for a bad entry: reads through a table of field
// names, Object.entries, a Date-based date check and an eagerly built `history[i]` prefix made this cost
// ~100 µs per 120-day request (now ~35 µs, against ~170 µs for the JSON.parse before it).
const SESSION_SET = new Set<string>(SESSION_TYPES);
const testResultSchema = z.object({ test: z.string().min(1).max(60), value: z.number().finite(), unit: z.string().max(20), higherIsBetter: z.boolean() });
const COMPLETION = new Set(['done', 'partial', 'skipped']);
const got = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v));
const entryAt = (i: number) => `history[${i}]`;

/** A real calendar date written yyyy-mm-dd (the parser the state engine and the replay use). */
function isRealDate(s: unknown): s is string {
  return typeof s === 'string' && !Number.isNaN(epochDay(s));
}

/** Error text when `v` (field `key` of entry i) is present but not a finite number in [min, max]. */
function checkNumber(v: unknown, i: number, key: string, min: number, max: number): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${entryAt(i)}.${key} must be number (got ${got(v)})`;
  if (v < min || v > max) return `${entryAt(i)}.${key} must be between ${min} and ${max} (got ${v})`;
  return undefined;
}

function checkBoolean(v: unknown, i: number, key: string): string | undefined {
  return v !== undefined && typeof v !== 'boolean' ? `${entryAt(i)}.${key} must be boolean (got ${got(v)})` : undefined;
}

/** The wellness scores the protocol checks (1–5); other keys in `wellness` are ignored. */
function isWellnessKey(k: string): boolean {
  switch (k) {
    case 'sleepQuality':
    case 'fatigue':
    case 'stress':
    case 'mood':
    case 'soreness':
      return true;
    default:
      return false;
  }
}

function checkWellness(w: unknown, i: number): string | undefined {
  if (w === undefined) return undefined;
  if (w === null || typeof w !== 'object' || Array.isArray(w)) return `${entryAt(i)}.wellness must be object (got ${got(w)})`;
  const scores = w as Record<string, unknown>;
  // for…in rather than Object.keys: the object comes from JSON.parse, so its enumerable keys are its own,
  // in the same order, without allocating a key array for every entry.
  for (const k in scores) {
    if (!isWellnessKey(k)) continue;
    const v = scores[k];
    if (typeof v !== 'number' || !(v >= 1 && v <= 5)) return checkNumber(v, i, `wellness.${k}`, 1, 5); // NaN, ±Infinity fail too
  }
  return undefined;
}

/** Validate one history entry; returns the first problem's text (fields in this order) or undefined. */
function checkEntry(e: unknown, i: number): string | undefined {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return `${entryAt(i)} must be object (got ${got(e)})`;
  const o = e as Record<string, unknown>;
  if (o.date === undefined) return `${entryAt(i)}.date is required`;
  if (!isRealDate(o.date)) return `${entryAt(i)}.date must be a real date yyyy-mm-dd (got ${got(o.date)})`;
  const problem =
    checkNumber(o.hrvRmssd, i, 'hrvRmssd', 1, 400) ??
    checkNumber(o.restingHr, i, 'restingHr', 20, 150) ??
    checkNumber(o.sleepHours, i, 'sleepHours', 0, 24) ??
    checkNumber(o.sleepScore, i, 'sleepScore', 0, 100) ??
    checkNumber(o.load, i, 'load', 0, 2000) ??
    checkNumber(o.rpe, i, 'rpe', 0, 10) ??
    checkNumber(o.soreness, i, 'soreness', 1, 5) ??
    checkNumber(o.minutes, i, 'minutes', 0, 1440);
  if (problem) return problem;
  if (o.sessionType !== undefined && !SESSION_SET.has(o.sessionType as string))
    return `${entryAt(i)}.sessionType must be one of ${SESSION_TYPES.join(', ')} (got ${got(o.sessionType)})`;
  if (o.completion !== undefined && !COMPLETION.has(o.completion as string)) return `${entryAt(i)}.completion must be done, partial or skipped (got ${got(o.completion)})`;
  const flagOrWellness = checkBoolean(o.illness, i, 'illness') ?? checkBoolean(o.injury, i, 'injury') ?? checkWellness(o.wellness, i);
  if (flagOrWellness) return flagOrWellness;
  if (o.testResult !== undefined) {
    const r = testResultSchema.safeParse(o.testResult);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      return `${entryAt(i)}.testResult.${issue.path.join('.')} ${issue.message}`;
    }
  }
  return undefined;
}

export interface ProtocolError {
  line: number;
  error: { code: string; message: string };
}

export type ParsedLine = { ok: true; request: DecisionRequest } | { ok: false; error: ProtocolError };

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = json;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown): { missing: boolean; text: string } {
  const path = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : 'request';
  const value = valueAt(json, issue.path);
  if (issue.code === 'invalid_type' && value === undefined) return { missing: true, text: `${path} is required` };
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : JSON.stringify(value);
  if (issue.code === 'invalid_type') return { missing: false, text: `${path} must be ${(issue as { expected?: string }).expected ?? 'of another type'} (got ${got})` };
  return { missing: false, text: `${path} ${issue.message}` };
}

/** Parse line number `lineNo` (1-based). */
export function parseDecideLine(text: string, lineNo: number): ParsedLine {
  const fail = (code: string, message: string): ParsedLine => ({ ok: false, error: { line: lineNo, error: { code, message } } });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail('DECIDE.INVALID_JSON', `line ${lineNo} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('DECIDE.INVALID_REQUEST', 'a request must be a JSON object');
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const d = describeIssue(issue, json);
    return fail(d.missing && issue.path.length === 1 ? 'DECIDE.MISSING_FIELD' : 'DECIDE.INVALID_FIELD', d.text);
  }
  const req = parsed.data as unknown as DecisionRequest;
  for (let i = 0; i < req.history.length; i++) {
    const problem = checkEntry(req.history[i], i);
    if (problem) return fail(problem.endsWith('is required') ? 'DECIDE.MISSING_FIELD' : 'DECIDE.INVALID_FIELD', problem);
  }
  for (let i = 1; i < req.history.length; i++) {
    if (req.history[i]!.date <= req.history[i - 1]!.date)
      return fail('DECIDE.HISTORY_OUT_OF_ORDER', `history[${i}].date ${req.history[i]!.date} is not after history[${i - 1}].date ${req.history[i - 1]!.date}; send days in ascending date order, one entry per day`);
  }
  const last = req.history[req.history.length - 1];
  if (last && last.date > req.date) return fail('DECIDE.HISTORY_AFTER_DATE', `history ends on ${last.date}, after the requested date ${req.date}`);
  return { ok: true, request: req };
}
