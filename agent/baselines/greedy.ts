/**
 * Greedy on the twin: each morning, score every ALLOWED action by the reward the athlete's twin expects
 * for it and pick the best. One-step lookahead by default (the next-day reward), optionally k days
 * (today's action then REST).
 *
 * The twin needs two things per athlete, supplied by a `TwinSource`:
 *  - `paramsFor(context)`: the athlete's twin parameters. In the evaluation harness these are the true
 *    parameters of the simulated athlete (agent/eval `envTwinSource`); in the service, the calibrated twin
 *    (`calibratedTwinSource`: `calibrate(history).toParams()`).
 *  - `stateFor(input, params)`: the twin's state this morning (twin AthleteState: fitness, fatigue gains,
 *    ATL/CTL, EWMAs, HRV compartments, this morning's HRV, …), the input of whatIf. Harness: the simulated
 *    athlete's true state (`TwinEnv.snapshot`), an oracle. Service: `Calibration.state(params)`, which
 *    replays the athlete's logged sessions through the calibrated twin (noise off), as twin/README says
 *    feeds whatIf.
 *
 * Expected reward of a day (the env's reward, twin/env.ts, with its expectation over the event draws):
 *     r = perfWeight·10·ΔP/S − hazardWeight·(hazInj + hazIll) − eventPenalty·E[events]
 *   E[events] = hazInj + hazIll (each is the probability of that day's draw), so
 *     E[r] = perfWeight·10·(P_after − P_before)/S − (hazardWeight + eventPenalty)·hazard
 * with P_before the state's performance, P_after and hazard from whatIfToday (deterministic: no shocks,
 * no noise). With horizonDays k > 1 the score is Σ_j γ^j E[r_j] over today's action followed by k−1 REST
 * days. What it cannot see: an injury's forced rest days (future detraining), future shocks.
 */
import { calibrate, whatIf, whatIfBatch, DEFAULT_REWARD, type WhatIfDay, type AthleteParams, type AthleteState as TwinState, type Calibration, type DailyObservation, type Level, type RewardConfig, type Session } from '../../twin/index.ts';
import { ACTION_COUNT, materialize } from '../actions/index.ts';
import { fallbackAction } from './fallback.ts';
import type { Policy, PolicyContext, PolicyInput } from './policy.ts';

export interface TwinSource {
  /** Twin parameters of the athlete this input is about. */
  paramsFor(context: PolicyContext): AthleteParams;
  /** The athlete's twin state on this morning (input of whatIf). */
  stateFor(input: PolicyInput, params: AthleteParams): TwinState;
}

export interface GreedyPolicyOptions extends TwinSource {
  /** Reward weights, as the env's (default DEFAULT_REWARD). */
  reward?: Partial<RewardConfig>;
  /** Days scored: today's action then REST (default 1 = next-day reward only). */
  horizonDays?: number;
  /** Discount over the horizon (default 1). */
  gamma?: number;
  /** Name in reports (default 'greedy', or 'greedy-k<horizon>'). */
  name?: string;
}

const REST_SESSION: Session = Object.freeze({ type: 'REST', minutes: 0 }) as Session;

export class GreedyPolicy implements Policy {
  readonly name: string;
  readonly version = '1';
  readonly horizonDays: number;
  readonly gamma: number;
  readonly reward: RewardConfig;
  private readonly source: TwinSource;

  constructor(options: GreedyPolicyOptions) {
    this.source = { paramsFor: options.paramsFor, stateFor: options.stateFor };
    this.reward = { ...DEFAULT_REWARD, ...(options.reward ?? {}) };
    this.horizonDays = Math.max(1, Math.floor(options.horizonDays ?? 1));
    this.gamma = options.gamma ?? 1;
    this.name = options.name ?? (this.horizonDays === 1 ? 'greedy' : `greedy-k${this.horizonDays}`);
  }

  decide(inputs: readonly PolicyInput[]): number[] {
    const scores = this.scoreAll(inputs);
    return inputs.map((x, i) => this.pick(x, scores[i]!));
  }

  /**
   * Expected reward of every action for one input (NaN for blocked actions; index = action id).
   * Exposed for explanations and tests.
   */
  scores(x: PolicyInput): Float64Array {
    return this.scoreAll([x])[0]!;
  }

