import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SESSION_INDEX,
  SESSION_TYPES,
  STATE_FIELDS,
  TwinBatch,
  TwinEnv,
  defaultParams,
  generatePopulation,
  minutesForLoad,
  type Session,
  type SessionType,
} from '../../twin/index.ts';
import { quietEnv, runDeterministic, stepAll } from './helpers.ts';

const athlete = defaultParams('running', 'recreational');

describe('twin dynamics', () => {
  it('when an athlete rests for five days, then fatigue (ATL and the Busso fatigue h) falls every day', () => {
    const env = quietEnv();
    env.reset([athlete]);
    let atl = Number.POSITIVE_INFINITY;
    let h = Number.POSITIVE_INFINITY;
    const batch = (env as unknown as { batch: TwinBatch }).batch;
    for (let d = 0; d < 5; d++) {
      stepAll(env, 'REST', 0);
      const t = env.truth();
      expect(t.atl[0]).toBeLessThan(atl);
      expect(batch.h[0]).toBeLessThan(h);
      atl = t.atl[0]!;
      h = batch.h[0]!;
    }
  });

  it('when an athlete rests after a heavy three-week block, then performance rises for several days (taper)', () => {
    const heavy = minutesForLoad('ENDURANCE', 2.5 * athlete.capacityLoad);
    const b = runDeterministic([athlete], (_, d) => (d < 21 ? { type: 'ENDURANCE', minutes: heavy } : { type: 'REST', minutes: 0 }), 21);
    const t = new Uint8Array(1);
    const m = new Float64Array(1);
    let prev = b.perf[0]!;
    for (let d = 0; d < 5; d++) {
      b.applySessions(t, m, null, false);
      expect(b.perf[0]!).toBeGreaterThan(prev);
      prev = b.perf[0]!;
      b.swapDay();
      b.day++;
      b.morning(null, false);
    }
  });

  it('when a hard day is done, then next-morning HRV is suppressed, and recovery takes longer after INTERVALS than after TEMPO and ENDURANCE', () => {
    // four identical athletes: rest control, 60 min ENDURANCE, TEMPO or INTERVALS on day 14, rest otherwise
    const types: SessionType[] = ['REST', 'ENDURANCE', 'TEMPO', 'INTERVALS'];
    const params = types.map(() => athlete);
    const b = new TwinBatch(params);
    b.morning(null, false);
    const t = new Uint8Array(4);
    const m = new Float64Array(4).fill(60);
    const dev: number[][] = [[], [], [], []]; // ln rMSSD vs control, mornings after the session
    for (let d = 0; d < 20; d++) {
      for (let i = 0; i < 4; i++) t[i] = d === 14 ? SESSION_INDEX[types[i]!] : 0;
      b.applySessions(t, m, null, false);
      b.swapDay();
      b.day++;
      b.morning(null, false);
      if (d >= 14) for (let i = 1; i < 4; i++) dev[i]!.push(b.lnHrv[i]! - b.lnHrv[0]!);
    }
    const recoveredAfter = (i: number): number => dev[i]!.findIndex((x) => x > -0.03) + 1; // mornings (×24 h) until within the 3 % SWC
    for (let i = 1; i < 4; i++) expect(dev[i]![0]).toBeLessThan(0); // suppressed next morning
    expect(dev[3]![0]).toBeLessThan(dev[2]![0]!);
    expect(dev[2]![0]).toBeLessThan(dev[1]![0]!);
    expect(recoveredAfter(1)).toBe(1); // easy: within 24 h
    expect(recoveredAfter(2)).toBe(2); // threshold: 24–48 h
    expect(recoveredAfter(3)).toBeGreaterThanOrEqual(3); // HIIT: ≥ 48 h
  });

  it('when the same load is done as INTERVALS instead of ENDURANCE, then HRV drops more (intensity matters, not only load)', () => {
    const load = 60;
    const sessions: Session[] = [
      { type: 'ENDURANCE', minutes: minutesForLoad('ENDURANCE', load) },
      { type: 'INTERVALS', minutes: minutesForLoad('INTERVALS', load) },
    ];
    const b = runDeterministic([athlete, athlete], (i) => sessions[i]!, 1);
    expect(b.load[0]).toBeCloseTo(b.load[1]!, 8);
    expect(b.lnHrv[1]!).toBeLessThan(b.lnHrv[0]! - 0.02);
    expect(b.rhr[1]!).toBeGreaterThan(b.rhr[0]!);
  });

  it('when a constant daily dose is swept, then performance after 12 weeks rises then falls (inverted U)', () => {
    const multiples = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
    const params = multiples.map(() => athlete);
    const b = runDeterministic(
      params,
      (i) => ({ type: 'ENDURANCE', minutes: minutesForLoad('ENDURANCE', multiples[i]! * athlete.capacityLoad) }),
      84,
    );
    const perf = Array.from(b.perf);
    const best = perf.indexOf(Math.max(...perf));
    expect(best).toBeGreaterThan(0);
    expect(best).toBeLessThan(multiples.length - 1);
    for (let i = 1; i <= best; i++) expect(perf[i]).toBeGreaterThan(perf[i - 1]!);
    for (let i = best + 1; i < perf.length; i++) expect(perf[i]).toBeLessThan(perf[i - 1]!);
    expect(perf[perf.length - 1]).toBeLessThan(perf[0]!); // six times the capacity is worse than doing nothing
  });

  it('when two athletes share parameters and seed but take different sessions, then their states differ (actions change state)', () => {
    const env = new TwinEnv({ seed: 3 });
    env.reset([athlete, athlete]);
    env.step(Uint8Array.of(SESSION_INDEX.REST, SESSION_INDEX.INTERVALS), Float32Array.of(0, 75));
    const t = env.truth();
    expect(t.load[0]).toBe(0);
    expect(t.load[1]).toBeCloseTo(125, 6);
    expect(t.atl[1]).toBeGreaterThan(t.atl[0]!);
    expect(t.acwr[1]).toBeGreaterThan(t.acwr[0]!);
    expect(t.performance[1]).not.toBeCloseTo(t.performance[0]!, 6);
    const s0 = env.snapshot(0);
    const s1 = env.snapshot(1);
    expect(s1.sS).toBeGreaterThan(s0.sS);
  });

  it('when random sessions with loads from 0 to 1000 run for up to a year, then every state stays finite', () => {
    const pop = generatePopulation({ n: 6, seed: 5 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.double({ min: 0, max: 1000, noNaN: true })), { minLength: 1, maxLength: 365 }),
        fc.integer({ min: 1, max: 1000 }),
        (days, seed) => {
          const env = new TwinEnv({ seed });
          env.reset(pop);
          const t = new Uint8Array(pop.length);
          const m = new Float32Array(pop.length);
          for (const [type, load] of days) {
            const name = SESSION_TYPES[type]!;
            t.fill(type);
            m.fill(minutesForLoad(name, load));
            const r = env.step(t, m);
            for (let i = 0; i < pop.length; i++) if (!Number.isFinite(r.reward[i]!) || !Number.isFinite(r.hazard[i]!)) return false;
          }
          for (let i = 0; i < pop.length; i++) {
            const s = env.snapshot(i);
            for (const f of STATE_FIELDS) if (!Number.isFinite(s[f])) return false;
            const o = env.observe(i);
            for (const v of [o.hrvRmssd, o.restingHr, o.sleepHours, o.load, o.rpe, o.soreness]) if (v !== undefined && !Number.isFinite(v)) return false;
          }
          const tr = env.truth();
          return tr.marker.every(Number.isFinite) && tr.acwr.every(Number.isFinite) && tr.hrvZ.every(Number.isFinite);
        },
      ),
      { numRuns: 25, seed: 20251122 },
    );
  });

  it('when 365 days of maximal INTERVALS are simulated, then performance falls far below baseline but stays finite', () => {
    const b = runDeterministic([athlete], () => ({ type: 'INTERVALS', minutes: 1440 }), 365);
    expect(Number.isFinite(b.perf[0]!)).toBe(true);
    expect(b.perf[0]!).toBeLessThan(-50);
    expect(Number.isFinite(b.lnHrv[0]!)).toBe(true);
  });

  it('when a batch is built from snapshots then it is the batch built at equilibrium with those snapshots restored', () => {
    const pop = generatePopulation({ n: 6, seed: 31 });
    const source = runDeterministic(pop, (i, day) => ({ type: SESSION_TYPES[(i + day) % SESSION_TYPES.length]!, minutes: 30 + 10 * i }), 17);
    const states = pop.map((_, i) => source.snapshot(i));
    const restored = new TwinBatch(pop);
    states.forEach((s, i) => restored.restore(i, s));
    expect(new TwinBatch(pop, states)).toEqual(restored);
  });
});
