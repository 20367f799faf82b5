import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MetricSource, SourceDay, WorkoutRecord } from '../../src/core/metrics.ts';
import { DEFAULT_PRECEDENCE, mergeSourceDays } from '../../src/wearables/merge.ts';

function day(source: MetricSource, date: string, metrics: SourceDay['metrics'], raw: SourceDay['raw'] = {}, workouts: WorkoutRecord[] = []): SourceDay {
  return { source, date, metrics, raw, workouts };
}

function workout(source: MetricSource, id: string, load: number): WorkoutRecord {
  return { source, externalId: id, date: '2024-03-10', start: '2024-03-10T17:00:00+02:00', minutes: 60, load, loadMethod: 'tss' };
}

describe('mergeSourceDays', () => {
  it('when Oura, WHOOP, Polar and intervals all report HRV, then the default precedence picks Oura and keeps every raw value', () => {
    const merged = mergeSourceDays([
      day('intervals', '2024-03-10', { hrvRmssd: 70, restingHr: 49, sleepHours: 7.1 }, { 'wellness.hrv': 70 }),
      day('polar', '2024-03-10', { hrvRmssd: 41, restingHr: 54 }, { 'nightly_recharge.heart_rate_variability_avg': 41 }),
      day('whoop', '2024-03-10', { hrvRmssd: 65.27, restingHr: 52, readiness: 66 }, { 'recovery.score.hrv_rmssd_milli': 65.27 }),
      day('oura', '2024-03-10', { hrvRmssd: 48, sleepScore: 82 }, { 'sleep.average_hrv': 48 }),
    ]);
    expect(merged).toHaveLength(1);
    const d = merged[0]!;
    expect(d.metrics).toEqual({ hrvRmssd: 48, restingHr: 52, sleepHours: 7.1, sleepScore: 82, readiness: 66 });
    expect(d.sources).toEqual({ hrvRmssd: 'oura', restingHr: 'whoop', sleepHours: 'intervals', sleepScore: 'oura', readiness: 'whoop' });
    expect(d.bySource.polar?.raw).toEqual({ 'nightly_recharge.heart_rate_variability_avg': 41 });
    expect(d.bySource.intervals?.metrics.hrvRmssd).toBe(70);
    expect(Object.keys(d.bySource).sort()).toEqual(['intervals', 'oura', 'polar', 'whoop']);
  });

  it('when the top source lacks a field, then the next source in that field’s list fills it', () => {
    const [d] = mergeSourceDays([
      day('oura', '2024-03-10', { sleepScore: 82 }),
      day('polar', '2024-03-10', { hrvRmssd: 41 }),
      day('intervals', '2024-03-10', { hrvRmssd: 70 }),
    ]);
    expect(d!.metrics.hrvRmssd).toBe(41);
    expect(d!.sources.hrvRmssd).toBe('polar');
  });

  it('when the precedence is configured per field, then it overrides the default for that field only', () => {
    const [d] = mergeSourceDays(
      [day('oura', '2024-03-10', { hrvRmssd: 48, restingHr: 47 }), day('whoop', '2024-03-10', { hrvRmssd: 65, restingHr: 52 })],
      { precedence: { hrvRmssd: ['whoop', 'oura'] } },
    );
    expect(d!.metrics).toEqual({ hrvRmssd: 65, restingHr: 47 });
  });

  it('when a manual entry exists, then it beats every device by default', () => {
    const [d] = mergeSourceDays([day('oura', '2024-03-10', { restingHr: 47 }), day('manual', '2024-03-10', { restingHr: 51 })]);
    expect(d!.sources.restingHr).toBe('manual');
  });

  it('when the same session reaches us through two sources, then load comes from one source and is not summed', () => {
    const [d] = mergeSourceDays([
      day('polar', '2024-03-10', { load: 103.4 }, {}, [workout('polar', '2AC312F', 103.4)]),
      day('intervals', '2024-03-10', { load: 95 }, {}, [workout('intervals', 'i1001', 95)]),
    ]);
    expect(d!.metrics.load).toBe(95);
    expect(d!.sources.load).toBe('intervals');
    expect(d!.workouts.map((w) => w.externalId)).toEqual(['i1001']);
    expect(d!.bySource.polar?.workouts.map((w) => w.externalId)).toEqual(['2AC312F']);
  });

  it('when a source is not in a field’s list, then it ranks after the listed ones, alphabetically', () => {
    const [d] = mergeSourceDays([day('simulated', '2024-03-10', { hrvRmssd: 60 }), day('apple_health', '2024-03-10', { hrvRmssd: 30 })]);
    expect(DEFAULT_PRECEDENCE.hrvRmssd).not.toContain('apple_health'); // SDNN is not rMSSD: never listed for hrvRmssd
    expect(d!.sources.hrvRmssd).toBe('apple_health');
  });

  it('when the same source sends the same day twice, then later fields win and workouts are de-duplicated', () => {
    const [d] = mergeSourceDays([
      day('whoop', '2024-03-10', { hrvRmssd: 60, restingHr: 50 }, { a: 1 }, [workout('whoop', 'w1', 20)]),
      day('whoop', '2024-03-10', { hrvRmssd: 62 }, { b: 2 }, [workout('whoop', 'w1', 24), workout('whoop', 'w2', 10)]),
    ]);
    expect(d!.bySource.whoop?.metrics).toEqual({ hrvRmssd: 62, restingHr: 50 });
    expect(d!.bySource.whoop?.raw).toEqual({ a: 1, b: 2 });
    expect(d!.bySource.whoop?.workouts.map((w) => [w.externalId, w.load])).toEqual([
      ['w1', 24],
      ['w2', 10],
    ]);
  });

  it('when days differ, then one merged day per date comes back in date order and inputs are untouched', () => {
    const input = [day('oura', '2024-03-11', { hrvRmssd: 50 }), day('oura', '2024-03-09', { hrvRmssd: 40 }), day('whoop', '2024-03-10', { hrvRmssd: 45 })];
    const copy = structuredClone(input);
    expect(mergeSourceDays(input).map((d) => d.date)).toEqual(['2024-03-09', '2024-03-10', '2024-03-11']);
    expect(input).toEqual(copy);
  });

  it('for any set of source days, each merged value equals the value of the source it names', () => {
    const sources: MetricSource[] = ['oura', 'whoop', 'polar', 'intervals', 'manual', 'fit'];
    const arb = fc.array(
      fc.record({
        source: fc.constantFrom(...sources),
        date: fc.constantFrom('2024-03-10', '2024-03-11'),
        hrv: fc.option(fc.double({ min: 10, max: 150, noNaN: true }), { nil: undefined }),
        rhr: fc.option(fc.integer({ min: 35, max: 80 }), { nil: undefined }),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const days = rows.map((r) => {
          const m: SourceDay['metrics'] = {};
          if (r.hrv !== undefined) m.hrvRmssd = r.hrv;
          if (r.rhr !== undefined) m.restingHr = r.rhr;
          return day(r.source, r.date, m);
        });
        for (const d of mergeSourceDays(days)) {
          for (const [field, src] of Object.entries(d.sources)) {
            expect(d.bySource[src]?.metrics[field as 'hrvRmssd']).toBe(d.metrics[field as 'hrvRmssd']);
          }
          // No present value is lost: if any source had HRV that day, the merged day has HRV.
          const anyHrv = rows.some((r) => r.date === d.date && r.hrv !== undefined);
          expect(d.metrics.hrvRmssd !== undefined).toBe(anyHrv);
        }
      }),
      { numRuns: 200 },
    );
  });
});
