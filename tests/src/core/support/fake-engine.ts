/**
 * A small deterministic DecisionEngine for tests: honours overrides and constraints the way the real one
 * must (see decision-engine.contract.ts), and fills `state` from agent/state so the team board sees real
 * keys. Choice: HRV today < 90% of the earlier mean → ACTIVE_RECOVERY; > 150 load in the last two days →
 * ENDURANCE; otherwise INTERVALS; the first allowed of [choice, ENDURANCE, ACTIVE_RECOVERY, REST].
 */
import type { BlockedAction, Decision, DecisionRequest, Reason } from '../../../../agent/decision.ts';
import { computeState } from '../../../../agent/state/index.ts';
import { HARD_SESSIONS, SESSION_TYPES, type SessionType } from '../../../../twin/types.ts';
import type { DecisionEngine } from '../../../../src/core/ports.ts';

export const FAKE_MINUTES: Record<SessionType, number> = { REST: 0, ACTIVE_RECOVERY: 30, ENDURANCE: 60, TEMPO: 50, INTERVALS: 50, STRENGTH: 45 };
const LOAD_PER_MIN: Record<SessionType, number> = { REST: 0, ACTIVE_RECOVERY: 0.5, ENDURANCE: 1, TEMPO: 1.4, INTERVALS: 1.8, STRENGTH: 1.2 };
export const fakeLoad = (t: SessionType, minutes: number) => Math.round(LOAD_PER_MIN[t] * minutes);

export function fakeDecide(r: DecisionRequest): Decision {
  const blocked: BlockedAction[] = [];
  const block = (type: SessionType, rule: string, reason: string) => {
    if (!blocked.some((b) => b.type === type)) blocked.push({ type, rule, reason });
  };
  for (const c of r.constraints ?? []) {
    const by = c.by ?? 'coach';
    if (c.kind === 'rest_only') for (const t of SESSION_TYPES) if (t !== 'REST') block(t, 'constraint:rest_only', `rest only (set by ${by})`);
    if (c.kind === 'no_high_intensity') for (const t of HARD_SESSIONS) block(t, 'constraint:no_high_intensity', `no high intensity (set by ${by})`);
    if (c.kind === 'no_impact') for (const t of ['TEMPO', 'INTERVALS'] as const) block(t, 'constraint:no_impact', `no impact (set by ${by})`);
    if (c.kind === 'max_load') for (const t of SESSION_TYPES) if (fakeLoad(t, FAKE_MINUTES[t]) > (c.value ?? Infinity)) block(t, 'constraint:max_load', `load above ${c.value}`);
  }
  const allowed = SESSION_TYPES.filter((t) => !blocked.some((b) => b.type === t));
  const reasons: Reason[] = [];
  let type: SessionType;
  let minutes: number;
  let policy = 'fake@1';
  if (r.override) {
    type = r.override.type;
    minutes = r.override.minutes ?? FAKE_MINUTES[type];
    policy = 'override@coach';
    reasons.push({ kind: 'override', text: `Set by ${r.override.by}: ${r.override.reason}` });
  } else {
    const today = r.history.find((o) => o.date === r.date)?.hrvRmssd;
    const earlier = r.history.filter((o) => o.date < r.date && o.hrvRmssd !== undefined).map((o) => o.hrvRmssd!);
    const mean = earlier.length ? earlier.reduce((a, b) => a + b, 0) / earlier.length : undefined;
    const recent = r.history.filter((o) => o.date < r.date).slice(-2).reduce((s, o) => s + (o.load ?? 0), 0);
    let choice: SessionType = 'INTERVALS';
    if (today !== undefined && mean !== undefined && today < 0.9 * mean) {
      choice = 'ACTIVE_RECOVERY';
      reasons.push({ kind: 'driver', text: `HRV ${today} ms below 90% of ${Math.round(mean)} ms`, values: { hrv: today, mean } });
    } else if (recent > 150) {
      choice = 'ENDURANCE';
      reasons.push({ kind: 'driver', text: `load ${recent} in the last two days`, values: { load2d: recent } });
    } else reasons.push({ kind: 'driver', text: `fresh: load ${recent} in the last two days`, values: { load2d: recent } });
    type = [choice, 'ENDURANCE', 'ACTIVE_RECOVERY', 'REST'].find((t) => allowed.includes(t as SessionType)) as SessionType;
    if (type !== choice) reasons.push({ kind: 'mask', text: `${choice} blocked: ${blocked.find((b) => b.type === choice)?.reason}` });
    minutes = FAKE_MINUTES[type];
  }
  const s = computeState(r.history, r.date, r.goalDate ? { goalDate: r.goalDate } : {});
  const pick = (v: unknown) => (v === undefined ? null : (v as number | string | boolean));
  return {
    athleteId: r.athleteId,
    date: r.date,
    session: { type, minutes, targetLoad: fakeLoad(type, minutes), intensity: type === 'REST' ? 'none' : 'moderate', description: `${type} ${minutes} min` },
    allowed,
    blocked,
    reasons,
    state: {
      acwr: pick(s.acwr),
      hrvZ: pick(s.hrvZ),
      hrvBand: s.hrvBand,
      restingHrDeviation: pick(s.restingHrDeviation),
      sleepHoursToday: pick(s.sleepHoursToday),
      atl: s.atl,
      ctl: s.ctl,
      historyDays: s.historyDays,
    },
    policy,
  };
}

export class FakeEngine implements DecisionEngine {
  readonly calls: DecisionRequest[][] = [];
  delayMs = 0;
  /** Test switch: pretend the engine forgot the override (core must enforce it). */
  ignoreOverrides = false;
  failNext: Error | null = null;
  async decide(requests: DecisionRequest[]): Promise<Decision[]> {
    this.calls.push(requests);
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    return requests.map((r) => fakeDecide(this.ignoreOverrides ? { ...r, override: undefined } as DecisionRequest : r));
  }
  get requestCount(): number {
    return this.calls.reduce((n, c) => n + c.length, 0);
  }
}
