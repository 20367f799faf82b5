/**
 * Reference plans used by tests, the bench and as sanity baselines: a 3:1 periodised plan with two hard
 * days a week, and constant plans. Day 0 is a Monday.
 */
import { minutesForLoad } from './load.ts';
import type { AthleteParams } from './params.ts';
import { habitualWeek } from './model.ts';
import { SESSION_TYPES, type Session } from './types.ts';

/** Weekly load multipliers within a 4-week block: three build weeks, one recovery week. */
export const BLOCK_WEEK_FACTORS = [1.0, 1.1, 1.2, 0.7] as const;
/** Block-to-block progression of the base weekly load, capped at 1.2 × capacity. */
export const BLOCK_PROGRESSION = 1.06;

/** Mean daily load the periodised plan targets in week `week` (0-based). */
export function periodizedDailyLoad(p: AthleteParams, week: number): number {
  const block = Math.floor(week / 4);
  const base = Math.min(p.initialLoad * Math.pow(BLOCK_PROGRESSION, block), 1.2 * p.capacityLoad);
  return base * BLOCK_WEEK_FACTORS[week % 4]!;
}

/**
 * Session of a 3:1 periodised plan on the sport's habitual week (model.habitualWeek): 2 hard days a week
 * (INTERVALS + TEMPO for endurance sports, INTERVALS + STRENGTH for the 400 m and team sports), one rest
 * day and easy endurance otherwise; base load grows 6 % a block from the initial load, capped at 1.2×
 * capacity; weeks of a block at ×1.0, 1.1, 1.2, 0.7.
 */
export function periodizedSession(p: AthleteParams, day: number): Session {
  const week = Math.floor(day / 7);
  const tpl = habitualWeek(p.sport)[day % 7]!;
  const type = SESSION_TYPES[tpl.type]!;
  const load = periodizedDailyLoad(p, week) * 7 * tpl.share;
  return { type, minutes: Math.round(minutesForLoad(type, load)) };
}
