import { describe, expect, it } from 'vitest';
import { SimulatedAthlete } from '../../../src/local/simulated-athlete.ts';
import { generatePopulation } from '../../../twin/index.ts';

const make = (index = 0) =>
  new SimulatedAthlete({
    athleteId: `a${index}`,
    userId: `sim-${index}`,
    displayName: `A${index}`,
    timezone: 'Europe/London',
    index,
    params: generatePopulation({ n: 3, seed: 5 })[index]!,
    seed: 2026,
    startDate: '2026-01-01',
    warmupDays: 21,
  });

describe('SimulatedAthlete', () => {
  it('when warmed up then the coming day is the season start and every warm-up day has a full observation', () => {
    const a = make();
    a.warmUp();
    expect(a.nextDate).toBe('2026-01-22');
    expect(a.seasonStartDate).toBe('2026-01-22');
    expect(a.days.size).toBe(21);
    expect(a.seasonStart).toBeDefined();
    const day = a.sourceDay('2026-01-10', true)!;
    expect(day.source).toBe('simulated');
    expect(day.metrics.load === 0 || day.workouts.length === 1).toBe(true);
  });

  it('when a session log is replayed then the twin is the same athlete (restart)', () => {
    const a = make(1);
    a.warmUp();
    for (let i = 0; i < 10; i++) a.step(a.choose({ type: i % 3 === 0 ? 'INTERVALS' : 'ENDURANCE', minutes: 50 }).session, 'ENDURANCE', null);
    const b = make(1);
    b.replay(a.sessions);
    expect(b.nextDate).toBe(a.nextDate);
    expect(b.currentTruth()).toEqual(a.currentTruth());
    expect(b.sourceDay(b.nextDate, false)).toEqual(a.sourceDay(a.nextDate, false));
  });

  it('when choosing what to do then the athlete mostly follows, sometimes shortens or skips, and always rests on a REST day', () => {
    const a = make(2);
    a.warmUp();
    const seen = { done: 0, partial: 0, skipped: 0 };
    for (let i = 0; i < 200; i++) {
      const c = a.choose({ type: 'TEMPO', minutes: 50 });
      seen[c.completion] += 1;
      if (c.completion === 'partial') expect(c.session.minutes).toBe(30);
      a.step({ type: 'REST', minutes: 0 }, null, null); // move the day on cheaply
    }
    expect(seen.done).toBeGreaterThan(140);
    expect(seen.partial).toBeGreaterThan(5);
    expect(seen.skipped).toBeGreaterThan(5);
    expect(a.choose({ type: 'REST', minutes: 0 })).toEqual({ session: { type: 'REST', minutes: 0 }, completion: 'done' });
  });

  it('when the athlete did a hard session then the wearable day carries its load as a workout and the morning readings have no load', () => {
    const a = make(0);
    a.warmUp();
    const d = a.step({ type: 'INTERVALS', minutes: 45 }, 'INTERVALS', 'done');
    const full = a.sourceDay(d.date, true)!;
    if (d.done.type === 'INTERVALS') {
      expect(full.workouts).toHaveLength(1);
      expect(full.workouts[0]!.sport).toBe('INTERVALS');
      expect(full.metrics.load).toBeGreaterThan(0);
    }
    const morning = a.sourceDay(a.nextDate, false)!;
    expect(morning.metrics.load).toBeUndefined();
    expect(morning.workouts).toEqual([]);
  });
});
