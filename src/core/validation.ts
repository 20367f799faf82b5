/**
 * Input checks shared by the use cases. Each throws an AppError whose message cites what was sent, e.g.
 * "RPE must be 1–10; you sent 15". Pure: no I/O.
 */
import { LEVELS, SESSION_TYPES, SPORTS, type Level, type SessionType, type Sport } from '../../twin/types.ts';
import { fail, type ErrorCode } from './error-codes.ts';
import { isIsoDate, isValidZone } from './local-time.ts';
import { TEAM_CHANNEL_SHARES, type TeamChannelShare, type Units } from './types.ts';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function shown(v: unknown): string {
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return JSON.stringify(v)?.slice(0, 40) ?? String(v);
}

export function requireDate(date: unknown, what = 'Date'): string {
  if (typeof date !== 'string' || !isIsoDate(date))
    throw fail('VALIDATION.DATE_INVALID', `${what} must be a calendar date like 2026-11-22; you sent ${shown(date)}`, { value: date });
  return date;
}

/** A whole number in [lo, hi], else the error `code` with "<label> must be lo–hi; you sent v". */
export function requireIntIn(v: unknown, lo: number, hi: number, code: ErrorCode, label: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
    throw fail(code, `${label} must be ${lo}–${hi}; you sent ${shown(v)}`, { value: v, min: lo, max: hi });
  if (!Number.isInteger(v)) throw fail(code, `${label} must be a whole number ${lo}–${hi}; you sent ${v}`, { value: v, min: lo, max: hi });
  return v;
}

export function requireDisplayName(name: unknown): string {
  const s = typeof name === 'string' ? name.trim() : '';
  if (s.length < 1 || s.length > 80)
    throw fail('SETTINGS.DISPLAY_NAME_INVALID', `Display name must be 1–80 characters; you sent ${shown(name)}`);
  return s;
}

/** A chat account id as stored in an identity (1–64 characters; Discord and Slack ids are far shorter). Not echoed. */
export function requirePlatformUserId(id: unknown): string {
  if (typeof id !== 'string' || id.length < 1 || id.length > 64)
    throw fail('IDENTITY.ACCOUNT_ID_INVALID', 'This chat account’s id can’t be registered (it must be 1–64 characters).', { length: typeof id === 'string' ? id.length : null });
  return id;
}

export function requireTimezone(tz: unknown): string {
  if (typeof tz !== 'string' || tz.trim() === '' || !isValidZone(tz))
    throw fail('SETTINGS.TIMEZONE_INVALID', `Time zone must be an IANA zone like Europe/Berlin or America/New_York; you sent ${shown(tz)}`);
  return tz;
}

export function requireMorningTime(t: unknown): string {
  if (typeof t !== 'string' || !HHMM.test(t))
    throw fail('SETTINGS.MORNING_TIME_INVALID', `Morning time must be HH:MM on a 24-hour clock, like 06:30; you sent ${shown(t)}`);
  return t;
}

export function requireSport(s: unknown): Sport {
  if (typeof s !== 'string' || !(SPORTS as readonly string[]).includes(s))
    throw fail('SETTINGS.SPORT_INVALID', `Sport must be one of ${SPORTS.join(', ')}; you sent ${shown(s)}`);
  return s as Sport;
}

export function requireLevel(s: unknown): Level {
  if (typeof s !== 'string' || !(LEVELS as readonly string[]).includes(s))
    throw fail('SETTINGS.LEVEL_INVALID', `Level must be one of ${LEVELS.join(', ')}; you sent ${shown(s)}`);
  return s as Level;
}

export function requireUnits(s: unknown): Units {
  if (s !== 'metric' && s !== 'imperial') throw fail('SETTINGS.UNITS_INVALID', `Units must be metric or imperial; you sent ${shown(s)}`);
  return s;
}

export function requireTeamChannelShare(s: unknown): TeamChannelShare {
  if (!(TEAM_CHANNEL_SHARES as readonly unknown[]).includes(s))
    throw fail('SETTINGS.TEAM_CHANNEL_INVALID', `What your team channel shows must be ${TEAM_CHANNEL_SHARES.join(' or ')}; you sent ${shown(s)}`);
  return s as TeamChannelShare;
}

export function requireGoalDate(d: unknown, today: string): string {
  if (typeof d !== 'string' || !isIsoDate(d) || d < today)
    throw fail('SETTINGS.GOAL_DATE_INVALID', `Goal date must be a date like 2027-04-18, today or later; you sent ${shown(d)}`);
  return d;
}

export function isSessionType(v: unknown): v is SessionType {
  return typeof v === 'string' && (SESSION_TYPES as readonly string[]).includes(v);
}

/** Trimmed text of at most max characters (undefined stays undefined). */
export function optionalText(v: unknown, max: number, code: ErrorCode, label: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v.trim() : String(v);
  if (s.length > max) throw fail(code, `${label} can be at most ${max} characters; yours has ${s.length}`, { length: s.length, max });
  return s === '' ? undefined : s;
}
