import { describe, expect, it } from 'vitest';
import { computeState, projectedAcwr } from '../../../agent/state/index.ts';
import { sessionLoad } from '../../../twin/load.ts';
import { day, days } from './helpers.ts';

const kA = 1 - Math.exp(-1 / 7); // 0.1331221002498184
const kC = 1 - Math.exp(-1 / 42); // 0.0235283133477567

describe('computeState: ATL / CTL / TSB', () => {
  it('when loads 100, 0, 50 were done then ATL, CTL and TSB match the TrainingPeaks recursion', () => {
    // ATL: 100·kA = 13.31221; ×(1−kA) = 11.54006; + (50 − 11.54006)·kA = 16.65993
    // CTL: 100·kC = 2.35283; ×(1−kC) = 2.29747; + (50 − 2.29747)·kC = 3.41983
    // TSB = CTL − ATL = −13.24010
    const s = computeState(
      [
        { date: day(0), load: 100 },
        { date: day(1), load: 0 },
        { date: day(2), load: 50 },
      ],
      day(3),
    );
    expect(s.atl).toBeCloseTo(16.65992856691396, 10);
    expect(s.ctl).toBeCloseTo(3.419833180333226, 10);
    expect(s.tsb).toBeCloseTo(-13.240095386580732, 10);
    expect(s.historyDays).toBe(3);
    expect(s.loadYesterday).toBe(50);
  });

  it('when a date is missing then that day counts as 0 load (same numbers as an explicit 0)', () => {
    const s = computeState(
      [
        { date: day(0), load: 100 },
        { date: day(2), load: 50 },
      ],
      day(3),
    );
    expect(s.atl).toBeCloseTo(16.65992856691396, 10);
    expect(s.ctl).toBeCloseTo(3.419833180333226, 10);
  });

  it("when today's session is already logged then it is ignored (state is the morning before it)", () => {
    const s = computeState(
      [
        { date: day(0), load: 100 },
        { date: day(1), load: 500, hrvRmssd: 60 },
      ],
      day(1),
    );
    expect(s.atl).toBeCloseTo(100 * kA, 10);
    expect(s.ctl).toBeCloseTo(100 * kC, 10);
    expect(s.loadYesterday).toBe(100);
    expect(s.hrvRmssdToday).toBeCloseTo(60, 10); // morning readings of today do count
  });

  it('when a seed is given then the recursion starts from it', () => {
    const s = computeState([{ date: day(0), load: 0 }], day(1), { seed: { atl: 70, ctl: 60 } });
    expect(s.atl).toBeCloseTo(70 * (1 - kA), 10); // 60.68145
    expect(s.ctl).toBeCloseTo(60 * (1 - kC), 10); // 58.58830
  });

  it('when observations come after the target or have invalid dates then they are ignored', () => {
    const s = computeState(
      [
        { date: day(0), load: 100 },
        { date: 'not-a-date', load: 999 },
        { date: day(5), load: 999 },
      ],
      day(1),
    );
    expect(s.atl).toBeCloseTo(100 * kA, 10);
    expect(s.historyDays).toBe(1);
  });

  it('when the history is unsorted then the result equals the sorted one and is flagged', () => {
    const sorted = days(20, (i) => ({ load: 10 * (i % 5), hrvRmssd: 50 + i }));
    const shuffled = [sorted[7]!, ...sorted.slice(0, 7), ...sorted.slice(8).reverse()];
    const a = computeState(sorted, day(20));
    const b = computeState(shuffled, day(20));
    expect(b.flags).toContain('unsorted_input');
    expect(a.flags).not.toContain('unsorted_input');
    expect(b.atl).toBe(a.atl);
    expect(b.ctl).toBe(a.ctl);
    expect(b.lnRmssd7).toBe(a.lnRmssd7);
  });
});

