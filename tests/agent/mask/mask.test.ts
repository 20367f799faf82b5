import { describe, expect, it } from 'vitest';
import { ACTIONS, ACTION_ID, materialize } from '../../../agent/actions/index.ts';
import { computeMask, constraintApplies, DEFAULT_MASK_CONFIG, RULE_ORDER } from '../../../agent/mask/index.ts';
import type { Constraint, MaskResult, RuleId } from '../../../agent/mask/index.ts';
import { computeState, epochDay, projectedAcwr } from '../../../agent/state/index.ts';
import type { AthleteState } from '../../../agent/state/index.ts';
import type { Sport } from '../../../twin/types.ts';
import { baseState } from './fixtures.ts';
import { day, days } from '../state/helpers.ts';

const ALL = ACTIONS.map((a) => a.id);
const ids = (...keys: string[]) => keys.map((k) => ACTION_ID[k]!);
const HARD = ids('TEMPO_SHORT', 'TEMPO_STANDARD', 'TEMPO_LONG', 'INTERVALS_SHORT', 'INTERVALS_STANDARD', 'INTERVALS_LONG', 'STRENGTH_SHORT', 'STRENGTH_STANDARD');
const ABOVE_RECOVERY = ALL.filter((id) => id > 2);
const NOT_REST = ALL.filter((id) => id > 0);

function mask(over: Partial<AthleteState>, constraints: Constraint[] = [], sport: Sport = 'running'): MaskResult {
  return computeMask({ state: baseState(over), sport, constraints });
}
const blockedBy = (r: MaskResult, rule: RuleId) => r.hits.find((h) => h.rule === rule)?.actionIds ?? [];
const fired = (r: MaskResult, rule: RuleId) => r.hits.some((h) => h.rule === rule);

describe('computeMask: base case', () => {
  it('when the athlete is healthy and steady then nothing is blocked', () => {
    const s = baseState();
    expect(s.acwr).toBeGreaterThan(0.8);
    expect(s.acwr).toBeLessThan(1.3);
    expect(s.hrvBand).toBe('inside');
    const r = computeMask({ state: s, sport: 'running' });
    expect(r.hits).toEqual([]);
    expect(r.allowed).toEqual(ALL);
    expect(r.mask).toEqual(ALL.map(() => true));
    expect(r.blocked).toEqual([]);
  });

  it('when the rule order is listed then it has the 17 rules, most severe first', () => {
    expect(RULE_ORDER[0]).toBe('illness');
    expect(RULE_ORDER.length).toBe(17);
    expect(DEFAULT_MASK_CONFIG.acwrDanger).toBe(1.5);
    expect(DEFAULT_MASK_CONFIG.ctlRampMax).toBe(8);
  });
});

describe('computeMask: ACWR', () => {
  it('when ACWR is 1.56 then hard sessions and long endurance are blocked with the numbers in the reason', () => {
    const r = mask({ acwr: 1.56 });
    expect(blockedBy(r, 'acwr_danger')).toEqual([ACTION_ID.ENDURANCE_LONG!, ...HARD]);
    const b = r.blocked.find((x) => x.key === 'INTERVALS_SHORT')!;
    expect(b.rule).toBe('acwr_danger');
    expect(b.reason).toBe('ACWR 1.56 ≥ 1.50: no session above ENDURANCE standard');
    expect(r.allowed).toEqual(ids('REST', 'ACTIVE_RECOVERY_SHORT', 'ACTIVE_RECOVERY_STANDARD', 'ENDURANCE_SHORT', 'ENDURANCE_STANDARD'));
  });

  it('when ACWR is exactly 1.50 then the rule fires; at 1.49 it does not', () => {
    expect(fired(mask({ acwr: 1.5 }), 'acwr_danger')).toBe(true);
    expect(fired(mask({ acwr: 1.49 }), 'acwr_danger')).toBe(false);
  });

  it('when acute 74 / chronic 50 then only INTERVALS long (ACWR → 1.551) is blocked by the projection; INTERVALS standard (→ 1.483) passes', () => {
    // runner, CTL 50: INTERVALS_LONG 70 min = 116.67 TSS → (0.25·116.67 + 0.75·74) / ((2/29)·116.67 + (27/29)·50) = 1.5507
    //                 INTERVALS_STANDARD 55 min = 91.67 TSS → 1.4831
    const r = mask({ acuteEwma: 74, chronicEwma: 50, acwr: 1.48, ctl: 50 });
    expect(blockedBy(r, 'acwr_projected')).toEqual(ids('INTERVALS_LONG'));
    expect(r.blocked.map((b) => b.reason)).toEqual(['INTERVALS_LONG (load 116.7) would raise ACWR to 1.55 ≥ 1.50']);
  });

  it('when the projected ACWR equals the threshold exactly then the action is blocked; a hair below it is not', () => {
    const s = baseState({ acuteEwma: 74, chronicEwma: 50, acwr: 1.48, ctl: 50 });
    const p = projectedAcwr(s, materialize(ACTION_ID.INTERVALS_STANDARD!, { sport: 'running', ctl: 50 }).targetLoad)!; // 1.4831
    expect(p).toBeCloseTo(1.4831, 4);
    const at = computeMask({ state: s, sport: 'running' }, { acwrProjectedDanger: p });
    expect(at.mask[ACTION_ID.INTERVALS_STANDARD!]).toBe(false);
    const above = computeMask({ state: s, sport: 'running' }, { acwrProjectedDanger: p + 1e-9 });
    expect(above.mask[ACTION_ID.INTERVALS_STANDARD!]).toBe(true);
  });

  it('when ACWR is in its cold start then the long hard doses are blocked; otherwise not', () => {
    const r = mask({ acwr: undefined, acwrColdStart: true, chronicEwma: 4.2, historyDays: 12 });
    expect(blockedBy(r, 'acwr_cold_start')).toEqual(ids('TEMPO_LONG', 'INTERVALS_LONG'));
    expect(r.hits[0]!.reason).toBe('ACWR not available yet (cold start: chronic load 4.2/day, 12 days of history): no long hard session');
    expect(fired(mask({}), 'acwr_cold_start')).toBe(false);
    expect(fired(computeMask({ state: baseState({ acwr: undefined, acwrColdStart: true }), sport: 'running' }, { coldStartBlocksLongHard: false }), 'acwr_cold_start')).toBe(false);
  });
});

