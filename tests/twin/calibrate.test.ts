import { describe, expect, it } from 'vitest';
import {
  TwinEnv,
  calibrate,
  generatePopulation,
  periodizedSession,
  type AthleteParams,
  type Calibration,
  type DailyObservation,
} from '../../twin/index.ts';

/**
 * Stated tolerances after 12 weeks of noisy data (HRV noise SD 0.12 ln, RHR 3 bpm, 10 % missing days,
 * life-stress and sleep shocks, injuries and illnesses on; a sport test every 14 days):
 *   lnRmssdBase ±0.06 ln (≈ 6 %), hrvSens ±0.1 ln per unit, rhrBase ±2 bpm, markerBase ±3 %,
 *   current marker ±3 %; each also within 3 posterior SD of the truth.
 * rhrSens, hrvTauSlow, k1 and k3Low are weakly identified in 12 weeks: only their SD must shrink below the prior.
 */
const TOL = { lnRmssdBase: 0.06, hrvSens: 0.1, rhrBase: 2 };

function simulateHistories(pop: AthleteParams[], days: number, seed: number) {
  const env = new TwinEnv({ seed, testEveryDays: 14, missingRate: 0.1 });
  env.reset(pop);
  const hist: DailyObservation[][] = pop.map(() => []);
  for (let d = 0; d < days; d++) {
    env.stepSessions(pop.map((p) => periodizedSession(p, d)));
    pop.forEach((_, i) => hist[i]!.push(env.observe(i)));
  }
  return { hist, markerNow: Array.from(env.truth().marker) };
}

describe('calibration', () => {
  const pop = generatePopulation({ n: 6, seed: 2024 });
  const { hist, markerNow } = simulateHistories(pop, 84, 99);
  const cals = pop.map((p, i) => calibrate(hist[i]!, { sport: p.sport, level: p.level }));

  it('when 12 weeks of noisy data of 6 synthetic athletes are calibrated, then the identifiable parameters are recovered within the stated tolerance', () => {
    pop.forEach((p, i) => {
      const e = cals[i]!.estimate();
      for (const k of ['lnRmssdBase', 'hrvSens', 'rhrBase'] as const) {
        const err = Math.abs(e[k].mean - p[k]);
        expect(err, `${p.id} ${k}`).toBeLessThan(TOL[k]);
        expect(err, `${p.id} ${k} z`).toBeLessThan(3 * e[k].sd);
      }
      expect(Math.abs(e.markerBase.mean / p.markerBase - 1), `${p.id} markerBase`).toBeLessThan(0.03);
      expect(Math.abs(e.markerBase.mean - p.markerBase)).toBeLessThan(3 * e.markerBase.sd);
      expect(Math.abs(e.markerNow.mean / markerNow[i]! - 1), `${p.id} markerNow`).toBeLessThan(0.03);
    });
  });

  it('when data accumulate, then the uncertainty of every calibrated parameter shrinks below its prior SD', () => {
    pop.forEach((p, i) => {
      const prior = calibrate([], { sport: p.sport, level: p.level, initialLoad: cals[i]!.initialLoad }).estimate();
      const post = cals[i]!.estimate();
      for (const k of ['lnRmssdBase', 'hrvSens', 'rhrBase', 'rhrSens', 'rpeBias', 'markerBase', 'k1'] as const) {
        expect(post[k].sd, `${p.id} ${k}`).toBeLessThan(prior[k].sd);
      }
    });
  });

  describe('online update from one feedback item', () => {
    // the last processed day is an INTERVALS day after a STRENGTH day: HRV load and soreness are high
    const base = (): Calibration => {
      const p = pop[0]!;
      const c = calibrate(hist[0]!.slice(0, 56), { sport: p.sport, level: p.level });
      c.addDay({ date: 'x1', sessionType: 'STRENGTH', minutes: 60 });
      c.addDay({ date: 'x2', sessionType: 'INTERVALS', minutes: 60 });
      return c;
    };

    it('when an RPE higher than expected is reported, then the estimated load sensitivity and RPE bias rise; a lower RPE lowers them', () => {
      const c = base();
      const before = c.estimate();
      const hi = c.clone().addFeedback({ kind: 'rpe', value: 10 }).estimate();
      const lo = c.clone().addFeedback({ kind: 'rpe', value: 4 }).estimate();
      expect(hi.hrvSens.mean).toBeGreaterThan(before.hrvSens.mean);
      expect(hi.rpeBias.mean).toBeGreaterThan(before.rpeBias.mean);
      expect(lo.hrvSens.mean).toBeLessThan(before.hrvSens.mean);
      expect(lo.rpeBias.mean).toBeLessThan(before.rpeBias.mean);
      expect(c.estimate()).toEqual(before); // the original is untouched (clone)
    });

    it('when a better test result than predicted is reported, then the predicted performance moves toward it', () => {
      const c = base();
      const before = c.estimate();
      const hib = pop[0]!.sport === 'cycling' || pop[0]!.sport === 'team';
      const better = before.markerNow.mean * (hib ? 1.05 : 0.95);
      const worse = before.markerNow.mean * (hib ? 0.95 : 1.05);
      const up = c.clone().addFeedback({ kind: 'test', value: better }).estimate();
      const down = c.clone().addFeedback({ kind: 'test', value: worse }).estimate();
      const gain = (x: number) => (hib ? x - before.markerNow.mean : before.markerNow.mean - x);
      expect(gain(up.markerNow.mean)).toBeGreaterThan(0);
      expect(gain(down.markerNow.mean)).toBeLessThan(0);
      expect(Math.abs(up.markerNow.mean - better)).toBeLessThan(Math.abs(before.markerNow.mean - better));
      expect(up.markerNow.sd).toBeLessThan(before.markerNow.sd);
    });

    it('when more soreness than expected is reported, then the soreness sensitivity rises', () => {
      const c = base();
      const before = c.estimate();
      const after = c.clone().addFeedback({ kind: 'soreness', value: 5 }).estimate();
      expect(after.sorenessSens.mean).toBeGreaterThan(before.sorenessSens.mean);
    });

    it('when a tired wellness check-in is reported, then the load sensitivity rises; a fresh one lowers it', () => {
      const c = base();
      const before = c.estimate();
      const tired = c.clone().addFeedback({ kind: 'wellness', wellness: { fatigue: 1 } }).estimate();
      const fresh = c.clone().addFeedback({ kind: 'wellness', wellness: { fatigue: 5 } }).estimate();
      expect(tired.hrvSens.mean).toBeGreaterThan(before.hrvSens.mean);
      expect(fresh.hrvSens.mean).toBeLessThan(before.hrvSens.mean);
    });
  });

  it('when a calibration is turned into parameters and a state, then what-if runs from it with the calibrated baselines', () => {
    const c = cals[1]!;
    const params = c.toParams('me');
    const s = c.state(params);
    expect(params.lnRmssdBase).toBeCloseTo(c.estimate().lnRmssdBase.mean, 12);
    expect(Number.isFinite(s.lnHrv)).toBe(true);
    expect(s.recentLoads).toHaveLength(7);
  });
});
