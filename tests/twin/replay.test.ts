import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anchoredParams,
  generatePopulation,
  LEVELS,
  minutesForLoad,
  periodizedSession,
  replayState,
  replayStates,
  SESSION_INDEX,
  SESSION_TYPES,
  SPORTS,
  TwinBatch,
  TwinEnv,
  whatIfBatch,
  whatIfToday,
  type AthleteParams,
  type AthleteState,
  type DailyObservation,
  type ReplayRequest,
} from '../../twin/index.ts';

function simulate(days: number) {
  const pop = generatePopulation({ n: 3, seed: 21 });
  const env = new TwinEnv({ seed: 4, horizonDays: days + 1, noise: false, shocks: false, events: false, missingRate: 0 });
  env.reset(pop);
  const histories: DailyObservation[][] = pop.map(() => []);
  const types = new Uint8Array(3);
  const minutes = new Float32Array(3);
  for (let d = 0; d < days; d++) {
    pop.forEach((p, i) => {
      const s = periodizedSession(p, d);
      types[i] = SESSION_INDEX[s.type];
      minutes[i] = s.minutes;
    });
    env.step(types, minutes);
    pop.forEach((_, i) => histories[i]!.push(env.observe(i)));
  }
  const date = env.observeMorning(0).date;
  return { pop, env, histories, date };
}

describe('replayState / whatIfBatch', () => {
  it('when a noise-free history is replayed with the true parameters then the hidden state matches the simulation', () => {
    const { pop, env, histories, date } = simulate(60);
    for (let i = 0; i < 3; i++) {
      const { state } = replayState(histories[i]!, { sport: pop[i]!.sport, params: pop[i]!, date, maxDays: 60 });
      const truth = env.snapshot(i);
      expect(state.atl).toBeCloseTo(truth.atl, 0);
      expect(state.ctl).toBeCloseTo(truth.ctl, 0);
      expect(Math.abs(state.lnHrv - truth.lnHrv)).toBeLessThan(0.02);
    }
  });

  it('when replayed in a batch then each athlete gets the same state as alone', () => {
    const { pop, histories, date } = simulate(30);
    const batch = replayStates(pop.map((p, i) => ({ history: histories[i]!, date, sport: p.sport })));
    pop.forEach((p, i) => expect(batch[i]!.state).toEqual(replayState(histories[i]!, { sport: p.sport, date }).state));
  });

  it('when without parameters then the prior is anchored on the history (habitual load, HRV and RHR levels)', () => {
    const { pop, histories, date } = simulate(40);
    const h = histories[0]!;
    const { params } = replayState(h, { sport: pop[0]!.sport, date });
    const meanLoad = h.slice(0, 28).reduce((a, o) => a + (o.load ?? 0), 0) / 28;
    const hrv = h.filter((o) => o.hrvRmssd !== undefined);
    expect(params.initialLoad).toBeCloseTo(meanLoad, 6);
    expect(params.lnRmssdBase).toBeCloseTo(hrv.reduce((a, o) => a + Math.log(o.hrvRmssd!), 0) / hrv.length, 6);
  });

  it('when what-ifs are batched then every answer equals the single-athlete what-if for tomorrow', () => {
    const { pop, histories, date } = simulate(30);
    const replays = replayStates(pop.map((p, i) => ({ history: histories[i]!, date, sport: p.sport })));
    const options = [
      { type: 'INTERVALS' as const, minutes: 60 },
      { type: 'REST' as const, minutes: 0 },
    ];
    const batched = whatIfBatch(replays.map((r) => ({ params: r.params, state: r.state, options })));
    replays.forEach((r, i) => {
      const single = whatIfToday(r.params, r.state, options).map((plan) => plan[0]);
      expect(batched[i]).toEqual(single);
      expect(batched[i]![0]!.hrvChangePct).toBeLessThan(batched[i]![1]!.hrvChangePct);
    });
  });
});

/**
 * The replay as first written (a Map from day to entry looked up day by day, dates through Date.parse):
 * the reference the planned, day-major replay must reproduce exactly.
 */
