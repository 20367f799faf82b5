/**
 * The morning message: one session, explained. Pure: Prescription (+ recent history) in, ChatMessage out;
 * the chart comes from the injected ChartRenderer port.
 *
 *   title     "Sun 22 Nov — Endurance 60 min"
 *   summary   what to do (description, intensity) and the coach's word when overridden
 *   sections  Session (dose, intensity, target load) · Why today (three ranked reasons, each citing its
 *             number) · Against your normal (HRV vs band, resting HR vs baseline, sleep vs norm, ACWR,
 *             form) · Not today (blocked sessions and why)
 *   buttons   Done / Too hard / Skipped → the feedback form prefilled; Why? → the full explanation
 *   image     load, fitness and HRV over the last weeks
 */
import type { Reason } from '../../../agent/decision.ts';
import type { ChatButton, ChatField, ChatMessage, ChatSection } from '../chat.ts';
import { readiness, readinessInputs } from '../readiness.ts';
import type { PrescriptionRecord } from '../types.ts';
import type { AthleteHistory } from '../views.use-case.ts';
import { encodeAction } from './actions.ts';
import { tryChart, type AthleteChartData, type ChartRenderer } from './charts.ts';
import { dayLabel, fmt, hasDigit, num, sessionLabel, sessionName, signed, trainingLoadText } from './format.ts';

export interface MorningInput {
  prescription: PrescriptionRecord;
  athlete: { displayName: string };
  /** Recent daily series for the chart (athleteHistory). */
  history?: AthleteHistory | null;
  charts?: ChartRenderer;
  /** Display name of the coach behind an override (override.by is a person id). */
  coachName?: string;
}

/** The reason's text, with its numbers appended when the text cites none. */
export function reasonLine(r: Reason): string {
  if (hasDigit(r.text) || !r.values || Object.keys(r.values).length === 0) return r.text;
  return `${r.text} (${Object.entries(r.values)
    .map(([k, v]) => `${k} ${fmt(v, 2)}`)
    .join(', ')})`;
}

/** The first `n` reasons in the engine's order, preferring those that cite a number. */
export function rankedReasons(reasons: readonly Reason[], n = 3): string[] {
  const cites = (r: Reason) => hasDigit(reasonLine(r));
  return [...reasons.filter(cites), ...reasons.filter((r) => !cites(r))].slice(0, n).map(reasonLine);
}

/** ln rMSSD → ms, whole milliseconds (the unit the athlete's wearable app shows). */
const ms = (ln: number) => fmt(Math.exp(ln), 0);

/**
 * What changed against the athlete's normal, from the state snapshot the decision used — in the units
 * an athlete knows: HRV in ms (the 7-day average is exp of the mean ln rMSSD), resting HR in bpm, sleep in h.
 */
