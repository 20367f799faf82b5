/**
 * The decision engine: DecisionRequest[] → Decision[] in one batch.
 *   history → state (agent/state) → mask with rules + the coach's constraints (agent/mask)
 *   → policy (DQN or a baseline) → session (agent/actions) → explanation (agent/explain) with the
 *   twin's what-if (one batched replay + one batched one-day simulation for the whole batch).
 * A coach override always wins: the policy still runs (so the explanation can say what it would have
 * chosen), but the prescribed session is the coach's.
 */
import { ACTIONS, materialize, type MaterializedSession } from './actions/index.ts';
import type { Policy, PolicyInput } from './baselines/policy.ts';
import type { ConstraintInput, Decision, DecisionRequest, Reason } from './decision.ts';
import { brokenRules, explain, sessionLabel } from './explain.ts';
import { computeMask, type Constraint, type MaskResult } from './mask/index.ts';
import { computeState, encodeState, type AthleteState } from './state/index.ts';
import { replayStates, whatIfBatch, type AthleteParams, type Sport, type SessionType } from '../twin/index.ts';

export interface EngineOptions {
  policy: Policy;
  /** Calibrated twin parameters per athlete when the caller has them (the service does; `decide` doesn't). */
  twinParams?: (athleteId: string) => AthleteParams | undefined;
  /** Compute the twin what-if for explanations (default true). */
  whatIf?: boolean;
  defaultSport?: Sport;
}

/** A policy that can also report its Q-values (the DQN). */
interface ValuePolicy extends Policy {
  evaluate(inputs: readonly PolicyInput[]): { action: number; q: number[] }[];
}
const hasValues = (p: Policy): p is ValuePolicy => typeof (p as Partial<ValuePolicy>).evaluate === 'function';

export function toMaskConstraint(c: ConstraintInput): Constraint {
  const base = { from: c.from, ...(c.to ? { to: c.to } : {}), ...(c.reason ? { note: c.reason } : {}), ...(c.by ? { id: c.by } : {}) };
  return c.kind === 'max_load' ? { ...base, type: 'max_load', value: c.value ?? 0 } : { ...base, type: c.kind };
}

/** Standard dose of a session type, used for overrides that give no minutes. */
function overrideAction(type: SessionType): number {
  const standard = ACTIONS.find((a) => a.type === type && (a.dose === 'standard' || type === 'REST'));
  return (standard ?? ACTIONS.find((a) => a.type === type)!).id;
}

