import { describe, expect, it } from 'vitest';
import { athleteChartOption, renderAthleteChart, renderAthleteChartSvg } from '../../../src/charts/athlete-chart.ts';
import { pngSize, renderPng } from '../../../src/charts/render.ts';
import { renderTeamChart, toneOf } from '../../../src/charts/team-chart.ts';
import { sampleAthleteHistory } from './sample.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('athlete chart', () => {
  it('when six weeks are rendered then the result is a PNG of 800×480 by its IHDR', () => {
    const chart = renderAthleteChart(sampleAthleteHistory());
    expect(chart.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(chart.png.toString('ascii', 12, 16)).toBe('IHDR');
    expect(pngSize(chart.png)).toEqual({ width: 800, height: 480 });
    expect(chart).toMatchObject({ width: 800, height: 480 });
  });

  it('when a size is given then the PNG has that size', () => {
    expect(pngSize(renderAthleteChart(sampleAthleteHistory(), { width: 640, height: 360 }).png)).toEqual({ width: 640, height: 360 });
  });

  it('when the same input is rendered twice then the bytes are identical', () => {
    const a = renderAthleteChart(sampleAthleteHistory()).png;
    const b = renderAthleteChart(sampleAthleteHistory()).png;
    expect(a.equals(b)).toBe(true);
  });

  it('when HRV is missing then only the load panel is drawn and the PNG is still valid', () => {
    const { hrv: _hrv, ...noHrv } = sampleAthleteHistory();
    const option = athleteChartOption(noHrv, { width: 800, height: 480 });
    expect(option.grid).toHaveLength(1);
    expect(pngSize(renderAthleteChart(noHrv).png)).toEqual({ width: 800, height: 480 });
  });

  it('when TSB is not given then it is CTL − ATL of the same day', () => {
    const input = sampleAthleteHistory(7);
    const option = athleteChartOption(input, { width: 800, height: 480 }) as { series: { name: string; data: (number | null)[] }[] };
    const tsb = option.series.find((s) => s.name === 'Form (TSB)')!.data;
    expect(tsb[3]).toBeCloseTo(input.ctl[3]! - input.atl[3]!, 1);
  });

  it('when the HRV band is given then it is drawn as a base line plus a stacked area of high − low', () => {
    const option = athleteChartOption(sampleAthleteHistory(), { width: 800, height: 480 }) as {
      series: { name: string; stack?: string; data: (number | null)[]; areaStyle?: unknown }[];
    };
    const base = option.series.find((s) => s.name === 'band-base')!;
    const band = option.series.find((s) => s.name === 'Normal range')!;
    expect(base.stack).toBe('hrv-band');
    expect(band.stack).toBe('hrv-band');
    expect(band.areaStyle).toBeDefined();
    expect(base.data[0]).toBe(4.12);
    expect(band.data[0]).toBe(0.2);
  });

  it('when the SVG is produced then it carries the title and the legend text', () => {
    const svg = renderAthleteChartSvg(sampleAthleteHistory());
    expect(svg).toContain('Alex · last 6 weeks');
    expect(svg).toContain('Fitness (CTL)');
    expect(svg).toContain('Normal range');
  });

  it('when a series has the wrong length then it throws CHART.INVALID_INPUT', () => {
    const input = { ...sampleAthleteHistory(), ctl: [1, 2, 3] };
    expect(() => renderAthleteChart(input)).toThrow(expect.objectContaining({ code: 'CHART.INVALID_INPUT' }));
  });

  it('when a date is not YYYY-MM-DD then it throws CHART.INVALID_INPUT', () => {
    const input = { ...sampleAthleteHistory(1), days: ['22/11/2026'] };
    expect(() => renderAthleteChart(input)).toThrow(expect.objectContaining({ code: 'CHART.INVALID_INPUT' }));
  });
});

describe('chart text', () => {
  it('when a title is rendered then the PNG differs from the same chart without it (a font was loaded)', () => {
    const withTitle = renderPng({ title: { text: 'Readiness 82' } }, 200, 60).png;
    const without = renderPng({ title: { text: '' } }, 200, 60).png;
    expect(withTitle.equals(without)).toBe(false);
  });
});

describe('team chart', () => {
  const athletes = [
    { name: 'Alex', readiness: 82 },
    { name: 'Bea', readiness: 64 },
    { name: 'Chen', readiness: 41 },
    { name: 'Dara', readiness: null },
  ];

  it('when four athletes are drawn then the PNG is 640 wide and 196 high', () => {
    const chart = renderTeamChart({ title: 'Team readiness · Sun 22 Nov', athletes });
    expect(chart.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(chart.png)).toEqual({ width: 640, height: 196 });
  });

  it('when readiness has no tone then the thresholds pick it', () => {
    expect([82, 70, 69, 50, 49, null].map((r) => toneOf(r))).toEqual(['green', 'green', 'amber', 'amber', 'red', 'neutral']);
  });

  it('when there are no athletes then it throws CHART.INVALID_INPUT', () => {
    expect(() => renderTeamChart({ title: 'x', athletes: [] })).toThrow(expect.objectContaining({ code: 'CHART.INVALID_INPUT' }));
  });
});

describe('pngSize', () => {
  it('when the bytes are not a PNG then it throws CHART.NOT_PNG', () => {
    expect(() => pngSize(Buffer.from('GIF89a-not-a-png-at-all-really'))).toThrow(expect.objectContaining({ code: 'CHART.NOT_PNG' }));
  });
});

describe('chart alt text', () => {
  it('when the athlete chart is described then the latest CTL, ATL, TSB and HRV position are in the text', async () => {
    const { describeAthleteChart } = await import('../../../src/charts/index.ts');
    const input = {
      title: 't',
      days: ['2026-11-21', '2026-11-22'],
      load: [50, 60],
      ctl: [50, 52.4],
      atl: [60, 70.6],
      hrv: { values: [4.2, 4.05], bandLow: [4.1, 4.1], bandHigh: [4.3, 4.3] },
    };
    // Form from the numbers as shown (52 − 71), not from 52.4 − 70.6 = −18.2, so the caption adds up.
    expect(describeAthleteChart(input)).toBe(
      'Training load over the last 2 days; today fitness (CTL) 52, fatigue (ATL) 71, form (TSB) -19; HRV 4.05 (below the normal range).',
    );
  });
});
