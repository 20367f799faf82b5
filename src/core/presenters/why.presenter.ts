/**
 * /why: the long explanation of one prescription — every reason in the engine's order, the state the
 * decision saw (with units), the safety rules that blocked other sessions, the alternatives, and who or
 * what decided (policy version, coach override).
 */
import type { ChatMessage, ChatSection } from '../chat.ts';
import { readiness, readinessInputs } from '../readiness.ts';
import type { PrescriptionRecord } from '../types.ts';
import { encodeAction } from './actions.ts';
import { dayLabel, fmt, sessionLabel, sessionName } from './format.ts';
import { normalLines, reasonLine } from './morning.presenter.ts';

/** Known state keys: label and digits. Unknown keys are listed after these, as they are. */
export const STATE_LABELS: Record<string, { label: string; digits: number; unit?: string }> = {
  ctl: { label: 'Fitness (CTL)', digits: 1 },
  atl: { label: 'Fatigue (ATL)', digits: 1 },
  tsb: { label: 'Form (TSB)', digits: 1 },
  acwr: { label: 'ACWR (7/28-day EWMA)', digits: 2 },
  monotony: { label: 'Monotony (7 days)', digits: 2 },
  load7d: { label: 'Load, last 7 days', digits: 0, unit: 'TSS' },
  lnRmssd7: { label: 'HRV, 7-day ln rMSSD', digits: 3 },
  hrvZ: { label: 'HRV z-score', digits: 2 },
  hrvBand: { label: 'HRV vs normal band', digits: 0 },
  restingHrToday: { label: 'Resting HR', digits: 0, unit: 'bpm' },
  restingHrDeviation: { label: 'Resting HR vs usual', digits: 1, unit: 'bpm' },
  sleepHoursToday: { label: 'Sleep last night', digits: 1, unit: 'h' },
  sleepNorm: { label: 'Usual sleep', digits: 1, unit: 'h' },
  daysSinceRest: { label: 'Days since rest', digits: 0 },
  daysToGoal: { label: 'Days to goal', digits: 0 },
  historyDays: { label: 'Days of history', digits: 0 },
};

function stateValue(key: string, v: unknown): string {
  const spec = STATE_LABELS[key];
  if (typeof v === 'number') return `${fmt(v, spec?.digits ?? 2)}${spec?.unit ? ` ${spec.unit}` : ''}`;
  if (v === null || v === undefined) return 'unknown';
  return String(v);
}

export function stateLines(state: Record<string, unknown>): string[] {
  const known = Object.keys(STATE_LABELS).filter((k) => k in state);
  const rest = Object.keys(state)
    .filter((k) => !(k in STATE_LABELS))
    .sort();
  return [...known, ...rest].map((k) => `• ${STATE_LABELS[k]?.label ?? k}: ${stateValue(k, state[k])}`);
}

export function presentWhy(rx: PrescriptionRecord, options: { coachName?: string } = {}): ChatMessage {
  const s = rx.session;
  const sections: ChatSection[] = [];
  if (rx.reasons.length > 0) sections.push({ title: 'Every reason, most important first', text: rx.reasons.map((r, i) => `${i + 1}. ${reasonLine(r)}`).join('\n') });
  const normal = normalLines(rx.state);
  if (normal.length > 0) sections.push({ title: 'Against your normal', text: normal.map((l) => `• ${l}`).join('\n') });
  const state = stateLines(rx.state);
  if (state.length > 0) sections.push({ title: 'What the model saw', text: state.join('\n') });
  const blocked = rx.mask.blocked.map((b) => `• ${sessionName(b.type)}${b.actionId !== undefined ? ` (action ${b.actionId})` : ''} — ${b.reason} [${b.rule}]`);
  sections.push({
    title: 'Safety rules',
    text: [
      `Allowed today: ${rx.mask.allowed.length > 0 ? rx.mask.allowed.map(sessionName).join(', ') : 'nothing'}`,
      ...(blocked.length > 0 ? ['Blocked:', ...blocked] : ['Nothing was blocked.']),
    ].join('\n'),
  });
  if (rx.alternatives.length > 0) sections.push({ title: 'Alternatives that were allowed', text: rx.alternatives.map(sessionName).join(', ') });
  if (rx.override) {
    const o = rx.override;
    sections.push({
      title: 'Coach override',
      text: [`${options.coachName ?? 'Your coach'} set ${sessionLabel(o.session)}: ${o.reason}`, o.previous ? `It replaced ${sessionLabel(o.previous)}.` : 'There was no session before it.'].join('\n'),
    });
  }
  const message: ChatMessage = {
    title: `Why: ${dayLabel(rx.date)} — ${sessionLabel(s)}`,
    summary: `${s.description.trim()} Here is everything that went into it.`,
    sections,
    tone: readiness(readinessInputs(rx.state)).band,
    footer: `policy ${rx.policy} · revision ${rx.revision} · inputs ${rx.inputsHash.slice(0, 12)}`,
    ephemeral: true,
  };
  if (s.type !== 'REST') message.buttons = [{ id: encodeAction({ command: 'feedback', options: { date: rx.date } }), label: 'Give feedback', style: 'primary' }];
  return message;
}
