/** The real ChartRenderer (src/charts behind the presenters' port), used by the morning message. */
import { describe, expect, it } from 'vitest';
import { pngSize } from '../../../src/charts/index.ts';
import { createChartRenderer } from '../../../src/chat/chart-renderer.ts';
import { presentMorning, presentTeamBoard } from '../../../src/core/presenters/index.ts';
import { history, prescription } from '../core/presenters/fixtures.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('chart renderer over src/charts', () => {
  it('when the morning message is presented with history then its image is an 800×560 PNG with alt text citing the numbers', () => {
    const m = presentMorning({ prescription: prescription(), athlete: { displayName: 'Alex' }, history: history(), charts: createChartRenderer() });
    expect(m.image!.png.subarray(0, 8).equals(PNG)).toBe(true);
    expect(pngSize(m.image!.png)).toEqual({ width: 800, height: 560 });
    expect(m.image!.filename).toBe('2026-11-22-load-hrv.png');
    expect(m.image!.alt).toBe('Training load over the last 42 days; today fitness (CTL) 52, fatigue (ATL) 61, form (TSB) -9; HRV 67 ms (inside the normal range).');
  });

  it('when the team board is presented then the team chart has one bar per athlete and says the counts', () => {
    const board = {
      teamId: 't',
      teamName: 'Falcons',
      date: '2026-11-22',
      rows: (['green', 'amber', 'red'] as const).map((band, i) => ({
        athleteId: `a${i}`,
        displayName: `Athlete ${i}`,
        status: 'active' as const,
        readiness: { band, reasons: ['x 1'] },
        session: null,
        approval: null,
        overridden: false,
        flags: [],
        trainingLoad: null,
        loadRatio: 1.1,
        stateFrom: 'prescription' as const,
      })),
    };
    const m = presentTeamBoard(board, { charts: createChartRenderer() });
    expect(m.image!.png.subarray(0, 8).equals(PNG)).toBe(true);
    expect(pngSize(m.image!.png).width).toBe(640);
    expect(m.image!.alt).toBe('Team readiness: 1 green, 1 amber, 1 red.');
  });
});
