/**
 * The pieces the importers lean on, checked against slow obvious references: sleep-interval union, the
 * cached local-day calendar, Apple's date format, the load formulas.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseAppleDate } from '../../../src/wearables/files/apple-health.importer.ts';
import { LocalCalendar, missingDates } from '../../../src/wearables/files/local-calendar.ts';
import { durationLoad, resolveHrProfile, thresholdHourTrimp, trimp, trimpToTss } from '../../../src/wearables/files/load.ts';
import { SleepIntervals } from '../../../src/wearables/files/sleep-intervals.ts';

const MIN = 60_000;

describe('SleepIntervals', () => {
  it('when random intervals are added in any order, then the union equals a minute-by-minute count', () => {
    const base = Date.UTC(2024, 0, 5);
    const interval = fc.tuple(fc.integer({ min: 0, max: 4 * 1440 }), fc.integer({ min: 1, max: 600 }));
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 60 }), (spans) => {
        const s = new SleepIntervals();
        const covered = new Set<number>();
        for (const [start, len] of spans) {
          s.add(base + start * MIN, base + (start + len) * MIN);
          for (let m = start; m < start + len; m++) covered.add(m);
        }
        const merged = [...s.merged()];
        const total = merged.reduce((sum, [a, b]) => sum + (b - a), 0);
        expect(total).toBe(covered.size * MIN);
        merged.forEach(([a, b], i) => {
          expect(b).toBeGreaterThan(a);
          if (i > 0) expect(a).toBeGreaterThan(merged[i - 1]![1]); // disjoint, not touching, sorted
        });
      }),
      { numRuns: 300 },
    );
  });

  it('when a night is described by hundreds of overlapping stage samples, then only a handful of numbers are stored', () => {
    const s = new SleepIntervals();
    const night = Date.UTC(2024, 0, 5, 22);
    for (let source = 0; source < 3; source++) {
      for (let k = 0; k < 96; k++) s.add(night + k * 5 * MIN, night + (k + 1) * 5 * MIN + source * MIN);
    }
    expect([...s.merged()]).toEqual([[night, night + 96 * 5 * MIN + 2 * MIN]]);
    // One merged interval per UTC start-day bucket the night touches (22:00 → 06:00 spans two).
    expect(s.storedValues).toBe(4);
  });
});

describe('LocalCalendar', () => {
  const zones = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'];

  it('when asked for the local date of any instant (DST edges included), then it agrees with luxon', () => {
    const cals = zones.map((z) => new LocalCalendar(z));
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.integer({ min: 0, max: zones.length - 1 }), (ms, zi) => {
        expect(cals[zi]!.date(ms)).toBe(DateTime.fromMillis(ms, { zone: zones[zi]! }).toISODate());
      }),
      { numRuns: 2000 },
    );
  });

  it('when an instant sits a minute either side of a DST change, then the local date is still right', () => {
    const cal = new LocalCalendar('Australia/Lord_Howe'); // 30-minute DST shift at 02:00 local
    const change = DateTime.fromISO('2024-04-07T02:00', { zone: 'Australia/Lord_Howe' }).toMillis();
    for (const ms of [change - MIN, change, change + MIN, change + 29 * MIN, change + 31 * MIN]) {
      expect(cal.date(ms)).toBe(DateTime.fromMillis(ms, { zone: 'Australia/Lord_Howe' }).toISODate());
    }
  });

  it('when a sleep ends before 18:00 local, then it belongs to that day; at or after 18:00, to the next', () => {
    const cal = new LocalCalendar('Europe/Paris');
    const at = (s: string) => DateTime.fromISO(s, { zone: 'Europe/Paris' }).toMillis();
    expect(cal.wakeDate(at('2024-01-06T07:00'))).toBe('2024-01-06');
    expect(cal.wakeDate(at('2024-01-06T17:59'))).toBe('2024-01-06');
    expect(cal.wakeDate(at('2024-01-06T18:00'))).toBe('2024-01-07');
    expect(cal.wakeDate(at('2024-01-06T23:30'))).toBe('2024-01-07');
  });

  it('when a time zone is unknown, then it is rejected with IMPORT.INVALID_OPTIONS', () => {
    expect(() => new LocalCalendar('Nowhere/Land')).toThrow(expect.objectContaining({ code: 'IMPORT.INVALID_OPTIONS' }));
  });

  it('when two days are given, then missingDates lists the days strictly between them that are absent', () => {
    expect(missingDates('2024-02-27', '2024-03-02', new Set(['2024-02-27', '2024-02-29', '2024-03-02']))).toEqual(['2024-02-28', '2024-03-01']);
  });
});

describe('parseAppleDate', () => {
  it("when a date has Apple's shape, then the offset is applied; otherwise NaN", () => {
    expect(parseAppleDate('2024-01-05 07:12:03 +0100')).toBe(Date.UTC(2024, 0, 5, 6, 12, 3));
    expect(parseAppleDate('2024-01-05 07:12:03 -0530')).toBe(Date.UTC(2024, 0, 5, 12, 42, 3));
    expect(parseAppleDate('2024-01-05T07:12:03+01:00')).toBeNaN();
    expect(parseAppleDate(undefined)).toBeNaN();
  });
});

describe('load formulas', () => {
  it('when the HR profile is the default, then it is HRmax 190, HRrest 60, threshold 171', () => {
    expect(resolveHrProfile()).toEqual({ maxHr: 190, restingHr: 60, thresholdHr: 171 });
    expect(resolveHrProfile({ maxHr: 200 })).toEqual({ maxHr: 200, restingHr: 60, thresholdHr: 180 });
  });

  it("when TRIMP is computed, then it follows Banister's formula and an hour at threshold is 100", () => {
    const p = resolveHrProfile();
    // x = 0.5 → 30 min × 0.5 × 0.64 × e^0.96
    expect(trimp(125, 30, p)).toBeCloseTo(30 * 0.5 * 0.64 * Math.exp(0.96), 10);
    expect(trimpToTss(thresholdHourTrimp(p), p)).toBeCloseTo(100, 10);
    expect(trimp(40, 60, p)).toBe(0); // below resting HR clamps to 0
    expect(trimp(250, 60, p)).toBeCloseTo(60 * 0.64 * Math.exp(1.92), 10); // above max clamps to 1
  });

  it('when only the duration is known, then load uses the per-sport rate with 50/h for unknown sports', () => {
    expect(durationLoad(60, 'running')).toBe(60);
    expect(durationLoad(60, 'walking')).toBe(25);
    expect(durationLoad(30, 'underwater_hockey')).toBe(25);
    expect(durationLoad(30, undefined)).toBe(25);
  });
});