describe('computeState: missing-load policy', () => {
  it('when a session has RPE and minutes but no load then load = RPE × min / 4.5', () => {
    const s = computeState([{ date: day(0), rpe: 6, minutes: 45, sessionType: 'TEMPO' }], day(1));
    expect(s.loadYesterday).toBeCloseTo(60, 10); // 6 × 45 / 4.5
    expect(s.loadImputedDays28).toBe(1);
    expect(s.flags).toContain('load_imputed');
  });

  it('when only the session type and minutes are known then load = the twin sessionLoad', () => {
    const s = computeState([{ date: day(0), sessionType: 'INTERVALS', minutes: 60 }], day(1));
    expect(s.loadYesterday).toBeCloseTo(sessionLoad('INTERVALS', 60), 10);
  });

  it('when only the session type is known then its default minutes are used', () => {
    const s = computeState([{ date: day(0), sessionType: 'ENDURANCE' }], day(1));
    expect(s.loadYesterday).toBeCloseTo(sessionLoad('ENDURANCE', 60), 10);
  });

  it('when the session was skipped then it counts as 0 load, a rest day and not hard', () => {
    const s = computeState(
      [
        { date: day(0), load: 80, sessionType: 'INTERVALS' },
        { date: day(1), sessionType: 'INTERVALS', load: 90, completion: 'skipped' },
      ],
      day(2),
    );
    expect(s.loadYesterday).toBe(0);
    expect(s.daysSinceRest).toBe(1);
    expect(s.daysSinceHard).toBe(2);
  });

  it('when a day has only wellness readings then it counts as 0 load and a rest day', () => {
    const s = computeState(
      [
        { date: day(0), load: 80, sessionType: 'ENDURANCE' },
        { date: day(1), hrvRmssd: 55, restingHr: 50 },
      ],
      day(2),
    );
    expect(s.loadYesterday).toBe(0);
    expect(s.daysSinceRest).toBe(1);
    expect(s.loadImputedDays28).toBe(0);
  });

  it('when a later duplicate of a day carries only readings then the earlier session load stays', () => {
    const s = computeState(
      [
        { date: day(0), load: 70, sessionType: 'TEMPO' },
        { date: day(0), hrvRmssd: 60 },
      ],
      day(1),
    );
    expect(s.loadYesterday).toBe(70);
    expect(s.daysSinceHard).toBe(1);
  });

  it('when numbers are invalid (NaN, negative, infinite) then they are treated as missing', () => {
    const s = computeState(
      [
        { date: day(0), load: Number.NaN, hrvRmssd: -5, restingHr: Number.POSITIVE_INFINITY, sleepHours: 30 },
        { date: day(1), load: -20 },
      ],
      day(2),
    );
    expect(s.atl).toBe(0);
    expect(s.hrvDays7).toBe(0);
    expect(Object.values(s).some((v) => typeof v === 'number' && !Number.isFinite(v))).toBe(false);
  });
});

describe('computeState: EWMA ACWR (Williams 2017)', () => {
  it('when 28 days of constant load 50 were done then acute, chronic and ACWR follow λ = 2/(N+1)', () => {
    // acute = 50·(1 − 0.75^28) = 49.98413; chronic = 50·(1 − (27/29)^28) = 43.23899; ACWR = 1.15600
    const s = computeState(days(28, () => ({ load: 50 })), day(28));
    expect(s.acuteEwma).toBeCloseTo(50 * (1 - 0.75 ** 28), 10);
    expect(s.chronicEwma).toBeCloseTo(50 * (1 - (27 / 29) ** 28), 10);
    expect(s.acwr).toBeCloseTo(1.1559965646927568, 10);
    expect(s.acwrColdStart).toBe(false);
  });

  it('when the history is one day short of 28 days then ACWR is undefined and flagged', () => {
    const s = computeState(days(27, () => ({ load: 50 })), day(27));
    expect(s.acwr).toBeUndefined();
    expect(s.acwrColdStart).toBe(true);
    expect(s.flags).toContain('acwr_cold_start');
    expect(s.flags).toContain('short_history');
  });

  it('when chronic load is below the floor of 10 then ACWR is undefined even with a long history', () => {
    // chronic after 60 days of 10.5 = 10.5·(1 − (27/29)^60) = 10.42 ≥ 10 → defined; of 10 → 9.93 < 10 → undefined
    expect(computeState(days(60, () => ({ load: 10.5 })), day(60)).acwr).toBeDefined();
    expect(computeState(days(60, () => ({ load: 10 })), day(60)).acwr).toBeUndefined();
  });

  it('when a chronic seed is given then the minimum-history rule is lifted', () => {
    const s = computeState([{ date: day(0), load: 40 }], day(1), { seed: { acuteEwma: 40, chronicEwma: 40 } });
    expect(s.acwr).toBeCloseTo(1, 12);
  });

  it('when projecting a load then the one-step EWMA ratio is returned', () => {
    const s = computeState(days(28, () => ({ load: 50 })), day(28));
    const a = 0.25 * 100 + 0.75 * s.acuteEwma;
    const c = (2 / 29) * 100 + (27 / 29) * s.chronicEwma;
    expect(projectedAcwr(s, 100)).toBeCloseTo(a / c, 12);
    expect(projectedAcwr(computeState([], day(0)), 100)).toBeUndefined();
  });
});

