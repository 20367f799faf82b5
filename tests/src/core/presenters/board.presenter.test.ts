import { describe, expect, it } from 'vitest';
import { presentHistory, presentTeamBoard, presentWeek } from '../../../../src/core/presenters/index.ts';
import type { TeamBoard } from '../../../../src/core/team-board.use-case.ts';
import { history, StubCharts } from './fixtures.ts';

const board: TeamBoard = {
  teamId: 't-1',
  teamName: 'Falcons',
  date: '2026-11-22',
  rows: [
    {
      athleteId: 'a-1',
      displayName: 'Alex',
      status: 'active',
      readiness: { band: 'red', reasons: ['ACWR 1.62 ≥ 1.5 (load spike)'] },
      session: { type: 'REST', minutes: 0, targetLoad: 0, intensity: '', description: '' },
      approval: 'approved',
      overridden: true,
      flags: ['ACWR_HIGH'],
      trainingLoad: { ctl: 33.6, atl: 58.4 },
      loadRatio: 1.62,
      stateFrom: 'prescription',
    },
    {
      athleteId: 'a-2',
      displayName: 'Bea',
      status: 'active',
      readiness: { band: 'green', reasons: ['within normal ranges: ACWR 1.02'] },
      session: { type: 'INTERVALS', minutes: 50, targetLoad: 90, intensity: 'hard', description: '' },
      approval: 'pending',
      overridden: false,
      flags: ['AWAITING_APPROVAL', 'NO_CHECKIN_TODAY'],
      trainingLoad: null,
      loadRatio: 1.02,
      stateFrom: 'prescription',
    },
  ],
};

describe('team board presenter', () => {
  it('when the coach asks for the board then athletes are grouped worst first with reasons, flags and the chart', () => {
    const charts = new StubCharts();
    const m = presentTeamBoard(board, { charts });
    expect(m.title).toBe('Team readiness — Falcons · Sun 22 Nov');
    expect(m.summary).toBe('2 athletes: 1 green · 0 amber · 1 red · 1 awaiting approval.');
    expect(m.sections).toEqual([
      { title: 'Needs a look', text: '🔴 *Alex* — Rest day (coach)\n   ACWR 1.62 ≥ 1.5 (load spike); fitness (CTL) 34, fatigue (ATL) 58, form (TSB) −24 · load spike' },
      { title: 'Ready', text: '🟢 *Bea* — Intervals 50 min\n   within normal ranges: ACWR 1.02 · awaiting approval, no check-in' },
    ]);
    expect(m.tone).toBe('red');
    expect(m.buttons).toEqual([{ id: 'tc:approve?date=2026-11-22&team=t-1', label: 'Approve 1 pending', style: 'primary' }]);
    expect(charts.teamCalls[0]!.data.athletes).toEqual([
      { name: 'Alex', band: 'red', acwr: 1.62 },
      { name: 'Bea', band: 'green', acwr: 1.02 },
    ]);
    expect(m.image?.filename).toBe('team-2026-11-22.png');
  });

  it('when the compact channel summary is built then no health reasons are shown', () => {
    const m = presentTeamBoard(board, { detail: 'compact' });
    expect(m.sections!.map((s) => s.text).join('\n')).not.toMatch(/ACWR|check-in/);
    expect(m.buttons).toBeUndefined();
  });
});

describe('history and week presenters', () => {
  it('when six weeks of history are presented then the summary cites fitness, fatigue, form and HRV and the chart is attached', () => {
    const charts = new StubCharts();
    const m = presentHistory(history(), { charts });
    expect(m.title).toBe('Your last 6 weeks — Mon 12 Oct to Sun 22 Nov');
    expect(m.summary).toBe('This morning: fitness (CTL) 52, fatigue (ATL) 61, form (TSB) −9. Fitness +12 over 6 weeks. HRV 67 ms (7-day average), inside your normal 60–74 ms.');
    expect(m.sections![0]!.text!.split('\n')).toHaveLength(6);
    expect(m.sections![0]!.text!.split('\n')[0]).toBe('• Mon 12 Oct – Sun 18 Oct: 315 TSS in 6 sessions');
    expect(m.image?.alt).toBe('athlete chart 42 days');
  });

  it('when there is no data at all then the athlete is told how to get some and no chart is drawn', () => {
    const h = history();
    const empty = { ...h, load: h.load.map(() => null), hrv: { ...h.hrv, daily: h.hrv.daily.map(() => null) } };
    const charts = new StubCharts();
    const m = presentHistory(empty, { charts });
    expect(m.summary).toMatch(/\/connect/);
    expect(charts.athleteCalls).toHaveLength(0);
  });

  it('when today has a session without feedback then the week shows it and offers the feedback buttons', () => {
    const m = presentWeek({
      displayName: 'Alex',
      today: '2026-11-22',
      days: [
        { date: '2026-11-21', session: { type: 'ENDURANCE', minutes: 60, targetLoad: 55, intensity: '', description: '' }, awaitingApproval: false, overridden: false, feedback: { completion: 'done', rpe: 6 } },
        { date: '2026-11-22', session: { type: 'TEMPO', minutes: 50, targetLoad: 70, intensity: '', description: '' }, awaitingApproval: false, overridden: false, feedback: null },
      ],
    });
    expect(m.sections![0]!.text).toBe('• *Sat 21 Nov* — Endurance 60 min — ✓ done · RPE 6\n▶ *Sun 22 Nov* — Tempo 50 min');
    expect(m.summary).toBe('1 of 2 planned sessions reported done so far.');
    expect(m.buttons!.map((b) => b.label)).toEqual(['Done', 'Too hard', 'Skipped', 'Why?']);
  });
});