function referenceReplayStates(requests: readonly ReplayRequest[], maxDays = 120): { params: AthleteParams; state: AthleteState }[] {
  const epochDay = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
  const sessionOf = (obs: DailyObservation | undefined): { type: number; minutes: number } => {
    if (!obs) return { type: 0, minutes: 0 };
    let type = obs.sessionType !== undefined ? SESSION_INDEX[obs.sessionType] : -1;
    const load = obs.load;
    if (type < 0) type = load !== undefined && load > 0 ? SESSION_INDEX.ENDURANCE : 0;
    if (type === 0) return { type: 0, minutes: 0 };
    const minutes = load !== undefined && load >= 0 ? minutesForLoad(SESSION_TYPES[type]!, load) : Math.max(0, obs.minutes ?? 0);
    return { type, minutes };
  };
  const n = requests.length;
  if (n === 0) return [];
  const plans: { targetDay: number; byDay: Map<number, DailyObservation>; firstDay: number; habitual: number }[] = [];
  const params: AthleteParams[] = [];
  for (const r of requests) {
    const targetDay = epochDay(r.date);
    const byDay = new Map<number, DailyObservation>();
    let firstDay = targetDay;
    const past: DailyObservation[] = [];
    for (const o of r.history) {
      const d = epochDay(o.date);
      if (d >= targetDay) continue;
      byDay.set(d, o);
      past.push(o);
      if (d < firstDay) firstDay = d;
    }
    const p = r.params ?? anchoredParams(past, r.sport, r.level);
    params.push(p);
    plans.push({ targetDay, byDay, firstDay, habitual: minutesForLoad('ENDURANCE', p.initialLoad) });
  }
  const batch = new TwinBatch(params);
  batch.morning(null, false);
  const types = new Uint8Array(n);
  const minutes = new Float64Array(n);
  for (let k = -maxDays; k < 0; k++) {
    for (let i = 0; i < n; i++) {
      const plan = plans[i]!;
      const d = plan.targetDay + k;
      if (d < plan.firstDay) {
        types[i] = SESSION_INDEX.ENDURANCE;
        minutes[i] = plan.habitual;
      } else {
        const s = sessionOf(plan.byDay.get(d));
        types[i] = s.type;
        minutes[i] = s.minutes;
      }
    }
    batch.applySessions(types, minutes, null, false);
    batch.swapDay();
    batch.day++;
    batch.morning(null, false);
  }
  return params.map((p, i) => ({ params: p, state: batch.snapshot(i) }));
}

const isoOf = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const TARGET_DAY = Date.UTC(2025, 4, 6) / 86_400_000;

/** One logged day: any mix of training fields and readings, as wearables and athletes send them. */
const entryArb = fc.record(
  {
    sessionType: fc.constantFrom(...SESSION_TYPES),
    load: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 400, noNaN: true })),
    minutes: fc.integer({ min: 0, max: 240 }),
    completion: fc.constantFrom('done' as const, 'partial' as const, 'skipped' as const),
    hrvRmssd: fc.double({ min: 5, max: 200, noNaN: true }),
    restingHr: fc.double({ min: 35, max: 90, noNaN: true }),
    illness: fc.boolean(),
    injury: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** A history around TARGET_DAY: gaps, duplicate dates, entries on or after the date, older than the window, any order. */
const historyArb = fc
  .array(fc.tuple(fc.integer({ min: -200, max: 3 }), entryArb), { maxLength: 150 })
  .chain((days) => fc.boolean().map((sorted) => (sorted ? [...days].sort((a, b) => a[0] - b[0]) : days)))
  .map((days) => days.map(([offset, e]): DailyObservation => ({ date: isoOf(TARGET_DAY + offset), ...e })));

const requestArb: fc.Arbitrary<ReplayRequest> = fc.record(
  {
    history: historyArb,
    date: fc.constant(isoOf(TARGET_DAY)),
    sport: fc.constantFrom(...SPORTS),
    level: fc.constantFrom(...LEVELS),
  },
  { requiredKeys: ['history', 'date', 'sport'] },
);

describe('replayStates: the planned replay against the reference', () => {
  it('when random histories are replayed in a batch then parameters and states equal the reference exactly', () => {
    fc.assert(
      fc.property(fc.array(requestArb, { minLength: 1, maxLength: 6 }), fc.constantFrom(1, 7, 30, 120), (requests, maxDays) => {
        expect(replayStates(requests, maxDays)).toEqual(referenceReplayStates(requests, maxDays));
      }),
      { seed: 20261122, numRuns: 200 },
    );
  });

  it('when an athlete has given parameters then they are used as given and the state still equals the reference', () => {
    const [params] = generatePopulation({ n: 1, seed: 9 });
    fc.assert(
      fc.property(historyArb, (history) => {
        const request = { history, date: isoOf(TARGET_DAY), sport: params!.sport, params: params! };
        const [replayed] = replayStates([request]);
        expect(replayed!.params).toBe(params);
        expect(replayed).toEqual(referenceReplayStates([request])[0]);
      }),
      { seed: 20261123, numRuns: 50 },
    );
  });
});