describe('computeState: CTL ramp, monotony, strain', () => {
  it('when 7 days of 100 follow 42 days of 0 then the ramp is 100·(1 − e^(−7/42)) = 15.35 per week', () => {
    const h = days(49, (i) => ({ load: i < 42 ? 0 : 100 }));
    const s = computeState(h, day(49));
    expect(s.ctlRampPerWeek).toBeCloseTo(15.351827510938588, 9);
  });

  it('when the history is shorter than 42 days then the ramp is undefined and flagged', () => {
    const s = computeState(days(41, () => ({ load: 50 })), day(41));
    expect(s.ctlRampPerWeek).toBeUndefined();
    expect(s.flags).toContain('ramp_cold_start');
  });

  it('when the last 7 loads are 10..70 then monotony = 40 / 21.6025 and strain = 280 × monotony', () => {
    // mean 40; sample SD = sqrt((900+400+100+0+100+400+900)/6) = 21.60247; monotony 1.85164; strain 518.459
    const h = days(7, (i) => ({ load: 10 * (i + 1) }));
    const s = computeState(h, day(7));
    expect(s.load7d).toBe(280);
    expect(s.monotony).toBeCloseTo(1.851640199545103, 10);
    expect(s.strain).toBeCloseTo(518.4592558726289, 8);
  });

  it('when all 7 loads are equal then monotony hits its cap of 10; with no load it is 0', () => {
    expect(computeState(days(7, () => ({ load: 50 })), day(7)).monotony).toBe(10);
    const zero = computeState(days(7, () => ({ load: 0 })), day(7));
    expect(zero.monotony).toBe(0);
    expect(zero.strain).toBe(0);
  });
});

