import type { DailyObservation } from '../../../twin/types.ts';
import { addDays } from '../../../agent/state/dates.ts';

export const START = '2025-01-01';

/** ISO date of day i counted from START (2025-01-01 = day 0). */
export const day = (i: number): string => addDays(START, i);

/** Observations for days 0..n-1 built by f (return undefined to leave a gap). */
export function days(n: number, f: (i: number) => Omit<DailyObservation, 'date'> | undefined): DailyObservation[] {
  const out: DailyObservation[] = [];
  for (let i = 0; i < n; i++) {
    const o = f(i);
    if (o !== undefined) out.push({ date: day(i), ...o });
  }
  return out;
}
