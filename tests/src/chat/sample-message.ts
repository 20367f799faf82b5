/** A realistic morning message used across the renderer tests. */
import type { ChatMessage } from '../../../src/core/chat.ts';
import { presentTeamBoard, type ChartRenderer } from '../../../src/core/presenters/index.ts';
import type { BoardRow } from '../../../src/core/team-board.use-case.ts';

export function morningMessage(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    title: 'Tuesday 22 Nov — ENDURANCE 60 min',
    summary: 'Your HRV is back inside its *normal range* and fatigue has settled, so today is a steady aerobic hour.',
    sections: [
      {
        title: 'Why today',
        text: '• HRV 4.21 (normal 4.12–4.32)\n• Form (TSB) −6, fatigue falling for 3 days',
      },
      {
        title: 'Session',
        fields: [
          { label: 'Duration', value: '60 min', inline: true },
          { label: 'Intensity', value: 'Z2 · HR 130–145', inline: true },
        ],
      },
    ],
    buttons: [
      { id: 'feedback:done:2026-11-22', label: 'Done', style: 'success' },
      { id: 'feedback:skipped:2026-11-22', label: 'Skipped', style: 'secondary' },
      { id: 'why:2026-11-22', label: 'Why?', style: 'primary' },
    ],
    image: { png: Buffer.from([0x89, 0x50, 0x4e, 0x47]), filename: 'alex 2026-11-22.png', alt: 'Load, fitness and HRV over the last 6 weeks' },
    tone: 'green',
    footer: 'policy dqn@3 · reply /why for the full explanation',
    ...overrides,
  };
}

/**
 * A coach's team board of `n` athletes as the presenter writes it (full detail: a line per athlete with its
 * reasons and flags), bands spread red / amber / green, with an approve button and a chart.
 */
export function teamBoardMessage(n: number, detail: 'full' | 'compact' = 'full'): ChatMessage {
  const rows: BoardRow[] = Array.from({ length: n }, (_, i) => {
    const band = (['red', 'amber', 'green', 'green'] as const)[i % 4]!;
    const reasons = {
      red: ['ACWR 1.62 ≥ 1.5 (load spike)', 'HRV 38 ms below normal band 45–61 ms'],
      amber: ['resting HR 58 bpm, 6 above your 52 bpm baseline', 'sleep 5.9 h (< 6 h)'],
      green: ['within normal ranges: ACWR 1.02, HRV 52 ms (normal 45–61 ms)'],
    }[band];
    return {
      athleteId: `a-${i + 1}`,
      displayName: athleteName(i),
      status: 'active',
      readiness: { band, reasons },
      session: { type: band === 'red' ? 'REST' : 'ENDURANCE', minutes: band === 'red' ? 0 : 60, targetLoad: 50, intensity: 'Z2', description: '' },
      approval: i % 5 === 0 ? 'pending' : 'approved',
      overridden: i % 7 === 0,
      flags: [...(i % 5 === 0 ? (['AWAITING_APPROVAL'] as const) : []), ...(i % 3 === 0 ? (['NO_CHECKIN_TODAY'] as const) : [])],
      stateFrom: 'prescription',
      trainingLoad: { ctl: 40 + (i % 9), atl: 45 + (i % 11) },
      loadRatio: band === 'red' ? 1.62 : 1.02,
    };
  });
  const charts: ChartRenderer = {
    athlete: () => ({ png: Buffer.from([0x89, 0x50, 0x4e, 0x47]), filename: 'a.png', alt: 'athlete' }),
    team: (_data, filename) => ({ png: Buffer.from([0x89, 0x50, 0x4e, 0x47]), filename, alt: 'Readiness of every athlete' }),
  };
  return presentTeamBoard({ teamId: 't-1', teamName: 'Falcons', date: '2026-11-22', rows }, { detail, charts });
}

/** "Athlete 07 Lindqvist-Moreau": distinct, and long enough to look like real names. */
export function athleteName(i: number): string {
  return `Athlete ${String(i + 1).padStart(2, '0')} ${['Lindqvist-Moreau', 'Okonkwo', 'Fernández Ruiz', 'Nakamura'][i % 4]}`;
}