export function normalLines(state: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const ln7 = num(state.lnRmssd7);
  const lo = num(state.hrvBandLower);
  const hi = num(state.hrvBandUpper);
  const base = num(state.hrvBaselineMean);
  const z = num(state.hrvZ);
  const today = num(state.hrvToday);
  const band = state.hrvBand === 'below' || state.hrvBand === 'above' || state.hrvBand === 'inside' ? state.hrvBand : undefined;
  const where = (v: number) => band ?? (lo !== undefined && hi !== undefined ? (v < lo ? 'below' : v > hi ? 'above' : 'inside') : z !== undefined ? (z < -0.5 ? 'below' : z > 0.5 ? 'above' : 'inside') : undefined);
  const morning = today !== undefined ? `; this morning ${fmt(today, 0)} ms` : '';
  if (ln7 !== undefined && lo !== undefined && hi !== undefined) lines.push(`HRV ${ms(ln7)} ms (7-day average) — ${where(ln7)} your normal ${ms(lo)}–${ms(hi)} ms${morning}`);
  else if (ln7 !== undefined && base !== undefined) lines.push(`HRV ${ms(ln7)} ms (7-day average) vs your usual ${ms(base)} ms — ${where(ln7) ?? 'compared with'} your normal range${morning}`);
  else if (today !== undefined) lines.push(`HRV this morning ${fmt(today, 0)} ms (your normal range needs about two weeks of readings)`);

  const rhr = num(state.restingHr) ?? num(state.restingHrToday);
  const rhrDev = num(state.restingHrDeviation);
  const rhrBase = num(state.restingHrBaseline) ?? (rhr !== undefined && rhrDev !== undefined ? rhr - rhrDev : undefined);
  const dev = rhrDev ?? (rhr !== undefined && rhrBase !== undefined ? rhr - rhrBase : undefined);
  if (rhr !== undefined && rhrBase !== undefined && dev !== undefined) {
    const flag = dev >= 5 ? ' — clearly raised' : dev >= 3 ? ' — raised' : '';
    lines.push(`Resting HR ${fmt(rhr, 0)} bpm, ${signed(dev, 0)} vs your usual ${fmt(rhrBase, 0)} bpm${flag}`);
  } else if (rhr !== undefined) lines.push(`Resting HR ${fmt(rhr, 0)} bpm`);

  const sleep = num(state.sleepHoursToday);
  const sleepDev = num(state.sleepDeviation);
  const norm = num(state.sleepNorm) ?? (sleep !== undefined && sleepDev !== undefined ? sleep - sleepDev : undefined);
  if (sleep !== undefined)
    lines.push(norm !== undefined ? `Sleep ${fmt(sleep, 1)} h vs your usual ${fmt(norm, 1)} h (${signed(sleep - norm, 1)} h)` : `Sleep ${fmt(sleep, 1)} h${sleep < 6 ? ' (under 6 h)' : ''}`);

  const acwr = num(state.acwr);
  if (acwr !== undefined)
    lines.push(`Load ratio (ACWR) ${fmt(acwr, 2)} — ${acwr >= 1.5 ? 'in the danger zone (≥ 1.5)' : acwr > 1.3 ? 'above the 0.8–1.3 sweet spot' : acwr < 0.8 ? 'below the 0.8–1.3 sweet spot' : 'inside the 0.8–1.3 sweet spot'}`);

  const ctl = num(state.ctl);
  const atl = num(state.atl);
  // All zero is a cold start (no load yet), not news.
  if (ctl !== undefined && atl !== undefined && (ctl !== 0 || atl !== 0)) lines.push(`Training load: ${trainingLoadText(ctl, atl)}`);
  return lines;
}

/**
 * Blocked session types, one line each: "Intervals — HRV below normal". The session a coach override set
 * is not listed: the athlete is asked to do it (the summary says which rules the coach overrode).
 */
export function blockedLines(rx: Pick<PrescriptionRecord, 'mask'> & Partial<Pick<PrescriptionRecord, 'override' | 'session'>>, max = 6): string[] {
  const seen = new Map<string, string>();
  const chosen = rx.override ? rx.session?.type : undefined;
  for (const b of rx.mask.blocked) if (b.type !== chosen && !seen.has(b.type)) seen.set(b.type, b.reason);
  const lines = [...seen.entries()].map(([type, reason]) => `${sessionName(type)} — ${reason}`);
  return lines.length > max ? [...lines.slice(0, max - 1), `… and ${lines.length - (max - 1)} more (see /why)`] : lines;
}

export function feedbackButtons(date: string, type: string): ChatButton[] {
  const why: ChatButton = { id: encodeAction({ command: 'why', options: { date } }), label: 'Why?', style: 'primary' };
  if (type === 'REST') return [{ id: encodeAction({ command: 'checkin', options: { date } }), label: 'Check in', style: 'secondary' }, why];
  return [
    { id: encodeAction({ command: 'feedback', options: { date, completion: 'done' } }), label: 'Done', style: 'success' },
    { id: encodeAction({ command: 'feedback', options: { date, completion: 'done', rpe: '9' } }), label: 'Too hard', style: 'danger' },
    { id: encodeAction({ command: 'feedback', options: { date, completion: 'skipped', minutes: '0' } }), label: 'Skipped', style: 'secondary' },
    why,
  ];
}

