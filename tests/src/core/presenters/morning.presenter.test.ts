import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction, normalLines, presentMorning, presentWhy, rankedReasons } from '../../../../src/core/presenters/index.ts';
import { history, prescription, StubCharts } from './fixtures.ts';

describe('morning message presenter', () => {
  it('when a prescription is presented then title, dose and intensity say what to do', () => {
    const m = presentMorning({ prescription: prescription(), athlete: { displayName: 'Alex' } });
    expect(m.title).toBe('Sun 22 Nov — Endurance 60 min');
    expect(m.summary).toBe('A steady aerobic hour, conversational pace. Intensity: Z2, HR 130–145.');
    expect(m.sections![0]).toEqual({
      title: 'Session',
      fields: [
        { label: 'Duration', value: '60 min', inline: true },
        { label: 'Intensity', value: 'Z2, HR 130–145', inline: true },
        { label: 'Target load', value: '55 TSS', inline: true },
        { label: 'Dose', value: 'standard', inline: true },
      ],
    });
  });

  it('when reasons are given then the three ranked ones each cite a number', () => {
    const m = presentMorning({ prescription: prescription(), athlete: { displayName: 'Alex' } });
    const why = m.sections!.find((s) => s.title === 'Why today')!;
    expect(why.text).toBe(
      ['1. Hard sessions blocked: ACWR 1.62 is above 1.5', '2. Fatigue outweighs fitness (tsb −9.5)', '3. Endurance beat rest by 0.4 points'].join('\n'),
    );
    for (const line of why.text!.split('\n')) expect(line.replace(/^\d+\. /, '')).toMatch(/\d/);
  });

  it('when fewer than three reasons cite numbers then the uncited ones fill up after them', () => {
    expect(rankedReasons([{ kind: 'data', text: 'no data' }, { kind: 'driver', text: 'HRV 4.1' }], 3)).toEqual(['HRV 4.1', 'no data']);
  });

  it('when the state differs from normal then HRV, resting HR, sleep, ACWR and form are compared with the athlete’s normal', () => {
    const m = presentMorning({ prescription: prescription(), athlete: { displayName: 'Alex' } });
    expect(m.sections!.find((s) => s.title === 'Against your normal')!.text).toBe(
      [
        '• HRV 57 ms (7-day average) — below your normal 60–74 ms',
        '• Resting HR 53 bpm, +4 vs your usual 49 bpm — raised',
        '• Sleep 6.2 h vs your usual 7.4 h (−1.2 h)',
        '• Load ratio (ACWR) 1.62 — in the danger zone (≥ 1.5)',
        '• Training load: fitness (CTL) 52, fatigue (ATL) 62, form (TSB) −10',
      ].join('\n'),
    );
    expect(m.tone).toBe('red');
  });

  it('when the state is the engine’s snapshot (restingHr, deviations, ln baseline) then the lines are in ms, bpm and h with the usual values', () => {
    const state = { lnRmssd7: 4.2, hrvBaselineMean: 4.25, hrvZ: -0.2, hrvBand: 'inside', hrvToday: 58, restingHr: 50, restingHrDeviation: 0, sleepHoursToday: 7.5, sleepDeviation: 0.3 };
    expect(normalLines(state)).toEqual([
      'HRV 67 ms (7-day average) vs your usual 70 ms — inside your normal range; this morning 58 ms',
      'Resting HR 50 bpm, 0 vs your usual 50 bpm',
      'Sleep 7.5 h vs your usual 7.2 h (+0.3 h)',
    ]);
  });

  it('when the athlete has no history yet then no “against your normal” section with zeros is shown', () => {
    const m = presentMorning({ prescription: prescription({ state: { ctl: 0, atl: 0, historyDays: 0 } }), athlete: { displayName: 'New' } });
    expect(m.sections!.map((s) => s.title)).not.toContain('Against your normal');
  });

  it('when sessions were blocked then each blocked type is listed once with its reason', () => {
    const m = presentMorning({ prescription: prescription(), athlete: { displayName: 'Alex' } });
    expect(m.sections!.find((s) => s.title === 'Not today')!.text).toBe(
      ['• Intervals — ACWR 1.62 ≥ 1.5', '• Tempo — HRV below your normal band', '• Strength — HRV below your normal band'].join('\n'),
    );
  });

  it('when the message is built then Done / Too hard / Skipped open the feedback form prefilled for that day', () => {
    const m = presentMorning({ prescription: prescription(), athlete: { displayName: 'Alex' } });
    expect(m.buttons!.map((b) => [b.label, decodeAction(b.id)])).toEqual([
      ['Done', { command: 'feedback', options: { date: '2026-11-22', completion: 'done' } }],
      ['Too hard', { command: 'feedback', options: { date: '2026-11-22', completion: 'done', rpe: '9' } }],
      ['Skipped', { command: 'feedback', options: { date: '2026-11-22', completion: 'skipped', minutes: '0' } }],
      ['Why?', { command: 'why', options: { date: '2026-11-22' } }],
    ]);
  });

  it('when history and a chart renderer are given then the image is the athlete chart of those days', () => {
    const charts = new StubCharts();
    const m = presentMorning({ prescription: prescription(), athlete: { displayName: 'Alex' }, history: history(), charts });
    expect(charts.athleteCalls).toHaveLength(1);
    expect(charts.athleteCalls[0]!.data.days).toHaveLength(42);
    // HRV goes to the chart in ms (e^4.1 = 60.3 ms), with its unit on the axis; the coach's override is marked
    expect(charts.athleteCalls[0]!.data.hrv).toMatchObject({ label: 'HRV, rMSSD (ms)', unit: 'ms' });
    expect(charts.athleteCalls[0]!.data.hrv!.bandLow![0]).toBe(60.3);
    expect(charts.athleteCalls[0]!.data.hrv!.values[0]).toBe(66.7);
    expect(charts.athleteCalls[0]!.data.marks).toEqual([{ date: '2026-11-21', kind: 'override' }]);
    expect(m.image).toEqual({ png: Buffer.from('png-athlete'), filename: '2026-11-22-load-hrv.png', alt: 'athlete chart 42 days' });
  });

  it('when the chart renderer fails then the message still goes out without a picture', () => {
    const charts = new StubCharts();
    charts.fail = true;
    const m = presentMorning({ prescription: prescription(), athlete: { displayName: 'Alex' }, history: history(), charts });
    expect(m.image).toBeUndefined();
    expect(m.title).toBe('Sun 22 Nov — Endurance 60 min');
  });

  it('when a coach overrode the session then the summary carries the coach’s reason and the footer says so', () => {
    const rx = prescription({
      session: { type: 'REST', minutes: 0, targetLoad: 0, intensity: '', description: 'Rest.' },
      override: { session: { type: 'REST', minutes: 0, targetLoad: 0, intensity: '', description: '' }, reason: 'travel day', by: 'c-1', at: new Date(), previous: null },
      policy: 'override@dqn@3',
    });
    const m = presentMorning({ prescription: rx, athlete: { displayName: 'Alex' }, coachName: 'Sam' });
    expect(m.title).toBe('Sun 22 Nov — Rest day');
    expect(m.summary).toBe('Rest. _Sam set this session: travel day._');
    expect(m.footer).toBe('set by your coach · /why for the full explanation');
    expect(m.buttons!.map((b) => b.label)).toEqual(['Check in', 'Why?']);
  });
});

