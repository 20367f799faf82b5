/**
 * Weekly twin recalibration: every athlete's twin is re-fitted from their last `historyDays` of stored
 * wearable data and feedback (the core's TwinUpdater — CalibratingTwinUpdater, twin/calibrate.ts) and
 * stored as the next TwinParams version (saveTwinCalibration). Feedback already updates the twin online;
 * this pass also covers athletes who gave no feedback, and re-anchors everyone on a full window.
 *
 * Once per ISO week per athlete: the lease `recalibrate:<athlete>:<week>`; histories are loaded in
 * chunks (one query per collection per chunk).
 */
import { DateTime } from 'luxon';
import type { UseCases } from '../src/core/index.ts';
import { addDays, localDate } from '../src/core/local-time.ts';
import type { TwinUpdater } from '../src/core/ports.ts';
import type { Job, JobSummary } from './job.ts';
import type { SharedSchedules } from './due-index.ts';
import type { Claims, HistorySource } from './ports.ts';

export const RECALIBRATION_JOB = 'twin-recalibration';

export interface TwinRecalibrationDeps {
  core: Pick<UseCases, 'saveTwinCalibration'>;
  twin: TwinUpdater;
  history: HistorySource;
  schedules: SharedSchedules;
  claims: Claims;
  owner: string;
  options?: {
    /** Cron (UTC). Default Monday 02:30. */
    schedule?: string;
    historyDays?: number;
    chunkSize?: number;
    /** Notified after each stored calibration (the engine's twin parameter cache). */
    onCalibrated?: (athleteId: string, params: Record<string, unknown>) => void;
  };
}

export const isoWeekOf = (at: Date) => DateTime.fromJSDate(at, { zone: 'UTC' }).toFormat("kkkk-'W'WW");

export function twinRecalibrationJob(deps: TwinRecalibrationDeps): Job {
  const { core, twin, history, claims, owner } = deps;
  const historyDays = deps.options?.historyDays ?? 90;
  const chunkSize = deps.options?.chunkSize ?? 100;
  return {
    name: RECALIBRATION_JOB,
    schedule: deps.options?.schedule ?? '30 2 * * 1',
    async run(ctx) {
      const { now } = ctx;
      const week = isoWeekOf(now);
      const athletes = (await deps.schedules.list(now)).filter((s) => s.status === 'active');
      const c = { athletes: athletes.length, calibrated: 0, tooShort: 0, skippedDone: 0, failed: 0 };
      for (let i = 0; i < athletes.length && !ctx.signal.aborted; i += chunkSize) {
        const chunk = athletes.slice(i, i + chunkSize);
        const claimed: { s: (typeof chunk)[number]; gen: number; key: string }[] = [];
        for (const s of chunk) {
          const key = `recalibrate:${s.athleteId}:${week}`;
          const claim = await claims.acquire(key, owner, 10 * 60_000);
          if (claim.acquired) claimed.push({ s, gen: claim.gen, key });
          else c.skippedDone += 1;
        }
        if (claimed.length === 0) continue;
        // Each athlete's window ends yesterday (their local calendar); one query per collection per chunk.
        const ends = claimed.map(({ s }) => addDays(localDate(now, s.timezone), -1));
        const to = ends.reduce((a, b) => (a > b ? a : b));
        const from = addDays(ends.reduce((a, b) => (a < b ? a : b)), -(historyDays - 1));
        const histories = await history.histories(
          claimed.map(({ s }) => s.athleteId),
          from,
          to,
        );
        for (const [j, { s, gen, key }] of claimed.entries()) {
          try {
            const end = ends[j]!;
            const days = (histories.get(s.athleteId) ?? []).filter((o) => o.date <= end && o.date > addDays(end, -historyDays));
            const last = days[days.length - 1];
            // `current` is not read by the calibrating updater (it refits the whole window).
            const update = last ? await twin.update({ athleteId: s.athleteId, sport: s.sport, level: s.level, current: null, observation: last, history: days }) : null;
            if (update) {
              await core.saveTwinCalibration(s.athleteId, update.params, update.uncertainty);
              deps.options?.onCalibrated?.(s.athleteId, update.params);
              c.calibrated += 1;
            } else c.tooShort += 1;
            await claims.complete(key, gen);
          } catch (err) {
            c.failed += 1;
            ctx.logger.warn({ err, athleteId: s.athleteId }, 'twin recalibration failed');
            await claims.release(key, gen).catch(() => undefined);
          }
        }
      }
      const summary: JobSummary = {};
      for (const [k, v] of Object.entries(c)) if (v > 0) summary[k] = v;
      return summary;
    },
  };
}