describe('computeState: HRV against the 60-day normal band', () => {
  // Days 0..13: lnRMSSD alternates 4.0 (even days) and 4.2 (odd days): baseline mean 4.1,
  // sample SD = sqrt(14·0.01/13) = 0.103775, band 4.1 ± 0.051887 = [4.048113, 4.151887].
  const hist = (todayLn: number) => days(15, (i) => ({ hrvRmssd: Math.exp(i === 14 ? todayLn : i % 2 === 0 ? 4.0 : 4.2) }));

  it('when today drops to ln 3.5 then the 7-day mean 4.014286 is below the band (z −0.826)', () => {
    // 7-day mean of days 8..14 = (3·4.0 + 3·4.2 + 3.5)/7 = 4.0142857
    const s = computeState(hist(3.5), day(14));
    expect(s.hrvBaselineReady).toBe(true);
    expect(s.hrvBaselineDays).toBe(14);
    expect(s.lnRmssdBaselineMean).toBeCloseTo(4.1, 12);
    expect(s.lnRmssdBaselineSd).toBeCloseTo(0.10377490433255426, 12);
    expect(s.hrvBandLower).toBeCloseTo(4.048112547833722, 12);
    expect(s.hrvBandUpper).toBeCloseTo(4.151887452166277, 12);
    expect(s.lnRmssd7).toBeCloseTo(4.014285714285714, 12);
    expect(s.hrvZ).toBeCloseTo(-0.825963524279509, 10);
    expect(s.hrvTodayZ).toBeCloseTo(-5.781744669956581, 10);
    expect(s.hrvBand).toBe('below');
    expect(s.hrvFallingDays).toBe(1); // 3.5 < 4.2, but 4.2 > 4.0 the day before
  });

  it('when today is ln 4.1 then the 7-day mean sits inside the band', () => {
    const s = computeState(hist(4.1), day(14));
    expect(s.lnRmssd7).toBeCloseTo(4.1, 12);
    expect(s.hrvBand).toBe('inside');
  });

  it('when today is ln 4.9 then the 7-day mean 4.214286 is above the band', () => {
    const s = computeState(hist(4.9), day(14));
    expect(s.hrvZ).toBeCloseTo(1.1012846990393539, 10);
    expect(s.hrvBand).toBe('above');
  });

  it('when 61 days of HRV precede today then only the 60 days ending yesterday form the baseline', () => {
    // day 0 is an outlier (ln 5 = 148 ms) just outside the window; days 1..60 alternate 4.2 / 4.0 → mean 4.1
    const h = days(62, (i) => ({ hrvRmssd: Math.exp(i === 0 ? 5 : i % 2 === 0 ? 4.0 : 4.2) }));
    const s = computeState(h, day(61));
    expect(s.hrvBaselineDays).toBe(60);
    expect(s.lnRmssdBaselineMean).toBeCloseTo(4.1, 12);
  });

  it('when only 13 days of HRV precede today then the baseline is not ready and the band unknown', () => {
    const s = computeState(hist(3.5).slice(1), day(14));
    expect(s.hrvBaselineDays).toBe(13);
    expect(s.hrvBaselineReady).toBe(false);
    expect(s.hrvBand).toBe('unknown');
    expect(s.hrvZ).toBeUndefined();
    expect(s.flags).toContain('hrv_baseline_not_ready');
  });

  it('when HRV falls on each of the last two mornings then hrvFallingDays is 2', () => {
    const h = days(5, (i) => ({ hrvRmssd: Math.exp([4.0, 4.3, 4.2, 4.1, 4.05][i]!) }));
    expect(computeState(h, day(4)).hrvFallingDays).toBe(3); // 4.3 > 4.2 > 4.1 > 4.05
    expect(computeState(h, day(3)).hrvFallingDays).toBe(2);
    expect(computeState(h, day(1)).hrvFallingDays).toBe(0);
  });

  it('when HRV is unchanged from yesterday then it is not falling', () => {
    const h = days(3, (i) => ({ hrvRmssd: Math.exp([4.2, 4.1, 4.1][i]!) }));
    expect(computeState(h, day(2)).hrvFallingDays).toBe(0);
  });

  it('when a day is missing in a falling run then the run stops at the gap', () => {
    const h = [
      { date: day(0), hrvRmssd: Math.exp(4.3) },
      { date: day(2), hrvRmssd: Math.exp(4.2) },
      { date: day(3), hrvRmssd: Math.exp(4.1) },
    ];
    expect(computeState(h, day(3)).hrvFallingDays).toBe(1);
  });

  it('when fewer than 3 HRV values fall in the last 7 days then the 7-day mean is undefined', () => {
    const h = [...hist(4.1).slice(0, 8), { date: day(13), hrvRmssd: 60 }, { date: day(14), hrvRmssd: 60 }];
    const s = computeState(h, day(14));
    expect(s.hrvDays7).toBe(2);
    expect(s.lnRmssd7).toBeUndefined();
    expect(s.hrvBand).toBe('unknown');
    expect(s.flags).toContain('hrv_sparse');
  });

  it('when HRV is flat then the SD floor of 0.01 keeps z finite', () => {
    const s = computeState(days(15, () => ({ hrvRmssd: 50 })), day(14));
    expect(s.lnRmssdBaselineSd).toBe(0.01);
    expect(s.hrvZ).toBeCloseTo(0, 12);
  });

  it('when HRV dropped from ln 4.2 to 4.0 the morning after the last hard day then the response is −0.2', () => {
    const h = [
      { date: day(0), hrvRmssd: Math.exp(4.2), sessionType: 'INTERVALS' as const, load: 90 },
      { date: day(1), hrvRmssd: Math.exp(4.0), sessionType: 'ENDURANCE' as const, load: 40 },
    ];
    expect(computeState(h, day(2)).hrvResponseLastHard).toBeCloseTo(-0.2, 12);
  });
});

