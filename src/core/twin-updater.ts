/**
 * TwinUpdater on the twin's calibration API (twin/calibrate.ts).
 *
 * `Calibration` is an in-memory posterior (Gaussian regressions plus a replay of the athlete's sessions)
 * with no serialised form, so it cannot be reloaded from a stored TwinParams version and fed one feedback
 * item. But `calibrate(history)` *is* the prior followed by the same online updates day by day, so
 * re-running it over the stored history (≤ historyDays, with the new feedback in it) yields exactly the
 * posterior an online update would have reached. Cost: one replay of ~90 days per feedback, milliseconds.
 *
 * Stored: `params` = the full AthleteParams (calibrated means on top of the population prior, ready for the
 * twin's env and what-ifs) plus `calibratedDays`; `uncertainty` = the posterior SD of each calibrated
 * parameter. Too short a history (< minDays consecutive days) stores nothing.
 */
import { calibrate } from '../../twin/index.ts';
import type { DailyObservation } from '../../twin/types.ts';
import { addDays } from './local-time.ts';
import type { TwinUpdateInput, TwinUpdater } from './ports.ts';

/** The history as consecutive days (calibration replays day by day): gaps become empty days. */
export function consecutiveDays(history: readonly DailyObservation[]): DailyObservation[] {
  const sorted = [...history].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const out: DailyObservation[] = [];
  for (const o of sorted) {
    const prev = out[out.length - 1];
    if (prev) {
      if (o.date === prev.date) continue;
      for (let d = addDays(prev.date, 1); d < o.date; d = addDays(d, 1)) out.push({ date: d });
    }
    out.push(o);
  }
  return out;
}

export class CalibratingTwinUpdater implements TwinUpdater {
  private readonly minDays: number;
  constructor(options: { minDays?: number } = {}) {
    this.minDays = options.minDays ?? 14;
  }

  async update(input: TwinUpdateInput): Promise<{ params: Record<string, unknown>; uncertainty: Record<string, number> } | null> {
    const days = consecutiveDays(input.history);
    if (days.length < this.minDays) return null;
    const cal = calibrate(days, { sport: input.sport, level: input.level });
    const estimate = cal.estimate();
    const uncertainty: Record<string, number> = {};
    for (const [k, v] of Object.entries(estimate)) uncertainty[k] = v.sd;
    const params: Record<string, unknown> = { ...cal.toParams(input.athleteId), calibratedDays: cal.days };
    const finite = Object.values(uncertainty).every(Number.isFinite) && Object.values(params).every((v) => typeof v !== 'number' || Number.isFinite(v));
    return finite ? { params, uncertainty } : null;
  }
}
