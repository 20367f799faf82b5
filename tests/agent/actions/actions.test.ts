import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPORTS, type Sport } from '../../../twin/types.ts';
import { sessionLoad } from '../../../twin/load.ts';
import {
  ACTIONS,
  ACTION_COUNT,
  ACTION_ID,
  actionId,
  actionLoad,
  actionLoads,
  actionMinutes,
  ctlScale,
  getAction,
  isImpact,
  materialize,
} from '../../../agent/actions/index.ts';

describe('action catalogue', () => {
  it('when listing the actions then the order and ids are fixed (policy output layer)', () => {
    expect(ACTION_COUNT).toBe(14);
    expect(ACTIONS.map((a) => a.key)).toEqual([
      'REST',
      'ACTIVE_RECOVERY_SHORT',
      'ACTIVE_RECOVERY_STANDARD',
      'ENDURANCE_SHORT',
      'ENDURANCE_STANDARD',
      'ENDURANCE_LONG',
      'TEMPO_SHORT',
      'TEMPO_STANDARD',
      'TEMPO_LONG',
      'INTERVALS_SHORT',
      'INTERVALS_STANDARD',
      'INTERVALS_LONG',
      'STRENGTH_SHORT',
      'STRENGTH_STANDARD',
    ]);
    ACTIONS.forEach((a, i) => expect(a.id).toBe(i));
    expect(ACTION_ID.TEMPO_LONG).toBe(8);
  });

  it('when looking up (type, dose) then the id is returned, or undefined for a dose that does not exist', () => {
    expect(actionId('INTERVALS', 'standard')).toBe(10);
    expect(actionId('REST', 'long')).toBe(0);
    expect(actionId('ACTIVE_RECOVERY', 'long')).toBeUndefined();
    expect(actionId('STRENGTH', 'long')).toBeUndefined();
  });

  it('when the id is unknown then getAction throws', () => {
    expect(() => getAction(14)).toThrow(RangeError);
    expect(() => getAction(-1)).toThrow(RangeError);
  });
});

