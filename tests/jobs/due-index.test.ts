import { describe, expect, it } from 'vitest';
import { DueIndex, ScheduledIndex, SharedSchedules } from '../../jobs/due-index.ts';
import type { AthleteSchedule } from '../../jobs/ports.ts';

const athlete = (id: string, timezone: string, morningTime = '06:30', status: 'active' | 'paused' = 'active'): AthleteSchedule => ({
  athleteId: id,
  timezone,
  morningTime,
  status,
  simulated: false,
  sport: 'running',
  level: 'trained',
});
const morning = (catchUpDays = 0) => new DueIndex({ timeOf: (s) => (s.status === 'active' ? s.morningTime : null), catchUpDays });

describe('DueIndex', () => {
  it('when loaded before the morning time then nothing is due until that instant, in the athlete’s zone', () => {
    const idx = morning();
    idx.load([athlete('a', 'Europe/Berlin')], new Date('2026-06-01T03:00:00Z'));
    expect(idx.due(new Date('2026-06-01T04:29:00Z'))).toBe(false);
    expect(idx.due(new Date('2026-06-01T04:30:00Z'))).toBe(true); // 06:30 CEST
    expect(idx.take(new Date('2026-06-01T04:30:00Z')).map((i) => [i.athleteId, i.date])).toEqual([['a', '2026-06-01']]);
  });

  it('when the service starts after the morning time then today is offered at once (catch-up) and yesterday only with catchUpDays 1', () => {
    const plain = morning();
    plain.load([athlete('a', 'UTC')], new Date('2026-06-01T10:00:00Z'));
    expect(plain.take(new Date('2026-06-01T10:00:00Z')).map((i) => i.date)).toEqual(['2026-06-01']);
    const withYesterday = morning(1);
    withYesterday.load([athlete('a', 'UTC')], new Date('2026-06-01T10:00:00Z'));
    const first = withYesterday.take(new Date('2026-06-01T10:00:00Z'));
    expect(first.map((i) => i.date)).toEqual(['2026-05-31']);
    withYesterday.done('a', '2026-05-31');
    expect(withYesterday.take(new Date('2026-06-01T10:00:00Z')).map((i) => i.date)).toEqual(['2026-06-01']);
  });

  it('when an athlete appears after the first load and their time has passed then they start tomorrow', () => {
    const idx = morning();
    idx.load([athlete('a', 'UTC')], new Date('2026-06-01T05:00:00Z'));
    idx.load([athlete('a', 'UTC'), athlete('late', 'UTC')], new Date('2026-06-01T07:00:00Z'));
    expect(idx.peek('late')).toEqual({ date: '2026-06-02', dueAt: new Date('2026-06-02T06:30:00Z') });
    expect(idx.peek('a')!.date).toBe('2026-06-01');
  });

  it('when a day is done then the next local day is due; a retry waits; a paused athlete drops out', () => {
    const idx = morning();
    idx.load([athlete('a', 'UTC')], new Date('2026-06-01T00:00:00Z'));
    idx.retry('a', '2026-06-01', new Date('2026-06-01T07:00:00Z'));
    expect(idx.take(new Date('2026-06-01T06:45:00Z'))).toEqual([]);
    expect(idx.take(new Date('2026-06-01T07:00:00Z'))).toHaveLength(1);
    idx.done('a', '2026-06-01');
    expect(idx.nextDueAt()).toEqual(new Date('2026-06-02T06:30:00Z'));
    idx.load([athlete('a', 'UTC', '06:30', 'paused')], new Date('2026-06-01T08:00:00Z'));
    expect(idx.size).toBe(0);
    expect(idx.due(new Date('2026-06-09T00:00:00Z'))).toBe(false);
  });

  it('when days were missed (process asleep) then the stale date is skipped to today', () => {
    const idx = morning();
    idx.load([athlete('a', 'UTC')], new Date('2026-06-01T00:00:00Z'));
    const items = idx.take(new Date('2026-06-05T09:00:00Z'));
    expect(items.map((i) => i.date)).toEqual(['2026-06-05']);
  });

  it('when the morning time falls in a spring-forward gap then it is due once, at the first valid instant after the gap', () => {
    const idx = morning();
    idx.load([athlete('a', 'Europe/Berlin', '02:30')], new Date('2026-03-28T12:00:00Z'));
    idx.done('a', '2026-03-28');
    // 2026-03-29 02:30 does not exist in Berlin (02:00 → 03:00): 03:30 CEST = 01:30 UTC
    expect(idx.nextDueAt()).toEqual(new Date('2026-03-29T01:30:00Z'));
  });

  it('when the morning time happens twice (fall back) then the first occurrence is the one', () => {
    const idx = morning();
    idx.load([athlete('a', 'America/New_York', '01:30')], new Date('2026-10-31T12:00:00Z'));
    idx.done('a', '2026-10-31');
    // 2026-11-01 01:30 EDT (05:30 UTC) and 01:30 EST (06:30 UTC): the first
    expect(idx.nextDueAt()).toEqual(new Date('2026-11-01T05:30:00Z'));
  });
});

describe('SharedSchedules + ScheduledIndex', () => {
  it('when two indexes share the schedules then the source is read once per ttl and both reload after it moves on', async () => {
    let reads = 0;
    let list = [athlete('a', 'UTC')];
    const shared = new SharedSchedules({ list: async () => (reads++, list) }, 60 * 60_000);
    const one = new ScheduledIndex(shared, morning());
    const two = new ScheduledIndex(shared, morning());
    const t0 = new Date('2026-06-01T00:00:00Z');
    expect(one.due(t0)).toBe(true); // never loaded
    await one.take(t0);
    await two.take(t0);
    expect(reads).toBe(1);
    expect(one.due(new Date('2026-06-01T00:30:00Z'))).toBe(false);
    list = [athlete('a', 'UTC'), athlete('b', 'UTC', '00:45')];
    expect(one.due(new Date('2026-06-01T01:00:00Z'))).toBe(true); // stale: reload
    const items = await one.take(new Date('2026-06-01T01:00:00Z'));
    expect(reads).toBe(2);
    expect(items).toEqual([]); // b appeared after its time: starts tomorrow
    expect(one.index.peek('b')!.date).toBe('2026-06-02');
  });
});
