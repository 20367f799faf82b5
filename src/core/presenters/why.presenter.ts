/**
 * /why: the long explanation of one prescription, written for the athlete — every reason in the engine's
 * order, how they compare with their normal (HRV in ms, resting HR in bpm, sleep in h), their recent
 * training in sentences with units, which sessions the safety rules ruled out today and why (one line per
 * session), the alternatives, and who or what decided (policy version, coach override).
 *
 * Tried and dropped: listing the state snapshot key by key ("consecutiveHardDays: 0", "strain: 802",
 * hrvToday in ms next to ln values) and one line per blocked catalogue action ("Endurance (action 3)"
 * three times). Unknown state keys are not shown.
 */
import type { ChatMessage, ChatSection } from '../chat.ts';
import { readiness, readinessInputs } from '../readiness.ts';
import type { PrescriptionRecord } from '../types.ts';
import { encodeAction } from './actions.ts';
import { dayLabel, fmt, num, sessionLabel, sessionName, signed } from './format.ts';
import { normalLines, reasonLine } from './morning.presenter.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const ago = (days: number) => (days === 0 ? 'today' : days === 1 ? 'yesterday' : `${days} days ago`);

/** The athlete's recent training as sentences with units (only what the snapshot holds). */
export function trainingLines(state: Record<string, unknown>): string[] {
  const lines: string[] = [];
  const ramp = num(state.ctlRampPerWeek);
  if (ramp !== undefined) lines.push(`Fitness changed by ${signed(ramp, 1)} TSS per day over the last week (a steady build is up to about +5).`);
  const monotony = num(state.monotony);
  const strain = num(state.strain);
  if (monotony !== undefined && strain !== undefined && strain > 0)
    lines.push(`Last 7 days: strain ${fmt(strain, 0)} (the week’s load in TSS × monotony ${fmt(monotony, 1)}; monotony above 2 means too little variation between easy and hard days).`);
  const sinceRest = num(state.daysSinceRest);
  if (sinceRest !== undefined) lines.push(sinceRest <= 1 ? 'Your last rest day was yesterday.' : `Your last rest day was ${ago(sinceRest)}.`);
  const sinceHard = num(state.daysSinceHard);
  if (sinceHard !== undefined) lines.push(`Your last hard session was ${ago(sinceHard)}.`);
  const hardRow = num(state.consecutiveHardDays);
  if (hardRow !== undefined && hardRow >= 2) lines.push(`That was ${plural(hardRow, 'hard day')} in a row.`);
  const rpe = num(state.latestRpe);
  if (rpe !== undefined) lines.push(`Your last session felt ${fmt(rpe, 0)}/10 (RPE).`);
  const soreness = num(state.latestSoreness);
  if (soreness !== undefined) lines.push(`Soreness you reported: ${fmt(soreness, 0)}/5.`);
  const wellness = num(state.wellness);
  if (wellness !== undefined) lines.push(`Your latest check-in: ${fmt(wellness, 1)}/5.`);
  if (state.illness === true) lines.push('You reported being ill in the last 3 days.');
  if (state.injury === true) lines.push('You reported an injury in the last 7 days.');
  const days = num(state.historyDays);
  if (days !== undefined) lines.push(`All of this is from ${plural(days, 'day')} of your history.`);
  return lines;
}

/** One line per blocked session type with its distinct reasons; the session a coach set says so. */
export function safetyLines(rx: Pick<PrescriptionRecord, 'mask' | 'session'> & Partial<Pick<PrescriptionRecord, 'override'>>): string[] {
  const byType = new Map<string, string[]>();
  for (const b of rx.mask.blocked) {
    const list = byType.get(b.type) ?? [];
    if (!list.includes(b.reason)) list.push(b.reason);
    byType.set(b.type, list);
  }
  return [...byType.entries()].map(([type, reasons]) => {
    const coach = rx.override && rx.session.type === type ? ' (your coach set it anyway)' : '';
    return `• ${sessionName(type)} — ${reasons.join('; ')}${coach}`;
  });
}

export function presentWhy(rx: PrescriptionRecord, options: { coachName?: string } = {}): ChatMessage {
  const s = rx.session;
  const sections: ChatSection[] = [];
  if (rx.reasons.length > 0) sections.push({ title: 'Every reason, most important first', text: rx.reasons.map((r, i) => `${i + 1}. ${reasonLine(r)}`).join('\n') });
  const normal = normalLines(rx.state);
  if (normal.length > 0) sections.push({ title: 'Against your normal', text: normal.map((l) => `• ${l}`).join('\n') });
  const training = trainingLines(rx.state);
  if (training.length > 0) sections.push({ title: 'Your recent training', text: training.join(' ') });
  const blocked = safetyLines(rx);
  sections.push({
    title: 'Safety rules',
    text: [
      `Allowed today: ${rx.mask.allowed.length > 0 ? rx.mask.allowed.map(sessionName).join(', ') : 'nothing'}.`,
      ...(blocked.length > 0 ? ['Ruled out today:', ...blocked] : ['Nothing was ruled out.']),
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
