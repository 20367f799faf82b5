import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, localDate, localTimeReached, localTimeToInstant } from '../../../src/core/local-time.ts';

describe('athlete-local time', () => {
  it('when a London athlete wakes at 06:30 in winter and summer then the instants are 06:30Z and 05:30Z', () => {
    expect(localTimeToInstant('2026-01-15', '06:30', 'Europe/London').toISOString()).toBe('2026-01-15T06:30:00.000Z');
    expect(localTimeToInstant('2026-07-15', '06:30', 'Europe/London').toISOString()).toBe('2026-07-15T05:30:00.000Z');
  });

  it('when the wall time falls in the spring-forward gap then the first valid instant after it is used', () => {
    // New York 2026-03-08: 02:00 → 03:00 EDT. 02:30 does not exist → 03:30 EDT = 07:30Z.
    expect(localTimeToInstant('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('when the wall time happens twice at fall-back then the first occurrence is used', () => {
    // New York 2026-11-01: 02:00 EDT → 01:00 EST. 01:30 first occurs at EDT (UTC−4) = 05:30Z.
    expect(localTimeToInstant('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('when the zone has a half-hour offset then the instant honours it', () => {
    expect(localTimeToInstant('2026-06-01', '06:30', 'Asia/Kolkata').toISOString()).toBe('2026-06-01T01:00:00.000Z');
    // Adelaide in January is UTC+10:30 (daylight time).
    expect(localTimeToInstant('2026-01-10', '06:30', 'Australia/Adelaide').toISOString()).toBe('2026-01-09T20:00:00.000Z');
  });

  it('when asked for the local date at an instant then it follows the zone, not UTC', () => {
    expect(localDate(new Date('2026-11-22T23:30:00Z'), 'Asia/Tokyo')).toBe('2026-11-23');
    expect(localDate(new Date('2026-11-22T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-11-21');
  });

  it('when the morning time has not come yet then reached is false for that local date', () => {
    const r = localTimeReached(new Date('2026-11-22T06:29:00Z'), '06:30', 'Europe/London');
    expect(r).toMatchObject({ date: '2026-11-22', reached: false });
    expect(localTimeReached(new Date('2026-11-22T06:30:00Z'), '06:30', 'Europe/London').reached).toBe(true);
  });

  it('when dates are shifted then month and leap-year boundaries are right', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-03-01', '2026-03-29')).toBe(28); // across the EU DST change
  });

  it('when the time or date is malformed then a clear error names it', () => {
    expect(() => localTimeToInstant('2026-11-22', '6:30', 'UTC')).toThrow('invalid time "6:30"');
    expect(() => localTimeToInstant('2026-13-01', '06:30', 'UTC')).toThrow('invalid date "2026-13-01"');
    expect(() => localTimeToInstant('2026-11-01', '06:30', 'Mars/Base')).toThrow('invalid zone "Mars/Base"');
  });
});
