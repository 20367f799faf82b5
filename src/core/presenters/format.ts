/** Small formatting helpers shared by the presenters (pure). */
import { DateTime } from 'luxon';
import type { SessionPlan } from '../../../agent/decision.ts';
import type { SessionType } from '../../../twin/types.ts';

export const SESSION_NAMES: Record<SessionType, string> = {
  REST: 'Rest day',
  ACTIVE_RECOVERY: 'Active recovery',
  ENDURANCE: 'Endurance',
  TEMPO: 'Tempo',
  INTERVALS: 'Intervals',
  STRENGTH: 'Strength',
};

export function sessionName(type: string): string {
  return SESSION_NAMES[type as SessionType] ?? type;
}

/** "Endurance 60 min", "Rest day". */
export function sessionLabel(s: Pick<SessionPlan, 'type' | 'minutes'>): string {
  return s.type === 'REST' || s.minutes <= 0 ? sessionName(s.type) : `${sessionName(s.type)} ${s.minutes} min`;
}

/** "Sun 22 Nov" for 2026-11-22. */
export function dayLabel(date: string): string {
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  return d.isValid ? d.toFormat('ccc d LLL') : date;
}

/** A number with at most `digits` decimals, minus sign as "−". */
export function fmt(v: number, digits = 1): string {
  const f = 10 ** digits;
  // Half away from zero, so −9.5 shows as −10 like 9.5 shows as 10.
  const s = String((Math.sign(v) * Math.round(Math.abs(v) * f)) / f);
  return s.startsWith('-') ? `−${s.slice(1)}` : s;
}

/** Signed: "+3", "−1.2", "0". */
export function signed(v: number, digits = 1): string {
  const s = fmt(v, digits);
  return v > 0 && s !== '0' ? `+${s}` : s;
}

export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function hasDigit(text: string): boolean {
  return /\d/.test(text);
}

/**
 * "fitness (CTL) 51, fatigue (ATL) 86, form (TSB) −35": the one wording of the training-load numbers on
 * every surface. Form is computed from the two numbers as shown, so the sentence always adds up (rounding
 * 33.6 and 58.4 separately would otherwise print 34, 58 and −25).
 */
export function trainingLoadText(ctl: number, atl: number): string {
  const c = Math.round(ctl);
  const a = Math.round(atl);
  return `fitness (CTL) ${fmt(c, 0)}, fatigue (ATL) ${fmt(a, 0)}, form (TSB) ${signed(c - a, 0)}`;
}
