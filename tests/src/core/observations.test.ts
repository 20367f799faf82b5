import { describe, expect, it } from 'vitest';
import { buildHistory, toObservation } from '../../../src/core/observations.ts';
import { inputsHash } from '../../../src/core/prescribe.use-case.ts';
import type { DailyMetricsRecord, FeedbackRecord, PrescriptionRecord } from '../../../src/core/types.ts';

const t = new Date('2026-11-22T07:00:00Z');
const metrics = (date: string, f: Partial<Record<'hrvRmssd' | 'restingHr' | 'sleepHours' | 'sleepScore' | 'load', number>>): DailyMetricsRecord => ({
  athleteId: 'a',
  date,
  fields: Object.fromEntries(Object.entries(f).map(([k, v]) => [k, { value: v, source: 'oura' }])),
  sources: [],
  workouts: [],
  updatedAt: t,
});
const fb = (date: string, x: Partial<FeedbackRecord>): FeedbackRecord => ({
  id: `f-${date}-${x.slot ?? 'main'}`,
  athleteId: 'a',
  date,
  slot: 'main',
  tests: [],
  createdAt: t,
  updatedAt: t,
  editableUntil: t,
  editCount: 0,
  ...x,
});

describe('toObservation / buildHistory', () => {
  it('when a past day has metrics and feedback then the observation carries both', () => {
    const o = toObservation('2026-11-20', {
      metrics: metrics('2026-11-20', { hrvRmssd: 62, restingHr: 47, sleepHours: 7.2, sleepScore: 81, load: 88 }),
      feedback: [fb('2026-11-20', { rpe: 7, minutes: 60, completion: 'done', soreness: 2, sessionType: 'TEMPO', tests: [{ test: 'FTP', value: 280, unit: 'W', higherIsBetter: true }] })],
    });
    expect(o).toEqual({
      date: '2026-11-20',
      hrvRmssd: 62,
      restingHr: 47,
      sleepHours: 7.2,
      sleepScore: 81,
      load: 88,
      rpe: 7,
      minutes: 60,
      completion: 'done',
      soreness: 2,
      sessionType: 'TEMPO',
      testResult: { test: 'FTP', value: 280, unit: 'W', higherIsBetter: true },
    });
  });

  it('when the day is the prescribed day then only morning readings are kept', () => {
    const o = toObservation(
      '2026-11-22',
      { metrics: metrics('2026-11-22', { hrvRmssd: 60, load: 120 }), feedback: [fb('2026-11-22', { rpe: 9, wellness: { fatigue: 2 }, illness: true })] },
      true,
    );
    expect(o).toEqual({ date: '2026-11-22', hrvRmssd: 60, wellness: { fatigue: 2 }, illness: true });
  });

  it('when feedback has no session type then the day’s prescription type is used once the athlete reported on it', () => {
    const rx = { session: { type: 'INTERVALS', minutes: 50 } } as unknown as PrescriptionRecord;
    expect(toObservation('2026-11-20', { feedback: [fb('2026-11-20', { completion: 'skipped' })], prescription: rx }).sessionType).toBe('INTERVALS');
    expect(toObservation('2026-11-20', { feedback: [fb('2026-11-20', { wellness: { mood: 4 } })], prescription: rx }).sessionType).toBeUndefined();
  });

  it('when there is an extra session slot then minutes add up and the main slot gives RPE', () => {
    const o = toObservation('2026-11-20', { feedback: [fb('2026-11-20', { slot: 'extra-1', minutes: 20, rpe: 3 }), fb('2026-11-20', { minutes: 60, rpe: 6 })] });
    expect(o).toMatchObject({ minutes: 80, rpe: 6 });
  });

  it('when records come unordered and include later days then the history is sorted, ends at the day and skips empty days', () => {
    const h = buildHistory(
      '2026-11-22',
      [metrics('2026-11-23', { hrvRmssd: 1 }), metrics('2026-11-21', { hrvRmssd: 61 }), metrics('2026-11-19', {})],
      [fb('2026-11-20', { rpe: 5 }), fb('2026-11-22', { rpe: 8, wellness: { mood: 3 } })],
    );
    expect(h).toEqual([
      { date: '2026-11-20', rpe: 5 },
      { date: '2026-11-21', hrvRmssd: 61 },
      { date: '2026-11-22', wellness: { mood: 3 } },
    ]);
  });
});

describe('inputsHash', () => {
  it('when the same request is written with keys in another order then the hash is the same', () => {
    const a = inputsHash({ athleteId: 'a', date: '2026-11-22', sport: 'running', history: [{ date: '2026-11-21', hrvRmssd: 60, load: 50 }] });
    const b = inputsHash({ history: [{ load: 50, hrvRmssd: 60, date: '2026-11-21' }], sport: 'running', date: '2026-11-22', athleteId: 'a' });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when any input changes then the hash changes', () => {
    const base = { athleteId: 'a', date: '2026-11-22', history: [{ date: '2026-11-21', hrvRmssd: 60 }] };
    const h0 = inputsHash(base);
    expect(inputsHash({ ...base, history: [{ date: '2026-11-21', hrvRmssd: 61 }] })).not.toBe(h0);
    expect(inputsHash({ ...base, constraints: [{ kind: 'rest_only', from: '2026-11-22' }] })).not.toBe(h0);
    expect(inputsHash({ ...base, override: { type: 'REST', reason: 'x', by: 'your coach' } })).not.toBe(h0);
  });
});