describe('computeState: resting HR and sleep', () => {
  it('when resting HR is 56 against a 14-day baseline of 50 then the deviation is +6 bpm', () => {
    const h = days(15, (i) => ({ restingHr: i === 14 ? 56 : 50 }));
    const s = computeState(h, day(14));
    expect(s.restingHrBaseline).toBe(50);
    expect(s.restingHrDeviation).toBe(6);
  });

  it('when the RHR baseline has only 13 days then the deviation is undefined', () => {
    const h = days(15, (i) => (i === 0 ? {} : { restingHr: i === 14 ? 56 : 50 }));
    expect(computeState(h, day(14)).restingHrDeviation).toBeUndefined();
  });

  it('when last night was 6 h against a norm of 8 h then the deviation is −2 h and the 3-night mean 7.0', () => {
    const h = days(8, (i) => ({ sleepHours: i === 7 ? 6 : i === 6 ? 7 : 8 }));
    const s = computeState(h, day(7));
    expect(s.sleepNorm).toBeCloseTo((6 * 8 + 7) / 7, 12); // days 0..6: six 8 h nights and one 7 h = 7.857
    expect(s.sleepDeviation).toBeCloseTo(6 - 55 / 7, 12);
    expect(s.sleepAvg3).toBeCloseTo((8 + 7 + 6) / 3, 12);
  });
});

describe('computeState: recovery pattern', () => {
  it('when REST, ENDURANCE, INTERVALS, TEMPO, STRENGTH were done then rest 5 days ago, 3 hard days in a row', () => {
    const types = ['REST', 'ENDURANCE', 'INTERVALS', 'TEMPO', 'STRENGTH'] as const;
    const h = days(5, (i) => ({ sessionType: types[i]!, load: i === 0 ? 0 : 60 }));
    const s = computeState(h, day(5));
    expect(s.daysSinceRest).toBe(5);
    expect(s.daysSinceHard).toBe(1);
    expect(s.consecutiveHardDays).toBe(3);
    expect(s.lastHardType).toBe('STRENGTH');
  });

  it('when there is no history then the day before counts as rest and there is no hard day', () => {
    const s = computeState([], '2025-03-10');
    expect(s.daysSinceRest).toBe(1);
    expect(s.daysSinceHard).toBeUndefined();
    expect(s.consecutiveHardDays).toBe(0);
    expect(s.flags).toContain('empty_history');
    expect(s.historyDays).toBe(0);
  });

  it('when 10 training days have no rest day then daysSinceRest counts back to the day before the history', () => {
    const s = computeState(days(10, () => ({ sessionType: 'ENDURANCE', load: 50 })), day(10));
    expect(s.daysSinceRest).toBe(11);
  });

  it('when an untyped day has RPE 7 then it counts as hard; RPE 6 does not', () => {
    expect(computeState([{ date: day(0), rpe: 7, minutes: 30 }], day(1)).daysSinceHard).toBe(1);
    expect(computeState([{ date: day(0), rpe: 6, minutes: 30 }], day(1)).daysSinceHard).toBeUndefined();
  });

  it('when an untyped day has load 19 it is a rest day; load 20 is not', () => {
    expect(computeState([{ date: day(0), load: 19 }], day(1)).daysSinceRest).toBe(1);
    expect(computeState([{ date: day(0), load: 20 }], day(1)).daysSinceRest).toBe(2);
  });
});