describe('materialize', () => {
  it('when a runner has CTL 50 (scale 1) then minutes are the base table and load is the twin sessionLoad', () => {
    const minutes = ACTIONS.map((a) => materialize(a.id, { sport: 'running', ctl: 50 }).minutes);
    expect(minutes).toEqual([0, 20, 30, 40, 60, 90, 40, 55, 75, 40, 55, 70, 30, 45]);
    const m = materialize(ACTION_ID.INTERVALS_STANDARD!, { sport: 'running', ctl: 50 });
    expect(m.targetLoad).toBeCloseTo(sessionLoad('INTERVALS', 55), 12); // 1.0² × 55/60 × 100 = 91.67
    expect(m.type).toBe('INTERVALS');
    expect(m.dose).toBe('standard');
    expect(m.intensity.zone).toBe('Z4-5');
    expect(materialize(ACTION_ID.ENDURANCE_STANDARD!, { sport: 'running', ctl: 50 }).targetLoad).toBeCloseTo(49, 12); // 0.7² × 100
  });

  it('when CTL is 0 then durations scale by 0.6; at CTL 150 by 1.5 (cap); cycling endurance by a further 1.5', () => {
    expect(ctlScale(0)).toBe(0.6);
    expect(ctlScale(80)).toBeCloseTo(1.3, 12);
    expect(ctlScale(150)).toBe(1.5);
    expect(ctlScale(Number.NaN)).toBe(0.6);
    expect(actionMinutes(ACTION_ID.ENDURANCE_SHORT!, 'running', 0)).toBe(25); // 40 × 0.6 = 24 → 25
    expect(actionMinutes(ACTION_ID.ENDURANCE_LONG!, 'cycling', 150)).toBe(205); // 90 × 1.5 × 1.5 = 202.5 → 205
    expect(actionMinutes(ACTION_ID.STRENGTH_STANDARD!, 'cycling', 150)).toBe(45); // gym time does not scale with CTL
    expect(actionMinutes(ACTION_ID.INTERVALS_STANDARD!, 'sprint400', 50)).toBe(60); // 55 × 1.1 = 60.5 → 60
  });

  it('when materialized then the load equals actionLoad and actionLoads', () => {
    const loads = actionLoads('team', 70);
    for (const a of ACTIONS) {
      const m = materialize(a.id, { sport: 'team', ctl: 70 });
      expect(m.targetLoad).toBe(actionLoad(a.id, 'team', 70));
      expect(loads[a.id]).toBe(m.targetLoad);
      expect(m.targetLoad).toBeCloseTo(a.type === 'REST' ? 0 : sessionLoad(a.type, m.minutes), 12);
    }
  });

  it('property: for every sport and CTL, longer doses of a type have more minutes and more load; REST is 0', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SPORTS), fc.double({ min: -10, max: 300, noNaN: true }), (sport: Sport, ctl: number) => {
        const rest = materialize(0, { sport, ctl });
        expect(rest.minutes).toBe(0);
        expect(rest.targetLoad).toBe(0);
        for (const a of ACTIONS) {
          const next = ACTIONS[a.id + 1];
          const m = materialize(a.id, { sport, ctl });
          if (a.type !== 'REST') expect(m.minutes).toBeGreaterThanOrEqual(10);
          expect(m.minutes % 5).toBe(0);
          if (next && next.type === a.type) {
            const n = materialize(next.id, { sport, ctl });
            expect(n.minutes).toBeGreaterThan(m.minutes);
            expect(n.targetLoad).toBeGreaterThan(m.targetLoad);
          }
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('when a fitter athlete gets the same action then the planned load is higher', () => {
    const low = materialize(ACTION_ID.TEMPO_STANDARD!, { sport: 'running', ctl: 30 });
    const high = materialize(ACTION_ID.TEMPO_STANDARD!, { sport: 'running', ctl: 90 });
    expect(low.minutes).toBe(45); // 55 × 0.8 = 44 → 45
    expect(high.minutes).toBe(75); // 55 × 1.4 = 77 → 75
    expect(high.targetLoad).toBeGreaterThan(low.targetLoad);
  });

  it('when described then the text names the minutes, the zone and a sport-specific example', () => {
    const d = (key: string, sport: Sport) => materialize(ACTION_ID[key]!, { sport, ctl: 50 }).description;
    // main set 55 − 25 = 30 min: floor((30 + 2) / 5) = 6 × (3 min + 2 min jog)
    expect(d('INTERVALS_STANDARD', 'running')).toBe(
      '55 min, Z4-5 (intervals: hard repetitions above threshold, > 90% HRmax, session RPE 7-8). 15 min easy with drills, 6 × 3 min at 5 km pace with 2 min jog, 10 min easy.',
    );
    expect(d('INTERVALS_STANDARD', 'cycling')).toContain('at 106-120% FTP');
    expect(d('INTERVALS_STANDARD', 'sprint400')).toContain('× 300 m at 95%');
    expect(d('INTERVALS_STANDARD', 'team')).toContain('× 4 min at 90-95% HRmax');
    // main set 75 − 20 = 55 min: 5 reps, floor((55 − 4 × 2 min jog) / 5) = 9 min each
    expect(d('TEMPO_LONG', 'running')).toBe(
      '75 min, Z3 (tempo/threshold: comfortably hard, 80-90% HRmax, RPE 5-6). 10 min easy, 5 × 9 min at half-marathon pace with 2 min jog, 10 min easy.',
    );
    expect(d('REST', 'team')).toMatch(/^Rest day/);
    for (const sport of SPORTS) {
      for (const a of ACTIONS) {
        const m = materialize(a.id, { sport, ctl: 50 });
        if (a.type !== 'REST') expect(m.description.startsWith(`${m.minutes} min, ${m.intensity.zone} (`)).toBe(true);
        expect(m.description).not.toMatch(/undefined|NaN/);
      }
    }
  });

  it('when asked about impact then running sessions and plyometric strength are impact, cycling has none', () => {
    const impactKeys = (sport: Sport) => ACTIONS.filter((a) => isImpact(a.id, sport)).map((a) => a.key);
    expect(impactKeys('cycling')).toEqual([]);
    for (const sport of ['running', 'sprint400', 'team'] as const) {
      expect(impactKeys(sport)).toEqual(ACTIONS.filter((a) => !['REST', 'ACTIVE_RECOVERY'].includes(a.type)).map((a) => a.key));
    }
    expect(materialize(ACTION_ID.ENDURANCE_SHORT!, { sport: 'running', ctl: 40 }).impact).toBe(true);
    expect(materialize(ACTION_ID.ACTIVE_RECOVERY_STANDARD!, { sport: 'running', ctl: 40 }).impact).toBe(false);
  });
});