  /** Scores of a batch: one-day horizons go through a single whatIfBatch, longer ones through whatIf per input. */
  private scoreAll(inputs: readonly PolicyInput[]): Float64Array[] {
    const out = inputs.map(() => new Float64Array(ACTION_COUNT).fill(Number.NaN));
    const { perfWeight, hazardWeight, eventPenalty } = this.reward;
    const jobs = inputs.map((x) => {
      const ids: number[] = [];
      for (let a = 0; a < ACTION_COUNT; a++) if (x.mask[a] === true) ids.push(a);
      const params = this.source.paramsFor(x.context);
      const state = this.source.stateFor(x, params);
      // exactly the session the coaching loop executes for this action (AgentEnv: materialize with state.ctl)
      const sessions: Session[] = ids.map((a) => {
        const s = materialize(a, { sport: x.context.sport, ctl: x.state.ctl });
        return { type: s.type, minutes: s.minutes };
      });
      return { ids, params, state, sessions };
    });
    const dayReward = (params: AthleteParams, prev: number, d: WhatIfDay): number =>
      (perfWeight * 10 * (d.performancePct - prev)) / params.trainableRange - (hazardWeight + eventPenalty) * d.hazard;
    if (this.horizonDays === 1) {
      const days = whatIfBatch(jobs.map((j) => ({ params: j.params, state: j.state, options: j.sessions })));
      jobs.forEach((j, i) => j.ids.forEach((a, k) => (out[i]![a] = dayReward(j.params, j.state.perf, days[i]![k]!))));
      return out;
    }
    const tail: Session[] = new Array(this.horizonDays - 1).fill(REST_SESSION);
    jobs.forEach((j, i) => {
      if (j.ids.length === 0) return;
      const days = whatIf(j.params, j.state, j.sessions.map((s) => [s, ...tail]));
      j.ids.forEach((a, k) => {
        let prev = j.state.perf;
        let disc = 1;
        let total = 0;
        for (const d of days[k]!) {
          total += disc * dayReward(j.params, prev, d);
          prev = d.performancePct;
          disc *= this.gamma;
        }
        out[i]![a] = total;
      });
    });
    return out;
  }

  private pick(x: PolicyInput, s: Float64Array): number {
    let best = -1;
    let bestScore = -Infinity;
    // ascending ids: ties go to the smaller / easier action (REST first)
    for (let a = 0; a < ACTION_COUNT; a++) {
      const v = s[a]!;
      if (x.mask[a] === true && v === v && v > bestScore + 1e-12) {
        best = a;
        bestScore = v;
      }
    }
    return best >= 0 ? best : fallbackAction(0, x.mask);
  }
}

export interface CalibratedTwinSourceOptions {
  /** The athlete's history up to and including this morning (the service's stored days; AgentEnv.history). */
  historyFor(context: PolicyContext): readonly DailyObservation[];
  /** Level prior when the context has none (default 'recreational'). */
  defaultLevel?: Level;
}

/**
 * Twin source for real athletes: a Calibration per athlete, fed online with each completed day
 * (`addDay`; this morning's partial day is left out until its session is known), parameters from
 * `toParams()` and the state from `state(params)` (the logged sessions replayed through the calibrated
 * twin). Costs O(history) per decision for the replay.
 */
export function calibratedTwinSource(options: CalibratedTwinSourceOptions): TwinSource & { calibration(athleteId: string): Calibration | undefined } {
  const cals = new Map<string, { cal: Calibration; days: number; params: AthleteParams | undefined }>();
  const keyOf = (c: PolicyContext): string => c.athleteId ?? `${c.sport}:anonymous`;
  const update = (c: PolicyContext) => {
    const key = keyOf(c);
    const history = options.historyFor(c);
    // completed days only: those dated before the decision day
    let complete = history.length;
    while (complete > 0 && history[complete - 1]!.date >= c.date) complete--;
    let entry = cals.get(key);
    if (entry === undefined || entry.days > complete) {
      const first = history.slice(0, complete);
      entry = { cal: calibrate(first, { sport: c.sport, level: c.level ?? options.defaultLevel ?? 'recreational' }), days: complete, params: undefined };
      cals.set(key, entry);
    }
    for (let k = entry.days; k < complete; k++) entry.cal.addDay(history[k]!);
    if (entry.days !== complete || entry.params === undefined) {
      entry.days = complete;
      entry.params = entry.cal.toParams(key);
    }
    return entry;
  };
  return {
    paramsFor: (c) => update(c).params!,
    stateFor: (x, params) => update(x.context).cal.state(params),
    calibration: (id) => cals.get(id)?.cal,
  };
}
