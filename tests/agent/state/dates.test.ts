import { describe, expect, it } from 'vitest';
import { addDays, dayOfWeek, epochDay, isoDate } from '../../../agent/state/dates.ts';

describe('epoch-day calendar arithmetic', () => {
  it('when given known dates then returns the days since 1970-01-01', () => {
    expect(epochDay('1970-01-01')).toBe(0);
    expect(epochDay('1970-01-02')).toBe(1);
    expect(epochDay('1969-12-31')).toBe(-1);
    expect(epochDay('2000-03-01')).toBe(11017); // 30 years incl. 7 leap days (72..96) + Jan/Feb 2000 (60 days)
    expect(epochDay('2025-01-01')).toBe(Date.UTC(2025, 0, 1) / 86_400_000);
  });

  it('when the string is not a real calendar date then returns NaN', () => {
    for (const bad of ['2023-02-29', '2025-13-01', '2025-04-31', '2025-1-01', '2025/01/01', '', 'abcd-ef-gh', '2025-00-10']) {
      expect(epochDay(bad), bad).toBeNaN();
    }
    expect(epochDay('2024-02-29')).toBe(Date.UTC(2024, 1, 29) / 86_400_000);
  });

  it('when formatting then round-trips every day of four years and matches Date', () => {
    for (let d = epochDay('2023-01-01'); d < epochDay('2027-01-01'); d++) {
      const iso = isoDate(d);
      expect(iso).toBe(new Date(d * 86_400_000).toISOString().slice(0, 10));
      expect(epochDay(iso)).toBe(d);
    }
  });

  it('when asked the weekday then Monday is 0 and Sunday 6', () => {
    expect(dayOfWeek(epochDay('2025-01-06'))).toBe(0); // Monday
    expect(dayOfWeek(epochDay('2025-01-12'))).toBe(6); // Sunday
    expect(dayOfWeek(epochDay('1970-01-01'))).toBe(3); // Thursday
    expect(dayOfWeek(epochDay('1969-12-29'))).toBe(0); // Monday before the epoch
  });

  it('when adding days across a month and a leap day then lands on the right date', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
  });
});
