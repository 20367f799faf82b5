/**
 * Explanations: why this session today, in sentences that each cite a number and never argue for a
 * different session than the one prescribed.
 *
 * Ingredients: (1) the safety mask's blocked sessions with their rule reasons; (2) the drivers — the
 * state values furthest from the athlete's own normal (HRV z vs their 60-day band, resting HR vs
 * baseline, sleep vs norm, ACWR vs the 0.8–1.3 sweet spot, form, soreness, wellness, days without
 * rest); (3) the margin between the chosen and the next-best allowed action (learned policy only);
 * (4) the twin's what-if for the chosen session and one alternative (HRV, fatigue and ACWR tomorrow).
 */
import type { Reason } from './decision.ts';
import type { MaskResult } from './mask/index.ts';
import type { MaterializedSession } from './actions/index.ts';
import type { AthleteState } from './state/index.ts';
import type { WhatIfDay } from '../twin/index.ts';

export interface Driver {
  key: string;
  /** How unusual the value is for this athlete, ≥ 0 (roughly in SDs); drivers are ranked by it. */
  score: number;
  text: string;
  values: Record<string, number>;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const signed = (x: number, digits = 1) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(digits)}`;

export function sessionLabel(s: { type: string; minutes: number }): string {
  const name = s.type.replace('_', ' ').toLowerCase();
  return s.type === 'REST' ? 'rest' : `${name} ${Math.round(s.minutes)} min`;
}

/** State values furthest from the athlete's own normal, most unusual first. */
export function drivers(s: AthleteState): Driver[] {
  const out: Driver[] = [];
  if (s.hrvZ !== undefined && s.lnRmssd7 !== undefined && s.lnRmssdBaselineMean !== undefined) {
    const ms7 = Math.exp(s.lnRmssd7);
    const msBase = Math.exp(s.lnRmssdBaselineMean);
    const where = s.hrvBand === 'below' ? 'below' : s.hrvBand === 'above' ? 'above' : 'inside';
    out.push({
      key: 'hrv',
      score: Math.abs(s.hrvZ),
      text: `7-day HRV ${r1(ms7)} ms vs your normal ${r1(msBase)} ms (z ${signed(s.hrvZ)}): ${where} your normal band`,
      values: { hrv7Ms: r1(ms7), hrvBaselineMs: r1(msBase), hrvZ: r2(s.hrvZ) },
    });
  }
  if (s.hrvFallingDays >= 2 && s.hrvRmssdToday !== undefined)
    out.push({
      key: 'hrv_falling',
      score: 1 + 0.3 * s.hrvFallingDays,
      text: `HRV has fallen ${s.hrvFallingDays} days running (today ${r1(s.hrvRmssdToday)} ms)`,
      values: { hrvFallingDays: s.hrvFallingDays, hrvTodayMs: r1(s.hrvRmssdToday) },
    });
  if (s.restingHrDeviation !== undefined && s.restingHrToday !== undefined)
    out.push({
      key: 'rhr',
      score: Math.abs(s.restingHrDeviation) / 3,
      text: `resting HR ${Math.round(s.restingHrToday)} bpm, ${signed(s.restingHrDeviation)} bpm vs your baseline`,
      values: { restingHr: Math.round(s.restingHrToday), restingHrDeviation: r1(s.restingHrDeviation) },
    });
  if (s.sleepDeviation !== undefined && s.sleepHoursToday !== undefined)
    out.push({
      key: 'sleep',
      score: Math.abs(s.sleepDeviation) / 0.75 + (s.sleepHoursToday <= 6 ? 1 : 0),
      text: `slept ${r1(s.sleepHoursToday)} h, ${signed(s.sleepDeviation)} h vs your usual`,
      values: { sleepHours: r1(s.sleepHoursToday), sleepDeviation: r1(s.sleepDeviation) },
    });
  if (s.acwr !== undefined) {
    const outside = s.acwr > 1.3 ? (s.acwr - 1.3) / 0.1 : s.acwr < 0.8 ? (0.8 - s.acwr) / 0.1 : 0;
    out.push({
      key: 'acwr',
      score: outside + Math.abs(s.acwr - 1.05) * 0.5,
      text: `acute:chronic load ratio ${r2(s.acwr)} (sweet spot 0.8–1.3)`,
      values: { acwr: r2(s.acwr) },
    });
  }
  // The same wording and rounding as every chat surface (form = fitness − fatigue as shown, so it adds up).
  const ctl = Math.round(s.ctl);
  const atl = Math.round(s.atl);
  out.push({
    key: 'form',
    score: Math.abs(s.tsb) / 15,
    text: `fitness (CTL) ${ctl}, fatigue (ATL) ${atl}, form (TSB) ${ctl - atl > 0 ? '+' : ctl - atl < 0 ? '−' : ''}${Math.abs(ctl - atl)}`,
    values: { tsb: ctl - atl, ctl, atl },
  });
  if (s.latestSoreness !== undefined && (s.latestSorenessAgeDays ?? 99) <= 1)
    out.push({
      key: 'soreness',
      score: Math.max(0, s.latestSoreness - 2),
      text: `soreness ${s.latestSoreness}/5 reported`,
      values: { soreness: s.latestSoreness },
    });
  if (s.latestWellnessScore !== undefined && (s.latestWellnessAgeDays ?? 99) <= 1)
    out.push({
      key: 'wellness',
      score: Math.abs(s.latestWellnessScore - 3.5),
      text: `wellness check-in ${r1(s.latestWellnessScore)}/5`,
      values: { wellness: r1(s.latestWellnessScore) },
    });
  if (s.daysSinceRest >= 5)
    out.push({
      key: 'days_since_rest',
      score: (s.daysSinceRest - 4) * 0.6,
      text: `${s.daysSinceRest} days since your last rest day`,
      values: { daysSinceRest: s.daysSinceRest },
    });
  if (s.latestRpe !== undefined && s.latestRpeResidual !== undefined && (s.latestRpeAgeDays ?? 99) <= 2)
    out.push({
      key: 'rpe',
      score: Math.abs(s.latestRpeResidual) / 1.5,
      text: `last session felt RPE ${s.latestRpe}/10, ${signed(s.latestRpeResidual)} vs what it usually costs`,
      values: { rpe: s.latestRpe, rpeResidual: r1(s.latestRpeResidual) },
    });
  return out.sort((a, b) => b.score - a.score);
}

export interface ExplainInput {
  state: AthleteState;
  mask: MaskResult;
  chosen: MaterializedSession;
  /** Q-values of every action (NaN = blocked), when the policy has them. */
  q?: readonly number[];
  /** Label of the next-best allowed action when q is given. */
  runnerUp?: { actionId: number; label: string };
  /** Twin what-if for tomorrow: [chosen, alternative]. */
  whatIf?: { chosen: WhatIfDay; alternative: WhatIfDay; alternativeLabel: string };
  policyName: string;
  /** A coach override decided the session: who, why, and what the policy would have chosen. */
  override?: { by: string; reason: string; policyChoiceLabel: string };
}

/** A safety rule the coach's override breaks, with the reason that cites its numbers. */
export interface BrokenRule {
  rule: string;
  reason: string;
}

/** The safety rules that block the chosen action, each with its numbers (most severe first). */
export function brokenRules(mask: MaskResult, actionId: number): BrokenRule[] {
  if (mask.mask[actionId]) return [];
  const entry = mask.blocked.find((b) => b.actionId === actionId);
  const out: BrokenRule[] = [];
  for (const h of mask.hits)
    if (h.actionIds.includes(actionId) && !out.some((o) => o.rule === h.rule)) out.push({ rule: h.rule, reason: entry && entry.rule === h.rule ? entry.reason : h.reason });
  return out;
}

/**
 * "Your coach set intervals 50 min for today: race prep (the hrv policy would have chosen endurance 60 min),
 * despite the safety rule acwr_danger (ACWR 1.62 ≥ 1.50: …)" — `by` is a label ("your coach", a name).
 */
export function overrideText(o: NonNullable<ExplainInput['override']>, chosenLabel: string, broken: readonly BrokenRule[]): string {
  const head = `${capitalize(o.by)} set ${chosenLabel} for today: ${o.reason} (the ${o.policyChoiceLabel})`;
  if (broken.length === 0) return head;
  const rules = broken.map((b) => `${b.rule} (${b.reason})`).join('; ');
  return `${head}, despite ${broken.length === 1 ? 'the safety rule' : `${broken.length} safety rules`} ${rules}`;
}

/** Ranked reasons, most important first. */
export function explain(input: ExplainInput): Reason[] {
  const { state, mask, chosen } = input;
  const reasons: Reason[] = [];
  const chosenLabel = sessionLabel(chosen);

  // 0. The coach's override, with the safety rules it breaks (those rules are not repeated below: they
  //    would argue against the session the athlete is asked to do).
  const broken = input.override ? brokenRules(mask, chosen.actionId) : [];
  if (input.override) reasons.push({ kind: 'override', text: overrideText(input.override, chosenLabel, broken), values: { minutes: chosen.minutes, brokenRules: broken.length } });

  // 1. Safety: what the mask ruled out today (one sentence per rule, most severe first).
  const seenRules = new Set<string>(broken.map((b) => b.rule));
  for (const hit of mask.hits) {
    if (seenRules.has(hit.rule)) continue;
    seenRules.add(hit.rule);
    reasons.push({ kind: 'mask', text: `${hit.reason} (safety rule ${hit.rule})`, values: { blockedSessions: hit.actionIds.length } });
  }

  // 2. Drivers: the most unusual numbers for this athlete.
  for (const d of drivers(state).slice(0, 3)) reasons.push({ kind: 'driver', text: capitalize(d.text), values: d.values });

  // 3. Twin what-if for the chosen session and the alternative.
  if (input.whatIf) {
    const { chosen: c, alternative: a, alternativeLabel } = input.whatIf;
    reasons.push({
      kind: 'whatif',
      text: `Your twin predicts for tomorrow after ${chosenLabel}: HRV ${signed(c.hrvChangePct, 0)}%, fatigue ${Math.round(c.fatigue)}, ACWR ${r2(c.acwr)}; after ${alternativeLabel} it would be HRV ${signed(a.hrvChangePct, 0)}%, fatigue ${Math.round(a.fatigue)}, ACWR ${r2(a.acwr)}`,
      values: { hrvChangePct: r1(c.hrvChangePct), fatigue: Math.round(c.fatigue), acwr: r2(c.acwr), altHrvChangePct: r1(a.hrvChangePct), altFatigue: Math.round(a.fatigue), altAcwr: r2(a.acwr) },
    });
  }

  // 4. Margin of the learned policy.
  if (input.q && input.runnerUp) {
    const qc = input.q[chosen.actionId]!;
    const qr = input.q[input.runnerUp.actionId]!;
    if (Number.isFinite(qc) && Number.isFinite(qr)) {
      const margin = qc - qr;
      reasons.push({
        kind: 'margin',
        text: `The ${input.policyName} policy rates ${chosenLabel} ${margin.toFixed(2)} value points above the next-best allowed option (${input.runnerUp.label})${margin < 0.05 ? ': a close call' : ''}`,
        values: { margin: r2(margin) },
      });
    }
  }

  // 5. Data quality that limits what we can see.
  if (!state.hrvBaselineReady)
    reasons.push({
      kind: 'data',
      text: `HRV baseline not ready yet: ${state.hrvBaselineDays} of 14 days of HRV data, so HRV rules are conservative`,
      values: { hrvBaselineDays: state.hrvBaselineDays },
    });
  if (state.acwr === undefined)
    reasons.push({ kind: 'data', text: `Load ratio not known yet (${state.historyDays} days of history, 28 needed): long hard sessions stay blocked`, values: { historyDays: state.historyDays } });

  return reasons;
}

/** The short list for the morning message: one safety reason (if any), then drivers/what-if — three in all. */
export function topReasons(reasons: readonly Reason[], n = 3): Reason[] {
  const ordered = [
    ...reasons.filter((r) => r.kind === 'override' || r.kind === 'constraint'),
    ...reasons.filter((r) => r.kind === 'mask').slice(0, 1),
    ...reasons.filter((r) => r.kind === 'driver'),
    ...reasons.filter((r) => r.kind === 'whatif'),
    ...reasons.filter((r) => r.kind === 'mask').slice(1),
    ...reasons.filter((r) => r.kind === 'data' || r.kind === 'margin'),
  ];
  return ordered.slice(0, n);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
