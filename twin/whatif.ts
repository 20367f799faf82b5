/**
 * What-if: simulate k days ahead for one athlete under alternative session sequences from the current
 * state, deterministically (expected values: no measurement noise, no shocks, no injury/illness draws;
 * hazards are still reported). Used by explanations: "if INTERVALS today, the twin predicts HRV −9 %
 * tomorrow".
 */
import { TwinBatch, type AthleteState } from './dynamics.ts';
import { markerFromPerformance, type AthleteParams } from './params.ts';
import { SESSION_INDEX, SESSION_TYPES, type Session } from './types.ts';

export interface WhatIfDay {
  /** 0 = today (the first session of the plan). */
  day: number;
  /** Session executed (REST when the athlete is forced to rest). */
  session: Session;
  forcedRest: boolean;
  /** Load of the day (TSS points). */
  load: number;
  /** Next morning's predicted rMSSD (ms), resting HR (bpm) and sleep (h). */
  hrvRmssd: number;
  restingHr: number;
  sleepHours: number;
  /** Next morning's rMSSD vs this morning's (%), and vs the athlete's recovered baseline (%). */
  hrvChangePct: number;
  hrvVsBaselinePct: number;
  /** ATL (fatigue), CTL (fitness), form = CTL − ATL, ACWR (EWMA), after the day. */
  fatigue: number;
  fitness: number;
  form: number;
  acwr: number;
  /** Performance P (%) relative to the state's day 0, and in the sport's test units. */
  performancePct: number;
  marker: number;
  /** Injury + illness probability of the day. */
  hazard: number;
}

/**
 * Simulate each plan from `state` (a TwinEnv.snapshot or Calibration.state()). Plans may differ in length.
 * Returns one WhatIfDay per planned day, per plan.
 */
export function whatIf(params: AthleteParams, state: AthleteState, plans: readonly (readonly Session[])[]): WhatIfDay[][] {
  const k = plans.length;
  if (k === 0) return [];
  const batch = new TwinBatch(Array.from({ length: k }, () => params), Array.from({ length: k }, () => state));
  const startLn = state.lnHrv;
  const horizon = Math.max(...plans.map((p) => p.length));
  const types = new Uint8Array(k);
  const minutes = new Float64Array(k);
  const out: WhatIfDay[][] = plans.map(() => []);
  for (let d = 0; d < horizon; d++) {
    for (let j = 0; j < k; j++) {
      const s = plans[j]![d];
      types[j] = s ? SESSION_INDEX[s.type] : 0;
      minutes[j] = s ? s.minutes : 0;
    }
    batch.applySessions(types, minutes, null, false);
    batch.swapDay();
    batch.day++;
    batch.morning(null, false);
    for (let j = 0; j < k; j++) {
      if (d >= plans[j]!.length) continue;
      out[j]!.push(dayOf(batch, j, d, startLn, params));
    }
  }
  return out;
}

/** Convenience: compare single sessions today followed by the same continuation (default: rest). */
export function whatIfToday(
  params: AthleteParams,
  state: AthleteState,
  options: readonly Session[],
  continuation: readonly Session[] = [{ type: 'REST', minutes: 0 }],
): WhatIfDay[][] {
  return whatIf(
    params,
    state,
    options.map((s) => [s, ...continuation]),
  );
}

/** One athlete's what-if question for whatIfBatch: today's alternative sessions (one day ahead). */
export interface WhatIfItem {
  params: AthleteParams;
  state: AthleteState;
  options: readonly Session[];
}

/**
 * Many athletes' one-day what-ifs in one batch (the morning job explains 10,000 decisions): every option
 * of every item is a slot of a single TwinBatch. Result [item][option] = the next morning's WhatIfDay.
 */
export function whatIfBatch(items: readonly WhatIfItem[]): WhatIfDay[][] {
  const slots: { item: number; option: number }[] = [];
  const params: AthleteParams[] = [];
  items.forEach((it, i) =>
    it.options.forEach((_, o) => {
      slots.push({ item: i, option: o });
      params.push(it.params);
    }),
  );
  const out: WhatIfDay[][] = items.map((it) => new Array(it.options.length));
  if (slots.length === 0) return out;
  const batch = new TwinBatch(params, slots.map((s) => items[s.item]!.state));
  const types = new Uint8Array(slots.length);
  const minutes = new Float64Array(slots.length);
  slots.forEach((s, j) => {
    const session = items[s.item]!.options[s.option]!;
    types[j] = SESSION_INDEX[session.type];
    minutes[j] = session.minutes;
  });
  batch.applySessions(types, minutes, null, false);
  batch.swapDay();
  batch.day++;
  batch.morning(null, false);
  slots.forEach((s, j) => {
    out[s.item]![s.option] = dayOf(batch, j, 0, items[s.item]!.state.lnHrv, items[s.item]!.params);
  });
  return out;
}

/** The WhatIfDay of slot j after the batch simulated `day` (next morning's readings). */
function dayOf(batch: TwinBatch, j: number, day: number, startLn: number, params: AthleteParams): WhatIfDay {
  const ln = batch.lnHrv[j]!;
  const perf = batch.perf[j]!;
  return {
    day,
    session: { type: SESSION_TYPES[batch.type[j]!]!, minutes: batch.minutes[j]! },
    forcedRest: batch.overridden[j] === 1 || batch.injuredDay[j] === 1 || batch.dayIll[j]! > 0,
    load: batch.load[j]!,
    hrvRmssd: Math.exp(ln),
    restingHr: batch.rhr[j]!,
    sleepHours: batch.sleep[j]!,
    hrvChangePct: 100 * (Math.exp(ln - startLn) - 1),
    hrvVsBaselinePct: 100 * (Math.exp(ln - batch.lnBase[j]!) - 1),
    fatigue: batch.atl[j]!,
    fitness: batch.ctl[j]!,
    form: batch.ctl[j]! - batch.atl[j]!,
    acwr: batch.acwr[j]!,
    performancePct: perf,
    marker: markerFromPerformance(params, perf),
    hazard: batch.hazInj[j]! + batch.hazIll[j]!,
  };
}
