import { ACTION_ID } from '../actions/catalogue.ts';
import { fallbackAction } from './fallback.ts';
import type { Policy, PolicyInput } from './policy.ts';

const A = ACTION_ID as Readonly<Record<string, number>>;
const id = (key: string): number => {
  const v = A[key];
  if (v === undefined) throw new Error(`unknown action key ${key}`);
  return v;
};

/**
 * Linear periodization: 4-week mesocycles of 3 progressive build weeks and 1 deload week.
 *
 * Build week k = 1, 2, 3 (day of the week from dayIndex % 7):
 *   d0 REST · d1 INTERVALS · d2 ENDURANCE · d3 TEMPO · d4 ACTIVE_RECOVERY · d5 ENDURANCE (weekly long) · d6 STRENGTH
 * with the hard sessions short → standard → long over the three weeks (3 hard days: d1, d3, d6).
 * Deload week: REST · TEMPO short · ACTIVE_RECOVERY · ENDURANCE short · REST · INTERVALS short ·
 * ENDURANCE standard (2 hard days, about half the volume).
 */
export const STATIC_PLAN: readonly (readonly string[])[] = Object.freeze([
  ['REST', 'INTERVALS_SHORT', 'ENDURANCE_SHORT', 'TEMPO_SHORT', 'ACTIVE_RECOVERY_STANDARD', 'ENDURANCE_STANDARD', 'STRENGTH_SHORT'],
  ['REST', 'INTERVALS_STANDARD', 'ENDURANCE_STANDARD', 'TEMPO_STANDARD', 'ACTIVE_RECOVERY_STANDARD', 'ENDURANCE_LONG', 'STRENGTH_STANDARD'],
  ['REST', 'INTERVALS_LONG', 'ENDURANCE_STANDARD', 'TEMPO_LONG', 'ACTIVE_RECOVERY_STANDARD', 'ENDURANCE_LONG', 'STRENGTH_STANDARD'],
  ['REST', 'TEMPO_SHORT', 'ACTIVE_RECOVERY_STANDARD', 'ENDURANCE_SHORT', 'REST', 'INTERVALS_SHORT', 'ENDURANCE_STANDARD'],
]);
const PLAN_IDS: readonly (readonly number[])[] = STATIC_PLAN.map((w) => w.map(id));

export interface StaticPolicyOptions {
  /** Shift the plan: day `offset` of the plan is dayIndex 0 (e.g. to start on a build week's Wednesday). */
  offset?: number;
}

/** The planned (unmasked) action for a day of the plan. */
export function staticPlanAction(dayIndex: number, offset = 0): number {
  const d = Math.max(0, Math.floor(dayIndex + offset));
  const week = Math.floor(d / 7) % 4;
  return PLAN_IDS[week]![d % 7]!;
}

export class StaticPolicy implements Policy {
  readonly name = 'static';
  readonly version = '1';
  private readonly offset: number;

  constructor(options: StaticPolicyOptions = {}) {
    this.offset = options.offset ?? 0;
  }

  decide(inputs: readonly PolicyInput[]): number[] {
    return inputs.map((x) => fallbackAction(staticPlanAction(x.context.dayIndex, this.offset), x.mask));
  }
}