describe('computeState: subjective, tests, health, season', () => {
  it('when RPEs were logged then the latest RPE and the residuals against expected RPE are reported', () => {
    const h = [
      { date: day(0), sessionType: 'ENDURANCE' as const, rpe: 3, load: 40 }, // residual 3 − 3.5 = −0.5
      { date: day(1), sessionType: 'INTERVALS' as const, rpe: 9, load: 90 }, // residual 9 − 7.5 = +1.5
    ];
    const s = computeState(h, day(2));
    expect(s.latestRpe).toBe(9);
    expect(s.latestRpeAgeDays).toBe(1);
    expect(s.latestRpeType).toBe('INTERVALS');
    expect(s.latestRpeResidual).toBeCloseTo(1.5, 12);
    expect(s.rpeResidual7).toBeCloseTo(0.5, 12);
  });

  it('when an RPE is 8 days old then it is outside the 7-day residual mean', () => {
    const h = [
      { date: day(0), sessionType: 'TEMPO' as const, rpe: 9.5, load: 60 }, // 8 days before day 8: excluded
      { date: day(1), sessionType: 'TEMPO' as const, rpe: 5.5, load: 60 }, // 7 days before: residual 0
    ];
    const s = computeState(h, day(8));
    expect(s.rpeResidual7).toBe(0);
    expect(s.latestRpeAgeDays).toBe(7);
  });

  it("when soreness and wellness are reported this morning then they are today's (age 0)", () => {
    const h = [
      { date: day(0), soreness: 2, wellness: { mood: 2 } },
      { date: day(1), soreness: 4, wellness: { sleepQuality: 4, fatigue: 2, stress: 3, mood: 5, soreness: 1 } },
    ];
    const s = computeState(h, day(1));
    expect(s.latestSoreness).toBe(4);
    expect(s.latestSorenessAgeDays).toBe(0);
    expect(s.latestWellnessScore).toBeCloseTo(3, 12); // (4+2+3+5+1)/5
    expect(s.latestWellnessAgeDays).toBe(0);
  });

  it('when a 400 m time improves from 52.0 to 51.0 s then the trend is +1.923% (better)', () => {
    const h = [
      { date: day(0), testResult: { test: '400m', value: 52.0, unit: 's', higherIsBetter: false } },
      { date: day(3), testResult: { test: 'FTP', value: 250, unit: 'W', higherIsBetter: true } },
      { date: day(10), testResult: { test: '400m', value: 51.0, unit: 's', higherIsBetter: false } },
      { date: day(12), testResult: { test: 'FTP', value: 240, unit: 'W', higherIsBetter: true } },
    ];
    const s = computeState(h, day(14));
    expect(s.tests.map((t) => t.test)).toEqual(['FTP', '400m']); // most recent first
    const t400 = s.tests.find((t) => t.test === '400m')!;
    expect(t400.changePct).toBeCloseTo(1.9230769230769231, 10);
    expect(t400.ageDays).toBe(4);
    expect(t400.previousDate).toBe(day(0));
    expect(s.tests[0]!.changePct).toBeCloseTo(-4, 10); // 250 → 240 W
  });

  it('when illness was reported 2 days ago then the athlete is ill; 3 days ago is outside the memory', () => {
    expect(computeState([{ date: day(0), illness: true }], day(2)).illness).toBe(true);
    expect(computeState([{ date: day(0), illness: true }], day(3)).illness).toBe(false);
  });

  it('when a later report says illness false then it clears the earlier illness', () => {
    const h = [
      { date: day(0), illness: true },
      { date: day(1), illness: false },
    ];
    expect(computeState(h, day(1)).illness).toBe(false);
  });

  it('when injury was reported 6 days ago then it still counts; 7 days ago it does not', () => {
    expect(computeState([{ date: day(0), injury: true }], day(6)).injury).toBe(true);
    expect(computeState([{ date: day(0), injury: true }], day(7)).injury).toBe(false);
  });

  it('when a season start and goal are given then days since start and to the goal are counted', () => {
    const s = computeState([], '2025-03-10', { seasonStart: '2025-01-01', goalDate: '2025-06-01' });
    expect(s.daysSinceSeasonStart).toBe(68);
    expect(s.daysToGoal).toBe(83);
    expect(s.dayOfWeek).toBe(0); // 2025-03-10 is a Monday
  });

  it('when data has gaps then daysLogged7/28 and hrvDays7 count only the logged days', () => {
    const h = days(28, (i) => (i % 2 === 0 ? { hrvRmssd: 50 } : undefined));
    const s = computeState(h, day(27));
    expect(s.daysLogged28).toBe(14);
    expect(s.daysLogged7).toBe(3); // days 22, 24, 26 among 21..27
    expect(s.hrvDays7).toBe(3);
  });
});

describe('computeState: input validation', () => {
  it('when the target date is invalid then it throws a RangeError', () => {
    expect(() => computeState([], '2025-02-30')).toThrow(RangeError);
  });
});
