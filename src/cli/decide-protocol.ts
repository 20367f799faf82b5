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

const dayEntry = z
  .object({
    date: isoDate,
    hrvRmssd: finite(1, 400).optional(),
    restingHr: finite(20, 150).optional(),
    sleepHours: finite(0, 24).optional(),
    sleepScore: finite(0, 100).optional(),
    load: finite(0, 2000).optional(),
    rpe: finite(0, 10).optional(),
    soreness: finite(1, 5).optional(),
    sessionType: z.enum(SESSION_TYPES).optional(),
    minutes: finite(0, 1440).optional(),
    completion: z.enum(['done', 'partial', 'skipped']).optional(),
    illness: z.boolean().optional(),
    injury: z.boolean().optional(),
    wellness: z
      .object({
        sleepQuality: finite(1, 5).optional(),
        fatigue: finite(1, 5).optional(),
        stress: finite(1, 5).optional(),
        mood: finite(1, 5).optional(),
        soreness: finite(1, 5).optional(),
      })
      .optional(),
    testResult: z.object({ test: z.string().min(1).max(60), value: z.number().finite(), unit: z.string().max(20), higherIsBetter: z.boolean() }).optional(),
  })
  .passthrough();

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
  history: z.array(dayEntry).max(3660, 'at most 10 years of days'),
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
  const req = parsed.data;
  for (let i = 1; i < req.history.length; i++) {
    if (req.history[i]!.date <= req.history[i - 1]!.date)
      return fail('DECIDE.HISTORY_OUT_OF_ORDER', `history[${i}].date ${req.history[i]!.date} is not after history[${i - 1}].date ${req.history[i - 1]!.date}; send days in ascending date order, one entry per day`);
  }
  const last = req.history[req.history.length - 1];
  if (last && last.date > req.date) return fail('DECIDE.HISTORY_AFTER_DATE', `history ends on ${last.date}, after the requested date ${req.date}`);
  return { ok: true, request: req as DecisionRequest };
}
