/**
 * Option values arrive as strings from every platform; each command's option specs are turned into a zod
 * schema that coerces them and says exactly what was wrong, in the same words the use cases use:
 *
 *   RPE must be 1–10; you sent 15
 *   RPE must be a whole number 1–10; you sent 6.5
 *   Completion must be done, partial or skipped; you sent "mostly"
 *   Date must be a date like 2026-11-22 (or today, yesterday); you sent "soon"
 *
 * Every problem of one invocation is reported at once; the command does not run (so nothing is stored).
 */
import { z } from 'zod';
import { addDays, isIsoDate } from '../src/core/local-time.ts';
import { commandError } from './errors.ts';
import type { OptionSpec, OptionValue } from './types.ts';

/** How a value is quoted back: numbers as typed, text in quotes (cut at 40 characters), secrets never. */
export function shownRaw(raw: string, spec?: Pick<OptionSpec, 'secret'>): string {
  if (spec?.secret) return 'a value I can’t use';
  const t = raw.trim();
  if (t !== '' && /^[-+]?\d+(\.\d+)?$/.test(t)) return t;
  return `"${t.length > 40 ? `${t.slice(0, 40)}…` : t}"`;
}

export function labelOf(spec: OptionSpec): string {
  return spec.label ?? spec.name.charAt(0).toUpperCase() + spec.name.slice(1).replace(/_/g, ' ');
}

/** "a, b or c". */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

const TRUE = new Set(['yes', 'y', 'true', 'on', '1', 'agree', 'i agree']);
const FALSE = new Set(['no', 'n', 'false', 'off', '0']);
const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;
/** "7", "-3", "+2", "6.5", "6,5", ".5" — digits with at most one decimal separator. */
const DECIMAL = /^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/;

/** "<@123>", "<@!123>", "<@U123|alex>", "@alex" → the id or name inside. */
export function userRef(raw: string): string {
  const t = raw.trim();
  const m = /^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(t);
  if (m) return m[1]!;
  return t.startsWith('@') ? t.slice(1) : t;
}

function rangeText(spec: OptionSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` ${spec.min}–${spec.max}`;
  if (spec.min !== undefined) return ` of at least ${spec.min}`;
  if (spec.max !== undefined) return ` up to ${spec.max}`;
  return '';
}

type Ctx = { addIssue(issue: { code: 'custom'; message: string }): void };

function parseOne(spec: OptionSpec, raw: string, ctx: Ctx, today: string): OptionValue | typeof z.NEVER {
  const label = labelOf(spec);
  const t = raw.trim();
  const bad = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  switch (spec.type) {
    case 'integer':
    case 'number': {
      // Plain decimal only: Number() would also take "0x7", "1e1", "0b11" and "Infinity".
      const n = DECIMAL.test(t) ? Number(t.replace(',', '.')) : NaN;
      const range = rangeText(spec);
      if (!Number.isFinite(n)) return bad(`${label} must be a number${range}; you sent ${shownRaw(raw, spec)}`);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max))
        return bad(`${label} must be${range || ' in range'}; you sent ${shownRaw(raw, spec)}`);
      if (spec.type === 'integer' && !Number.isInteger(n)) return bad(`${label} must be a whole number${range}; you sent ${shownRaw(raw, spec)}`);
      return n;
    }
    case 'boolean': {
      const v = t.toLowerCase();
      if (TRUE.has(v)) return true;
      if (FALSE.has(v)) return false;
      return bad(`${label} must be yes or no; you sent ${shownRaw(raw, spec)}`);
    }
    case 'choice': {
      const choices = spec.choices ?? [];
      const hit = choices.find((c) => c.value.toLowerCase() === t.toLowerCase() || c.label.toLowerCase() === t.toLowerCase());
      if (hit) return hit.value;
      return bad(`${label} must be ${orList(choices.map((c) => c.value))}; you sent ${shownRaw(raw, spec)}`);
    }
    case 'date': {
      const v = t.toLowerCase();
      if (spec.clearable && (v === 'none' || v === 'clear')) return null;
      if (v === 'today') return today;
      if (v === 'yesterday') return addDays(today, -1);
      if (v === 'tomorrow') return addDays(today, 1);
      if (isIsoDate(t)) return t;
      return bad(`${label} must be a date like 2026-11-22 (or today, yesterday${spec.clearable ? ', none' : ''}); you sent ${shownRaw(raw, spec)}`);
    }
    case 'time': {
      const m = HHMM.exec(t);
      if (m) return `${m[1]!.padStart(2, '0')}:${m[2]}`;
      return bad(`${label} must be HH:MM on a 24-hour clock, like 06:30; you sent ${shownRaw(raw, spec)}`);
    }
    case 'user': {
      const ref = userRef(t);
      if (ref === '') return bad(`${label} must name someone, like @alex; you sent nothing`);
      return ref;
    }
    case 'string': {
      if (t === '') return bad(`${label} can’t be empty`);
      if (spec.max !== undefined && t.length > spec.max) return bad(`${label} can be at most ${spec.max} characters; yours has ${t.length}`);
      const problem = spec.check?.(t);
      if (problem !== undefined) return bad(problem);
      return t;
    }
  }
}