describe('why presenter', () => {
  it('when /why is presented then every reason, the normal ranges, the recent training, the safety rules and the policy are shown', () => {
    const m = presentWhy(prescription());
    expect(m.title).toBe('Why: Sun 22 Nov — Endurance 60 min');
    expect(m.sections!.map((s) => s.title)).toEqual(['Every reason, most important first', 'Against your normal', 'Your recent training', 'Safety rules', 'Alternatives that were allowed']);
    expect(m.sections![0]!.text!.split('\n')).toHaveLength(4);
    expect(m.sections![1]!.text).toContain('• Load ratio (ACWR) 1.62 — in the danger zone (≥ 1.5)');
    expect(m.sections![2]!.text).toBe('All of this is from 64 days of your history.');
    expect(m.sections![3]!.text).toBe(
      ['Allowed today: Rest day, Active recovery, Endurance.', 'Ruled out today:', '• Intervals — ACWR 1.62 ≥ 1.5', '• Tempo — HRV below your normal band', '• Strength — HRV below your normal band'].join('\n'),
    );
    expect(m.footer).toBe('policy dqn@3 · revision 2 · inputs abcdef012345');
    expect(m.ephemeral).toBe(true);
  });

  it('when the state is the engine’s snapshot then /why reads as sentences with units: no internal field names, no ln values, each session once', () => {
    const engineState = {
      atl: 59.2, ctl: 34.1, tsb: -25.1, acwr: 1.21, ctlRampPerWeek: 3.4, monotony: 1.6, strain: 802, hrvToday: 58.3, lnRmssd7: 4.2, hrvBaselineMean: 4.25,
      hrvBandLower: 4.2, hrvBandUpper: 4.3, hrvZ: -0.5, hrvBand: 'inside', hrvFallingDays: 0, hrvBaselineReady: true, restingHr: 51, restingHrBaseline: 49.2, restingHrDeviation: 1.8,
      sleepHoursToday: 7.1, sleepNorm: 7.4, sleepDeviation: -0.3, daysSinceRest: 3, daysSinceHard: 2, consecutiveHardDays: 0, latestRpe: 6, latestSoreness: null, wellness: null,
      illness: false, injury: false, historyDays: 90, flags: 'load_imputed',
    };
    const blocked = [3, 4, 5].map((actionId) => ({ type: 'ENDURANCE' as const, actionId, rule: 'acwr_projected', reason: 'planned load would raise ACWR to ≥ 1.50' }));
    const m = presentWhy(prescription({ state: engineState, mask: { allowed: ['REST', 'ACTIVE_RECOVERY'], blocked } }));
    const text = m.sections!.map((s) => s.text).join('\n');
    expect(text).not.toMatch(/[a-z][A-Z][a-z]+:/); // no camelCase field dumps
    expect(text).not.toMatch(/\(action \d+\)|\[acwr|ln rMSSD|load_imputed/);
    expect(text.match(/Endurance —/g)).toHaveLength(1);
    expect(m.sections!.find((s) => s.title === 'Against your normal')!.text).toBe(
      [
        '• HRV 67 ms (7-day average) — inside your normal 67–74 ms; this morning 58 ms',
        '• Resting HR 51 bpm, +2 vs your usual 49 bpm',
        '• Sleep 7.1 h vs your usual 7.4 h (−0.3 h)',
        '• Load ratio (ACWR) 1.21 — inside the 0.8–1.3 sweet spot',
        '• Training load: fitness (CTL) 34, fatigue (ATL) 59, form (TSB) −25',
      ].join('\n'),
    );
    expect(m.sections!.find((s) => s.title === 'Your recent training')!.text).toBe(
      'Fitness changed by +3.4 TSS per day over the last week (a steady build is up to about +5). Last 7 days: strain 802 (the week’s load in TSS × monotony 1.6; monotony above 2 means too little variation between easy and hard days). Your last rest day was 3 days ago. Your last hard session was 2 days ago. Your last session felt 6/10 (RPE). All of this is from 90 days of your history.',
    );
  });
});
describe('button ids', () => {
  it('when an action is encoded then decoding gives it back', () => {
    const id = encodeAction({ command: 'privacy', subcommand: 'delete', options: { confirm: 'abc.def' } });
    expect(id).toBe('tc:privacy.delete?confirm=abc.def');
    expect(decodeAction(id)).toEqual({ command: 'privacy', subcommand: 'delete', options: { confirm: 'abc.def' } });
  });

  it('when an id is longer than Discord allows then encoding refuses it', () => {
    expect(() => encodeAction({ command: 'feedback', options: { notes: 'x'.repeat(100) } })).toThrow(expect.objectContaining({ code: 'CHAT.ACTION_INVALID' }));
  });

  it('when a foreign id arrives then decoding refuses it with a user message', () => {
    expect(() => decodeAction('feedback:done:2026-11-22')).toThrow(expect.objectContaining({ code: 'CHAT.ACTION_INVALID', userMessage: 'That button is no longer valid. Please run the command again.' }));
  });
});
