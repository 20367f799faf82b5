/** A realistic stored prescription and history for the presenter tests. */
import type { ChatImage } from '../../../../src/core/chat.ts';
import type { AthleteChartData, ChartRenderer, TeamChartData } from '../../../../src/core/presenters/index.ts';
import type { PrescriptionRecord } from '../../../../src/core/types.ts';
import type { AthleteHistory } from '../../../../src/core/views.use-case.ts';

export function prescription(overrides: Partial<PrescriptionRecord> = {}): PrescriptionRecord {
  const at = new Date('2026-11-22T06:00:00Z');
  return {
    id: 'rx-1',
    athleteId: 'a-1',
    date: '2026-11-22',
    revision: 2,
    state: {
      acwr: 1.62,
      hrvZ: -0.8,
      hrvBand: 'below',
      lnRmssd7: 4.05,
      hrvBandLower: 4.1,
      hrvBandUpper: 4.3,
      restingHrToday: 53,
      restingHrBaseline: 49,
      sleepHoursToday: 6.2,
      sleepNorm: 7.4,
      ctl: 52.4,
      atl: 61.9,
      historyDays: 64,
    },
    mask: {
      allowed: ['REST', 'ACTIVE_RECOVERY', 'ENDURANCE'],
      blocked: [
        { type: 'INTERVALS', actionId: 10, rule: 'acwr_spike', reason: 'ACWR 1.62 ≥ 1.5' },
        { type: 'INTERVALS', actionId: 11, rule: 'acwr_spike', reason: 'ACWR 1.62 ≥ 1.5' },
        { type: 'TEMPO', rule: 'hrv_low', reason: 'HRV below your normal band' },
        { type: 'STRENGTH', rule: 'hrv_low', reason: 'HRV below your normal band' },
      ],
    },
    session: { type: 'ENDURANCE', minutes: 60, targetLoad: 55, intensity: 'Z2, HR 130–145', description: 'A steady aerobic hour, conversational pace.', dose: 'standard' },
    alternatives: ['REST', 'ACTIVE_RECOVERY'],
    reasons: [
      { kind: 'mask', text: 'Hard sessions blocked: ACWR 1.62 is above 1.5', values: { acwr: 1.62 } },
      { kind: 'driver', text: 'Fatigue outweighs fitness', values: { tsb: -9.5 } },
      { kind: 'data', text: 'Some days had no readings' },
      { kind: 'margin', text: 'Endurance beat rest by 0.4 points', values: { margin: 0.4 } },
    ],
    policy: 'dqn@3',
    inputsHash: 'abcdef0123456789abcdef',
    approval: { state: 'not_required' },
    delivery: {},
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export function history(days = 42): AthleteHistory {
  const dates = Array.from({ length: days }, (_, i) => new Date(Date.UTC(2026, 9, 12 + i)).toISOString().slice(0, 10));
  return {
    athleteId: 'a-1',
    displayName: 'Alex',
    days: dates,
    load: dates.map((_, i) => (i % 7 === 6 ? null : 50 + i)),
    ctl: dates.map((_, i) => 40 + i * 0.3),
    atl: dates.map((_, i) => 45 + i * 0.4),
    tsb: dates.map((_, i) => -5 - i * 0.1),
    hrv: { values: dates.map(() => 4.2), daily: dates.map(() => 4.21), bandLow: dates.map(() => 4.1), bandHigh: dates.map(() => 4.3) },
    restingHr: dates.map(() => 50),
    sleepHours: dates.map(() => 7.5),
    marks: [{ date: dates[40]!, kind: 'override' as const }],
  };
}

/** Records what it was asked to draw and returns a fixed PNG. */
export class StubCharts implements ChartRenderer {
  athleteCalls: { data: AthleteChartData; filename: string }[] = [];
  teamCalls: { data: TeamChartData; filename: string }[] = [];
  fail = false;
  athlete(data: AthleteChartData, filename: string): ChatImage {
    if (this.fail) throw new Error('no fonts');
    this.athleteCalls.push({ data, filename });
    return { png: Buffer.from('png-athlete'), filename, alt: `athlete chart ${data.days.length} days` };
  }
  team(data: TeamChartData, filename: string): ChatImage {
    if (this.fail) throw new Error('no fonts');
    this.teamCalls.push({ data, filename });
    return { png: Buffer.from('png-team'), filename, alt: `team chart ${data.athletes.length}` };
  }
}
