import { describe, expect, it } from 'vitest';
import type { SourceDay } from '../../../src/core/metrics.ts';
import { athlete, useCore } from './support/harness.ts';

const h = useCore('2026-11-22T07:00:00Z');

const day = (source: SourceDay['source'], metrics: SourceDay['metrics'], raw: SourceDay['raw'] = {}, workouts: SourceDay['workouts'] = []): SourceDay => ({
  source,
  date: '2026-11-21',
  metrics,
  raw,
  workouts,
});

describe('recordSourceDays', () => {
  it('when two providers report the same day then each field keeps its value and source, and every source’s raw day is kept', async () => {
    const a = await athlete(h, 'Two devices');
    await h.core.recordSourceDays(a.personId, [day('whoop', { hrvRmssd: 71, restingHr: 50, sleepHours: 7.1 }, { recovery_score: 66 })]);
    await h.core.recordSourceDays(a.personId, [
      day('intervals', { load: 95 }, { icu_training_load: 95 }, [
        { source: 'intervals', externalId: 'i1', date: '2026-11-21', start: '2026-11-21T17:00:00+01:00', minutes: 70, load: 95, loadMethod: 'tss' },
      ]),
    ]);
    const rec = (await h.deps.dailyMetrics.get(a.personId, '2026-11-21'))!;
    expect(rec.fields).toEqual({
      hrvRmssd: { value: 71, source: 'whoop' },
      restingHr: { value: 50, source: 'whoop' },
      sleepHours: { value: 7.1, source: 'whoop' },
      load: { value: 95, source: 'intervals' },
    });
    expect(rec.sources.map((s) => [s.source, s.raw])).toEqual([
      ['whoop', { recovery_score: 66 }],
      ['intervals', { icu_training_load: 95 }],
    ]);
    expect(rec.workouts).toEqual([expect.objectContaining({ externalId: 'i1', load: 95, loadMethod: 'tss' })]);
  });

  it('when a source re-syncs a day then its entry is replaced, not appended', async () => {
    const a = await athlete(h, 'Resync');
    await h.core.recordSourceDays(a.personId, [day('oura', { hrvRmssd: 50 })]);
    await h.core.recordSourceDays(a.personId, [day('oura', { hrvRmssd: 55 })]);
    const rec = (await h.deps.dailyMetrics.get(a.personId, '2026-11-21'))!;
    expect(rec.sources).toHaveLength(1);
    expect(rec.fields.hrvRmssd).toEqual({ value: 55, source: 'oura' });
    expect(await h.db.connection.collection('daily_metrics').countDocuments({ athleteId: a.personId })).toBe(1);
  });

  it('when two providers sync the same day at the same moment then neither source is lost', async () => {
    const a = await athlete(h, 'Concurrent');
    await Promise.all([
      h.core.recordSourceDays(a.personId, [day('oura', { hrvRmssd: 60 })]),
      h.core.recordSourceDays(a.personId, [day('polar', { restingHr: 44 })]),
      h.core.recordSourceDays(a.personId, [day('manual', { sleepHours: 8 })]),
    ]);
    const rec = (await h.deps.dailyMetrics.get(a.personId, '2026-11-21'))!;
    expect(rec.sources.map((s) => s.source).sort()).toEqual(['manual', 'oura', 'polar']);
  });

  it('when a day has an invalid date then nothing is stored', async () => {
    const a = await athlete(h, 'Bad day');
    await expect(h.core.recordSourceDays(a.personId, [{ ...day('oura', { hrvRmssd: 1 }), date: '21/11/2026' }])).rejects.toMatchObject({ code: 'VALIDATION.DATE_INVALID' });
  });
});