describe('computeMask: HRV', () => {
  const band = { lnRmssd7: 4.0, lnRmssdBaselineMean: 4.1, lnRmssdBaselineSd: 0.1, hrvBandLower: 4.05, hrvBandUpper: 4.15 };

  it('when the 7-day lnRMSSD is below the normal band then hard sessions are blocked, citing the band', () => {
    const r = mask({ ...band, hrvBand: 'below' });
    expect(blockedBy(r, 'hrv_below_band')).toEqual(HARD);
    expect(r.hits[0]!.reason).toBe('7-day HRV 54.6 ms below your normal range 57.4–63.4 ms (lnRMSSD 4.000 < 4.050, baseline 4.100 ± 0.5 SD): no hard session');
  });

  it('when it is inside or above the band then the rule does not fire', () => {
    expect(fired(mask({ ...band, lnRmssd7: 4.05, hrvBand: 'inside' }), 'hrv_below_band')).toBe(false);
    expect(fired(mask({ ...band, lnRmssd7: 4.3, hrvBand: 'above' }), 'hrv_below_band')).toBe(false);
  });

  it('when HRV fell two days running then hard sessions are blocked; after one falling day they are not', () => {
    const r = mask({ hrvFallingDays: 2 });
    expect(blockedBy(r, 'hrv_falling')).toEqual(HARD);
    expect(r.hits[0]!.reason).toBe('HRV fell 2 mornings running (≥ 2): no hard session');
    expect(fired(mask({ hrvFallingDays: 1 }), 'hrv_falling')).toBe(false);
  });
});

describe('computeMask: resting HR and sleep', () => {
  it('when resting HR is +6 bpm and sleep 5.5 h then hard sessions are blocked', () => {
    const r = mask({ restingHrDeviation: 6, sleepHoursToday: 5.5 });
    expect(blockedBy(r, 'rhr_short_sleep')).toEqual(HARD);
    expect(r.hits[0]!.reason).toBe('resting HR +6.0 bpm ≥ +5 and sleep 5.5 h ≤ 6 h: no hard session');
  });

  it('when exactly +5 bpm and 6.0 h then it fires; +4.9 bpm or 6.1 h does not', () => {
    expect(fired(mask({ restingHrDeviation: 5, sleepHoursToday: 6 }), 'rhr_short_sleep')).toBe(true);
    expect(fired(mask({ restingHrDeviation: 4.9, sleepHoursToday: 6 }), 'rhr_short_sleep')).toBe(false);
    expect(fired(mask({ restingHrDeviation: 5, sleepHoursToday: 6.1 }), 'rhr_short_sleep')).toBe(false);
    expect(fired(mask({ restingHrDeviation: 8, sleepHoursToday: undefined }), 'rhr_short_sleep')).toBe(false);
  });

  it('when resting HR is +10 bpm on its own then only rest or recovery remain; +9.9 leaves everything', () => {
    const r = mask({ restingHrDeviation: 10, restingHrBaseline: 50 });
    expect(blockedBy(r, 'rhr_very_high')).toEqual(ABOVE_RECOVERY);
    expect(r.allowed).toEqual([0, 1, 2]);
    expect(r.hits[0]!.reason).toBe('resting HR +10.0 bpm ≥ +10 over baseline 50.0: rest or active recovery only');
    expect(mask({ restingHrDeviation: 9.9 }).hits).toEqual([]);
  });
});