/** The zod schema of a command's (or sub-command's) options; `today` resolves relative dates. */
export function optionsSchema(specs: readonly OptionSpec[], today: string) {
  const shape: Record<string, z.ZodType<OptionValue | undefined>> = {};
  for (const spec of specs) {
    const base = z.string({ error: () => `${labelOf(spec)} is required.` }).transform((raw, ctx) => parseOne(spec, raw, ctx, today));
    shape[spec.name] = spec.required ? base : base.optional();
  }
  return z.object(shape);
}

export interface ValidationIssue {
  option: string;
  message: string;
}

/** Typed values, or AppError COMMAND.INVALID_OPTION / COMMAND.UNKNOWN_OPTION naming every problem. */
export function validateOptions(command: string, specs: readonly OptionSpec[], options: Readonly<Record<string, string>>, today: string): Record<string, OptionValue> {
  checkKnownOptions(command, specs, options);
  const present: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) if (typeof v === 'string') present[k] = v;
  const parsed = optionsSchema(specs, today).safeParse(present);
  if (parsed.success) {
    const out: Record<string, OptionValue> = {};
    for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) out[k] = v;
    return out;
  }
  const issues: ValidationIssue[] = parsed.error.issues.map((i) => ({ option: String(i.path[0] ?? ''), message: i.message }));
  throw commandError('COMMAND.INVALID_OPTION', issues.map((i) => i.message).join('\n'), { field: issues[0]!.option, issues });
}

/** AppError COMMAND.UNKNOWN_OPTION when an option name is not one of the command's. */
export function checkKnownOptions(command: string, specs: readonly OptionSpec[], options: Readonly<Record<string, string>>): void {
  const known = new Set(specs.map((s) => s.name));
  const unknown = Object.keys(options).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    const offered = specs.filter((s) => !s.hidden).map((s) => s.name);
    throw commandError(
      'COMMAND.UNKNOWN_OPTION',
      `/${command} has no option ${orList(unknown.map((u) => `"${u}"`))}.${offered.length > 0 ? ` Its options: ${offered.join(', ')}.` : ''}`,
      { options: unknown, field: unknown[0] },
    );
  }
}

/** "/feedback rpe:<1–10> [minutes:<0–600>] …" for help and error footers. */
export function usage(command: string, subcommand: string | undefined, specs: readonly OptionSpec[]): string {
  const shown = specs.filter((s) => !s.hidden);
  const ordered = [...shown.filter((s) => s.required), ...shown.filter((s) => !s.required)];
  const hint = (s: OptionSpec) => {
    switch (s.type) {
      case 'choice':
        return (s.choices ?? []).map((c) => c.value).join('|');
      case 'integer':
      case 'number':
        return s.min !== undefined && s.max !== undefined ? `${s.min}–${s.max}` : s.type;
      case 'user':
        return '@someone';
      case 'date':
        return 'yyyy-mm-dd';
      case 'time':
        return 'HH:MM';
      case 'boolean':
        return 'yes|no';
      default:
        return 'text';
    }
  };
  const parts = ordered.map((s) => (s.required ? `${s.name}:<${hint(s)}>` : `[${s.name}:<${hint(s)}>]`));
  return [`/${command}${subcommand ? ` ${subcommand}` : ''}`, ...parts].join(' ');
}