export function stateSummary(s: AthleteState): Record<string, number | boolean | string | null> {
  const n = (x: number | undefined, d = 2) => (x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
  return {
    atl: n(s.atl, 1),
    ctl: n(s.ctl, 1),
    tsb: n(s.tsb, 1),
    acwr: n(s.acwr),
    ctlRampPerWeek: n(s.ctlRampPerWeek, 1),
    monotony: n(s.monotony),
    strain: n(s.strain, 0),
    hrvToday: n(s.hrvRmssdToday, 1),
    lnRmssd7: n(s.lnRmssd7, 3),
    hrvBaselineMean: n(s.lnRmssdBaselineMean, 3),
    hrvBandLower: n(s.hrvBandLower, 3),
    hrvBandUpper: n(s.hrvBandUpper, 3),
    hrvZ: n(s.hrvZ),
    hrvBand: s.hrvBand,
    hrvFallingDays: s.hrvFallingDays,
    hrvBaselineReady: s.hrvBaselineReady,
    restingHr: n(s.restingHrToday, 0),
    restingHrBaseline: n(s.restingHrBaseline, 1),
    restingHrDeviation: n(s.restingHrDeviation, 1),
    sleepHoursToday: n(s.sleepHoursToday, 1),
    sleepNorm: n(s.sleepNorm, 1),
    sleepDeviation: n(s.sleepDeviation, 1),
    daysSinceRest: s.daysSinceRest,
    daysSinceHard: s.daysSinceHard ?? null,
    consecutiveHardDays: s.consecutiveHardDays,
    latestRpe: s.latestRpe ?? null,
    latestSoreness: s.latestSoreness ?? null,
    wellness: n(s.latestWellnessScore, 1),
    illness: s.illness,
    injury: s.injury,
    historyDays: s.historyDays,
    flags: s.flags.join(','),
  };
}

/** Pick the what-if alternative: the best-valued allowed action of another type, else a sensible contrast. */
function alternativeFor(chosen: MaterializedSession, mask: MaskResult, q: readonly number[] | undefined, sport: Sport, ctl: number): MaterializedSession {
  const allowed = mask.allowed.filter((id) => ACTIONS[id]!.type !== chosen.type);
  if (q) {
    let best = -1;
    for (const id of allowed) if (best < 0 || q[id]! > q[best]!) best = id;
    if (best >= 0) return materialize(best, { sport, ctl });
  }
  const hard = new Set(['TEMPO', 'INTERVALS', 'STRENGTH']);
  const preferred = hard.has(chosen.type) ? ['ENDURANCE_STANDARD', 'ACTIVE_RECOVERY_STANDARD', 'REST'] : ['INTERVALS_STANDARD', 'TEMPO_STANDARD', 'ENDURANCE_LONG', 'REST'];
  for (const key of preferred) {
    const a = ACTIONS.find((x) => x.key === key);
    if (a && a.type !== chosen.type && mask.mask[a.id]) return materialize(a.id, { sport, ctl });
  }
  return materialize(0, { sport, ctl });
}

export class DecisionEngine {
  readonly policy: Policy;
  private readonly options: EngineOptions;

  constructor(options: EngineOptions) {
    this.policy = options.policy;
    this.options = options;
  }

  get policyId(): string {
    return `${this.policy.name}@${this.policy.version}`;
  }

  decideBatch(requests: readonly DecisionRequest[]): Decision[] {
    const n = requests.length;
    if (n === 0) return [];
    const sports: Sport[] = requests.map((r) => r.sport ?? this.options.defaultSport ?? 'running');
    const states: AthleteState[] = new Array(n);
    const masks: MaskResult[] = new Array(n);
    const inputs: PolicyInput[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const r = requests[i]!;
      const seasonStart = r.history[0]?.date;
      const state = computeState(r.history, r.date, { ...(r.goalDate ? { goalDate: r.goalDate } : {}), ...(seasonStart ? { seasonStart } : {}) });
      const constraints = (r.constraints ?? []).map(toMaskConstraint);
      const mask = computeMask({ state, sport: sports[i]!, constraints });
      states[i] = state;
      masks[i] = mask;
      inputs[i] = {
        state,
        features: encodeState(state),
        mask: mask.mask,
        context: {
          sport: sports[i]!,
          dayIndex: state.daysSinceSeasonStart ?? state.historyDays,
          date: r.date,
          athleteId: r.athleteId,
          ...(seasonStart ? { seasonStart } : {}),
          ...(r.goalDate ? { goalDate: r.goalDate } : {}),
        },
      };
    }

    const prep = (this.policy as { prepare?: (r: readonly DecisionRequest[]) => void }).prepare;
    if (prep) prep.call(this.policy, requests);
    const valued = hasValues(this.policy) ? this.policy.evaluate(inputs) : undefined;
    const actions = valued ? valued.map((v) => v.action) : this.policy.decide(inputs);
    const chosen: MaterializedSession[] = new Array(n);
    const alternatives: MaterializedSession[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const r = requests[i]!;
      const policyAction = masks[i]!.mask[actions[i]!] ? actions[i]! : 0; // a policy bug never becomes unsafe advice
      const policySession = materialize(policyAction, { sport: sports[i]!, ctl: states[i]!.ctl });
      if (r.override) {
        const o = materialize(overrideAction(r.override.type), { sport: sports[i]!, ctl: states[i]!.ctl });
        const minutes = r.override.type === 'REST' ? 0 : Math.round(r.override.minutes ?? o.minutes);
        chosen[i] = { ...o, minutes, targetLoad: r.override.type === 'REST' ? 0 : Math.round((o.targetLoad * minutes) / Math.max(1, o.minutes)) };
        alternatives[i] = policySession;
      } else {
        chosen[i] = policySession;
        alternatives[i] = alternativeFor(policySession, masks[i]!, valued?.[i]?.q, sports[i]!, states[i]!.ctl);
      }
    }

    let what: ReturnType<typeof whatIfBatch> | undefined;
    if (this.options.whatIf !== false) {
      const replays = replayStates(
        requests.map((r, i) => {
          const params = this.options.twinParams?.(r.athleteId);
          return { history: r.history, date: r.date, sport: sports[i]!, ...(params ? { params } : {}) };
        }),
      );
      what = whatIfBatch(
        replays.map((rep, i) => ({
          params: rep.params,
          state: rep.state,
          options: [
            { type: chosen[i]!.type, minutes: chosen[i]!.minutes },
            { type: alternatives[i]!.type, minutes: alternatives[i]!.minutes },
          ],
        })),
      );
    }

    const out: Decision[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const r = requests[i]!;
      const mask = masks[i]!;
      const c = chosen[i]!;
      const q = valued?.[i]?.q;
      let runnerUp: { actionId: number; label: string } | undefined;
      if (q && !r.override) {
        let best = -1;
        for (const id of mask.allowed) if (id !== c.actionId && (best < 0 || q[id]! > q[best]!)) best = id;
        if (best >= 0) runnerUp = { actionId: best, label: sessionLabel(materialize(best, { sport: sports[i]!, ctl: states[i]!.ctl })) };
      }
      const reasons: Reason[] = explain({
        state: states[i]!,
        mask,
        chosen: c,
        ...(q && !r.override ? { q } : {}),
        ...(runnerUp ? { runnerUp } : {}),
        ...(what ? { whatIf: { chosen: what[i]![0]!, alternative: what[i]![1]!, alternativeLabel: sessionLabel(alternatives[i]!) } } : {}),
        policyName: this.policy.name,
        ...(r.override ? { override: { by: r.override.by, reason: r.override.reason, policyChoiceLabel: `${this.policy.name} policy would have chosen ${sessionLabel(alternatives[i]!)}` } } : {}),
      });
      for (const cons of r.constraints ?? []) {
        if (cons.from <= r.date && (!cons.to || cons.to >= r.date))
          reasons.push({
            kind: 'constraint',
            text: `Coach constraint ${cons.kind.replace(/_/g, ' ')}${cons.value !== undefined ? ` ${cons.value}` : ''} applies from ${cons.from}${cons.to ? ` to ${cons.to}` : ''}${cons.reason ? `: ${cons.reason}` : ''}`,
            values: { ...(cons.value !== undefined ? { value: cons.value } : {}) },
          });
      }
      out[i] = {
        athleteId: r.athleteId,
        date: r.date,
        session: {
          type: c.type,
          minutes: c.minutes,
          targetLoad: Math.round(c.targetLoad),
          intensity: `${c.intensity.zone} ${c.intensity.label}`,
          description: r.override && c.type !== 'REST' ? materializeDescription(c, sports[i]!) : c.description,
          actionId: c.actionId,
          dose: c.dose,
        },
        allowed: [...new Set(mask.allowed.map((id) => ACTIONS[id]!.type))],
        blocked: mask.blocked.map((b) => ({ type: b.type, actionId: b.actionId, rule: b.rule, reason: b.reason })),
        reasons,
        state: stateSummary(states[i]!),
        policy: r.override ? `override@${r.override.by}` : this.policyId,
      };
      if (r.override) out[i]!.overrideBreaks = brokenRules(mask, c.actionId);
    }
    return out;
  }
}

function materializeDescription(c: MaterializedSession, _sport: Sport): string {
  return c.description.replace(/^\d+ min/, `${c.minutes} min`);
}