describe('computeMask: acute red flags (today’s signs agree)', () => {
  const HARD_OR_LONG = ACTIONS.filter((a) => HARD.includes(a.id) || a.dose === 'long').map((a) => a.id);

  it('when resting HR is +7 bpm and today’s HRV crashed 1.8 SD while the 7-day HRV is inside its band then hard and long sessions are blocked, citing each value', () => {
    const r = mask({ restingHrDeviation: 7, restingHrBaseline: 50, hrvTodayZ: -1.8, hrvRmssdToday: 42.5, lnRmssdBaselineMean: Math.log(60), hrvBand: 'inside' });
    expect(blockedBy(r, 'acute_red_flags')).toEqual(HARD_OR_LONG);
    expect(r.hits.find((h) => h.rule === 'acute_red_flags')!.reason).toBe(
      "2 of today's warning signs agree (resting HR +7.0 bpm over baseline 50.0 (≥ +5); HRV today 42.5 ms, 1.8 SD below baseline 60.0 ms (≥ 1.5 SD)): no hard or long session",
    );
    expect(r.allowed).toEqual(ids('REST', 'ACTIVE_RECOVERY_SHORT', 'ACTIVE_RECOVERY_STANDARD', 'ENDURANCE_SHORT', 'ENDURANCE_STANDARD'));
  });

  it('when sleep was 4.5 h and soreness 5/5 was reported yesterday then the two signs block hard and long sessions', () => {
    const r = mask({ sleepHoursToday: 4.5, latestSoreness: 5, latestSorenessAgeDays: 1 });
    expect(blockedBy(r, 'acute_red_flags')).toEqual(HARD_OR_LONG);
    expect(r.hits.find((h) => h.rule === 'acute_red_flags')!.reason).toContain('sleep 4.5 h (≤ 5 h); soreness 5/5 reported (≥ 5/5)');
  });

  it('when only one sign is present, or a sign sits just inside its threshold, then the rule does not fire', () => {
    expect(fired(mask({ restingHrDeviation: 9 }), 'acute_red_flags')).toBe(false);
    expect(fired(mask({ sleepHoursToday: 4 }), 'acute_red_flags')).toBe(false);
    expect(fired(mask({ restingHrDeviation: 5, sleepHoursToday: 5 }), 'acute_red_flags')).toBe(true);
    expect(fired(mask({ restingHrDeviation: 4.9, sleepHoursToday: 5 }), 'acute_red_flags')).toBe(false);
    expect(fired(mask({ restingHrDeviation: 5, sleepHoursToday: 5.1 }), 'acute_red_flags')).toBe(false);
    expect(fired(mask({ sleepHoursToday: 5, hrvTodayZ: -1.5, hrvRmssdToday: 45 }), 'acute_red_flags')).toBe(true);
    expect(fired(mask({ sleepHoursToday: 5, hrvTodayZ: -1.49, hrvRmssdToday: 45 }), 'acute_red_flags')).toBe(false);
    expect(fired(mask({ sleepHoursToday: 5, latestSoreness: 4, latestSorenessAgeDays: 0 }), 'acute_red_flags')).toBe(false);
    expect(fired(mask({ sleepHoursToday: 5, latestSoreness: 5, latestSorenessAgeDays: 2 }), 'acute_red_flags')).toBe(false);
  });

  it('when a steady history ends in a morning with resting HR +8 bpm, a one-day HRV crash and 4.8 h of sleep then hard sessions are blocked although the 7-day HRV is in its band', () => {
    const LN = [4.1, 4.15, 4.05, 4.12, 4.08, 4.14, 4.1];
    const WEEK = [['REST', 0], ['INTERVALS', 60], ['ENDURANCE', 45], ['TEMPO', 55], ['ENDURANCE', 45], ['ENDURANCE', 60], ['ENDURANCE', 40]] as const;
    const h = days(61, (i) => ({
      ...(i < 60 ? { sessionType: WEEK[i % 7]![0], load: WEEK[i % 7]![1] } : {}),
      hrvRmssd: i === 60 ? 56 : Math.exp(LN[i % 7]!),
      restingHr: i === 60 ? 58 : 50,
      sleepHours: i === 60 ? 4.8 : 8,
    }));
    const s = computeState(h, day(60));
    expect(s.hrvBand).toBe('inside'); // the 7-day average alone would allow a hard day
    const r = computeMask({ state: s, sport: 'running' });
    const hit = r.hits.find((x) => x.rule === 'acute_red_flags')!;
    expect(hit.reason).toMatch(/^3 of today's warning signs agree \(resting HR \+8\.0 bpm over baseline 50\.0 \(≥ \+5\); HRV today 56\.0 ms, [\d.]+ SD below baseline [\d.]+ ms \(≥ 1\.5 SD\); sleep 4\.8 h \(≤ 5 h\)\): no hard or long session$/);
    for (const id of HARD) expect(r.mask[id]).toBe(false);
    expect(r.mask[ACTION_ID.ENDURANCE_LONG!]).toBe(false);
  });
});

describe('computeMask: recovery pattern', () => {
  it('when 2 hard days were done in a row then no third hard day; after 1 hard day it is allowed', () => {
    const r = mask({ consecutiveHardDays: 2 });
    expect(blockedBy(r, 'consecutive_hard')).toEqual(HARD);
    expect(r.hits[0]!.reason).toBe('2 hard days in a row ≥ 2: no hard session today');
    expect(fired(mask({ consecutiveHardDays: 1 }), 'consecutive_hard')).toBe(false);
  });

  it('when the last rest was 7 days ago (6 training days) then only rest or recovery; 6 days ago is fine', () => {
    const r = mask({ daysSinceRest: 7 });
    expect(blockedBy(r, 'no_rest')).toEqual(ABOVE_RECOVERY);
    expect(r.hits[0]!.reason).toBe('6 training days in a row ≥ 6 (last rest 7 days ago): rest or active recovery only');
    expect(fired(mask({ daysSinceRest: 6 }), 'no_rest')).toBe(false);
  });

  it('when the CTL ramp is 8.1/week then sessions with planned load above CTL 50 are blocked; at 8.0 none', () => {
    // runner, CTL 50: loads above 50 are ENDURANCE_LONG 73.5, TEMPO_STANDARD 66.2, TEMPO_LONG 90.3, all INTERVALS
    // (66.7, 91.7, 116.7) and STRENGTH_STANDARD 52.7; ENDURANCE_STANDARD 49.0 and TEMPO_SHORT 48.2 stay.
    const r = mask({ ctlRampPerWeek: 8.1, ctl: 50 });
    expect(blockedBy(r, 'ctl_ramp')).toEqual(ids('ENDURANCE_LONG', 'TEMPO_STANDARD', 'TEMPO_LONG', 'INTERVALS_SHORT', 'INTERVALS_STANDARD', 'INTERVALS_LONG', 'STRENGTH_STANDARD'));
    expect(r.blocked.find((b) => b.key === 'ENDURANCE_LONG')!.reason).toBe(
      'CTL ramp +8.1/week > 8: no session with planned load above CTL 50.0 (ENDURANCE_LONG 73.5)',
    );
    expect(fired(mask({ ctlRampPerWeek: 8.0, ctl: 50 }), 'ctl_ramp')).toBe(false);
  });

  it('when the planned load is just above CTL then it is blocked; just below it is not', () => {
    // CTL 48.9: scale 0.989 → ENDURANCE_STANDARD 60 min = 49.0 > 48.9 (blocked), TEMPO_SHORT 40 min = 48.17 (allowed)
    const r = mask({ ctlRampPerWeek: 9, ctl: 48.9 });
    expect(r.mask[ACTION_ID.ENDURANCE_STANDARD!]).toBe(false);
    expect(r.mask[ACTION_ID.TEMPO_SHORT!]).toBe(true);
  });
});

describe('computeMask: illness and injury', () => {
  it('when illness is reported then only REST is allowed', () => {
    const r = mask({ illness: true });
    expect(r.allowed).toEqual([0]);
    expect(blockedBy(r, 'illness')).toEqual(NOT_REST);
    expect(r.blocked.every((b) => b.reason === 'illness reported within the last 3 days: rest only')).toBe(true);
  });

  it('when injury is reported then REST and ACTIVE_RECOVERY remain', () => {
    const r = mask({ injury: true });
    expect(r.allowed).toEqual([0, 1, 2]);
    expect(blockedBy(r, 'injury')).toEqual(ABOVE_RECOVERY);
  });
});

describe('computeMask: coach constraints', () => {
  const date = baseState().date; // 2025-03-02

  it('when rest_only applies today then only REST is allowed and the reason quotes the window and note', () => {
    const r = mask({}, [{ type: 'rest_only', from: '2025-03-01', to: '2025-03-02', note: 'travel' }]);
    expect(date).toBe('2025-03-02');
    expect(r.allowed).toEqual([0]);
    expect(r.blocked[0]!.reason).toBe('coach constraint rest_only (2025-03-01 → 2025-03-02): "travel": rest only (13 sessions blocked)');
  });

  it('when the window ends yesterday or starts tomorrow then the constraint does not apply; open ends do', () => {
    expect(mask({}, [{ type: 'rest_only', to: '2025-03-01' }]).hits).toEqual([]);
    expect(mask({}, [{ type: 'rest_only', from: '2025-03-03' }]).hits).toEqual([]);
    expect(mask({}, [{ type: 'rest_only', from: '2025-03-02' }]).allowed).toEqual([0]);
    expect(mask({}, [{ type: 'rest_only' }]).allowed).toEqual([0]);
    const d = epochDay(date);
    expect(constraintApplies({ type: 'rest_only', from: '2025-03-02', to: '2025-03-02' }, d)).toBe(true);
    expect(constraintApplies({ type: 'rest_only', from: 'garbage' }, d)).toBe(true); // unparseable bound = open (conservative)
  });

  it('when no_high_intensity applies then TEMPO and INTERVALS are blocked but STRENGTH is not', () => {
    const r = mask({}, [{ type: 'no_high_intensity' }]);
    expect(blockedBy(r, 'coach_no_high_intensity')).toEqual(ids('TEMPO_SHORT', 'TEMPO_STANDARD', 'TEMPO_LONG', 'INTERVALS_SHORT', 'INTERVALS_STANDARD', 'INTERVALS_LONG'));
  });

  it('when max_load is 49 then ENDURANCE standard (49.0) passes and everything heavier is blocked with its load', () => {
    const r = mask({ ctl: 50 }, [{ type: 'max_load', value: 49 }]);
    const expected = ACTIONS.filter((a) => materialize(a.id, { sport: 'running', ctl: 50 }).targetLoad > 49).map((a) => a.id);
    expect(blockedBy(r, 'coach_max_load')).toEqual(expected);
    expect(expected).toEqual(ids('ENDURANCE_LONG', 'TEMPO_STANDARD', 'TEMPO_LONG', 'INTERVALS_SHORT', 'INTERVALS_STANDARD', 'INTERVALS_LONG', 'STRENGTH_STANDARD'));
    expect(r.mask[ACTION_ID.ENDURANCE_STANDARD!]).toBe(true);
    expect(r.blocked.find((b) => b.key === 'INTERVALS_LONG')!.reason).toBe(
      'coach constraint max_load 49.0: no session with planned load above 49.0 (INTERVALS_LONG 116.7 > 49.0)',
    );
  });

  it('when max_load is 0 then REST is still allowed', () => {
    expect(mask({}, [{ type: 'max_load', value: 0 }]).allowed).toEqual([0]);
  });

  it('when no_impact applies then a runner keeps REST and recovery, a cyclist keeps everything', () => {
    expect(mask({}, [{ type: 'no_impact' }], 'running').allowed).toEqual([0, 1, 2]);
    expect(mask({}, [{ type: 'no_impact' }], 'sprint400').allowed).toEqual([0, 1, 2]);
    expect(mask({}, [{ type: 'no_impact' }], 'team').allowed).toEqual([0, 1, 2]);
    expect(mask({}, [{ type: 'no_impact' }], 'cycling').allowed).toEqual(ALL);
  });
});

describe('computeMask: several rules', () => {
  it('when illness and a high ACWR both fire then each blocked action names the most severe rule and keeps all hits', () => {
    const r = mask({ illness: true, acwr: 1.7, consecutiveHardDays: 3 });
    const b = r.blocked.find((x) => x.key === 'INTERVALS_STANDARD')!;
    expect(b.rule).toBe('illness');
    expect(b.rules).toEqual(['illness', 'acwr_danger', 'consecutive_hard']);
    expect(r.blocked.find((x) => x.key === 'ACTIVE_RECOVERY_SHORT')!.rules).toEqual(['illness']);
    expect(r.hits.map((h) => h.rule)).toEqual(['illness', 'acwr_danger', 'consecutive_hard']);
    expect(r.blocked.length).toBe(13);
  });
});
