/**
 * The `twincoach decide` JSON-lines protocol: parse and validate one request line. A bad line yields a
 * structured error with a stable code; it never throws and never stops the stream.
 */
import { z } from 'zod';
import type { DecisionRequest } from '../../agent/decision.ts';
import { SESSION_TYPES, SPORTS } from '../../twin/types.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date yyyy-mm-dd')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real calendar date');
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
const validDates = new Map<string, boolean>();
function isRealDate(s: unknown): s is string {
  if (typeof s !== 'string' || s.length !== 10) return false;
  let ok = validDates.get(s);
  if (ok === undefined) {
    ok = /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
    if (validDates.size > 50_000) validDates.clear();
    validDates.set(s, ok);
  }
  return ok;
}
const NUMERIC: [key: string, min: number, max: number][] = [
  ['hrvRmssd', 1, 400],
  ['restingHr', 20, 150],
  ['sleepHours', 0, 24],
  ['sleepScore', 0, 100],
  ['load', 0, 2000],
  ['rpe', 0, 10],
  ['soreness', 1, 5],
  ['minutes', 0, 1440],
];
const SESSION_SET = new Set<string>(SESSION_TYPES);
const WELLNESS_KEYS = new Set(['sleepQuality', 'fatigue', 'stress', 'mood', 'soreness']);
const testResultSchema = z.object({ test: z.string().min(1).max(60), value: z.number().finite(), unit: z.string().max(20), higherIsBetter: z.boolean() });
const COMPLETION = new Set(['done', 'partial', 'skipped']);
const got = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v));

/** Validate one history entry; returns an error text or undefined. Complex sub-objects go through zod. */
function checkEntry(e: unknown, i: number): string | undefined {
  const at = `history[${i}]`;
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return `${at} must be object (got ${got(e)})`;
  const o = e as Record<string, unknown>;
  if (o.date === undefined) return `${at}.date is required`;
  if (!isRealDate(o.date)) return `${at}.date must be a real date yyyy-mm-dd (got ${got(o.date)})`;
  for (const [key, min, max] of NUMERIC) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `${at}.${key} must be number (got ${got(v)})`;
    if (v < min || v > max) return `${at}.${key} must be between ${min} and ${max} (got ${v})`;
  }
  if (o.sessionType !== undefined && !SESSION_SET.has(o.sessionType as string)) return `${at}.sessionType must be one of ${SESSION_TYPES.join(', ')} (got ${got(o.sessionType)})`;
  if (o.completion !== undefined && !COMPLETION.has(o.completion as string)) return `${at}.completion must be done, partial or skipped (got ${got(o.completion)})`;
  for (const key of ['illness', 'injury'] as const) if (o[key] !== undefined && typeof o[key] !== 'boolean') return `${at}.${key} must be boolean (got ${got(o[key])})`;
  if (o.wellness !== undefined) {
    const w = o.wellness;
    if (w === null || typeof w !== 'object' || Array.isArray(w)) return `${at}.wellness must be object (got ${got(w)})`;
    for (const [k, v] of Object.entries(w as Record<string, unknown>)) {
      if (!WELLNESS_KEYS.has(k)) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${at}.wellness.${k} must be number (got ${got(v)})`;
      if (v < 1 || v > 5) return `${at}.wellness.${k} must be between 1 and 5 (got ${v})`;
    }
  }
  if (o.testResult !== undefined) {
    const r = testResultSchema.safeParse(o.testResult);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      return `${at}.testResult.${issue.path.join('.')} ${issue.message}`;
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
