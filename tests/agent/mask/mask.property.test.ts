import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HARD_SESSIONS, SPORTS, type Sport } from '../../../twin/types.ts';
import { ACTIONS, isImpact, materialize } from '../../../agent/actions/index.ts';
import { computeMask } from '../../../agent/mask/index.ts';
import type { Constraint } from '../../../agent/mask/index.ts';
import { computeState, epochDay, isoDate, projectedAcwr } from '../../../agent/state/index.ts';
import type { AthleteState } from '../../../agent/state/index.ts';
import { arbHistory } from '../state/helpers.ts';
import { arbConstraints, arbOverrides } from './fixtures.ts';

/** An independent statement of the rules: may this action be prescribed? (docs/domain.md thresholds.) */
function forbidden(s: AthleteState, sport: Sport, constraints: readonly Constraint[], id: number): boolean {
  const a = ACTIONS[id]!;
  if (a.type === 'REST') return false;
  const hard = HARD_SESSIONS.has(a.type);
  const aboveRecovery = a.type !== 'ACTIVE_RECOVERY';
  const load = materialize(id, { sport, ctl: s.ctl }).targetLoad;
  if (s.illness) return true;
  if (s.injury && aboveRecovery) return true;
  if (s.daysSinceRest - 1 >= 6 && aboveRecovery) return true;
  if (s.restingHrDeviation !== undefined && s.restingHrDeviation >= 10 && aboveRecovery) return true;
  if (s.acwr !== undefined && s.acwr >= 1.5 && (hard || a.key === 'ENDURANCE_LONG')) return true;
  if (s.hrvBand === 'below' && hard && s.lnRmssd7 !== undefined && s.hrvBandLower !== undefined && s.hrvBandUpper !== undefined) return true;
  if (s.hrvFallingDays >= 2 && hard) return true;
  if (hard && s.restingHrDeviation !== undefined && s.restingHrDeviation >= 5 && s.sleepHoursToday !== undefined && s.sleepHoursToday <= 6) return true;
  const signs = [
    s.restingHrDeviation !== undefined && s.restingHrDeviation >= 5,
    s.hrvTodayZ !== undefined && s.hrvTodayZ <= -1.5 && s.hrvRmssdToday !== undefined,
    s.sleepHoursToday !== undefined && s.sleepHoursToday <= 5,
    s.latestSoreness !== undefined && s.latestSoreness >= 5 && (s.latestSorenessAgeDays ?? 99) <= 1,
  ].filter(Boolean).length;
  if (signs >= 2 && (hard || a.dose === 'long')) return true;
  if (s.consecutiveHardDays >= 2 && hard) return true;
  if (s.ctlRampPerWeek !== undefined && s.ctlRampPerWeek > 8 && aboveRecovery && load > s.ctl) return true;
  if (!s.acwrColdStart && aboveRecovery) {
    const p = projectedAcwr(s, load);
    if (p !== undefined && p >= 1.5) return true;
  }
  if (s.acwrColdStart && hard && a.dose === 'long') return true;
  const day = s.epochDay;
  for (const c of constraints) {
    if (c.from !== undefined && day < epochDay(c.from)) continue;
    if (c.to !== undefined && day > epochDay(c.to)) continue;
    if (c.type === 'rest_only') return true;
    if (c.type === 'no_high_intensity' && (a.type === 'TEMPO' || a.type === 'INTERVALS')) return true;
    if (c.type === 'no_impact' && isImpact(id, sport)) return true;
    if (c.type === 'max_load' && load > (Number.isFinite(c.value) ? c.value : 0)) return true;
  }
  return false;
}

describe('computeMask property', () => {
  it('property: over random histories, overrides and constraints the allowed set is non-empty, contains REST and exactly the actions no rule forbids', () => {
    fc.assert(
      fc.property(
        arbHistory.chain(({ history, target }) =>
          fc.record({ history: fc.constant(history), target: fc.constant(target), constraints: arbConstraints(target), overrides: arbOverrides, sport: fc.constantFrom(...SPORTS), override: fc.boolean() }),
        ),
        ({ history, target, constraints, overrides, sport, override }) => {
          const computed = computeState(history, target);
          const state = override ? { ...computed, ...overrides } : computed;
          const r = computeMask({ state, sport, constraints });
          expect(r.allowed.length).toBeGreaterThan(0);
          expect(r.allowed).toContain(0);
          expect(r.mask[0]).toBe(true);
          expect(r.mask.length).toBe(ACTIONS.length);
          for (const a of ACTIONS) {
            const f = forbidden(state, sport, constraints, a.id);
            if (r.mask[a.id] === f) throw new Error(`${a.key}: mask ${r.mask[a.id]} but oracle forbidden=${f}`);
          }
          expect(r.allowed.length + r.blocked.length).toBe(ACTIONS.length);
          for (const b of r.blocked) {
            expect(b.rules[0]).toBe(b.rule);
            expect(b.reason.length).toBeGreaterThan(10);
            expect(b.reason).not.toMatch(/NaN|undefined/);
          }
        },
      ),
      { numRuns: 1500, seed: 20250301 },
    );
  });
});