/** ln rMSSD → rMSSD in ms (the unit a coach and the wearable apps use), one decimal. */
export const lnToMs = (series: readonly (number | null)[]): (number | null)[] => series.map((v) => (v === null ? null : Math.round(Math.exp(v) * 10) / 10));

/** The chart's data: HRV in ms (the 7-day line is the geometric mean, exp of the mean ln rMSSD). */
export function athleteChartData(history: AthleteHistory, title?: string): AthleteChartData {
  return {
    title: title ?? `${history.displayName} · last ${Math.round(history.days.length / 7)} weeks`,
    days: history.days,
    load: history.load,
    ctl: history.ctl,
    atl: history.atl,
    tsb: history.tsb,
    hrv: { label: 'HRV, rMSSD (ms)', unit: 'ms', values: lnToMs(history.hrv.values), daily: lnToMs(history.hrv.daily), bandLow: lnToMs(history.hrv.bandLow), bandHigh: lnToMs(history.hrv.bandHigh) },
    marks: history.marks ?? [],
  };
}

/** "_Sam set this session: race prep. Sam chose it despite the safety rule acwr_danger (ACWR 1.62 ≥ 1.50: …)._" */
export function overrideSummary(o: NonNullable<PrescriptionRecord['override']>, coachName?: string): string {
  const who = coachName ?? 'Your coach';
  const breaks = o.breaks ?? [];
  const despite =
    breaks.length === 0 ? '' : ` ${coachName ?? 'Your coach'} chose it despite ${breaks.length === 1 ? 'the safety rule' : `${breaks.length} safety rules`} ${breaks.map((b) => `${b.rule} (${b.reason})`).join('; ')}.`;
  const end = /[.!?]$/.test(o.reason) ? '' : '.';
  return `_${who} set this session: ${o.reason}${end}${despite}_`;
}

export function presentMorning(input: MorningInput): ChatMessage {
  const rx = input.prescription;
  const s = rx.session;
  const overridden = rx.override !== undefined;
  const summaryParts = [s.description.trim()];
  if (s.intensity && s.type !== 'REST') summaryParts.push(`Intensity: ${s.intensity}.`);
  if (overridden) summaryParts.push(overrideSummary(rx.override!, input.coachName));

  const fields: ChatField[] = [];
  if (s.type !== 'REST') fields.push({ label: 'Duration', value: `${s.minutes} min`, inline: true });
  if (s.intensity && s.type !== 'REST') fields.push({ label: 'Intensity', value: s.intensity, inline: true });
  if (s.targetLoad > 0) fields.push({ label: 'Target load', value: `${fmt(s.targetLoad, 0)} TSS`, inline: true });
  if (s.dose) fields.push({ label: 'Dose', value: s.dose, inline: true });

  const sections: ChatSection[] = [];
  if (fields.length > 0) sections.push({ title: 'Session', fields });
  const reasons = rankedReasons(rx.reasons, 3);
  if (reasons.length > 0) sections.push({ title: 'Why today', text: reasons.map((r, i) => `${i + 1}. ${r}`).join('\n') });
  const normal = normalLines(rx.state);
  if (normal.length > 0) sections.push({ title: 'Against your normal', text: normal.map((l) => `• ${l}`).join('\n') });
  const blocked = blockedLines(rx);
  if (blocked.length > 0) sections.push({ title: 'Not today', text: blocked.map((l) => `• ${l}`).join('\n') });

  const message: ChatMessage = {
    title: `${dayLabel(rx.date)} — ${sessionLabel(s)}`,
    summary: summaryParts.filter((p) => p !== '').join(' '),
    sections,
    buttons: feedbackButtons(rx.date, s.type),
    tone: readiness(readinessInputs(rx.state)).band,
    footer: `${overridden ? 'set by your coach' : `policy ${rx.policy}`} · /why for the full explanation`,
  };
  if (input.history && input.charts && input.history.days.length > 0) {
    const charts = input.charts;
    const history = input.history;
    const image = tryChart(() => charts.athlete(athleteChartData(history), `${rx.date}-load-hrv.png`));
    if (image) message.image = image;
  }
  return message;
}
