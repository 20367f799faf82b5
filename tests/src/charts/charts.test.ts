import { describe, expect, it } from 'vitest';
import { athleteChartOption, renderAthleteChart, renderAthleteChartSvg } from '../../../src/charts/athlete-chart.ts';
import { pngSize, renderPng } from '../../../src/charts/render.ts';
import { renderTeamChart, teamChartOption } from '../../../src/charts/team-chart.ts';
import { sampleAthleteHistory } from './sample.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('athlete chart', () => {
  it('when six weeks are rendered then the result is a PNG of 800×560 by its IHDR', () => {
    const chart = renderAthleteChart(sampleAthleteHistory());
    expect(chart.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(chart.png.toString('ascii', 12, 16)).toBe('IHDR');
    expect(pngSize(chart.png)).toEqual({ width: 800, height: 560 });
    expect(chart).toMatchObject({ width: 800, height: 560 });
  });

  it('when a size is given then the PNG has that size', () => {
    expect(pngSize(renderAthleteChart(sampleAthleteHistory(), { width: 640, height: 360 }).png)).toEqual({ width: 640, height: 360 });
  });

  it('when the same input is rendered twice then the bytes are identical', () => {
    const a = renderAthleteChart(sampleAthleteHistory()).png;
    const b = renderAthleteChart(sampleAthleteHistory()).png;
    expect(a.equals(b)).toBe(true);
  });

  it('when HRV is missing then only the load and form panels are drawn and the PNG is still valid', () => {
    const { hrv: _hrv, ...noHrv } = sampleAthleteHistory();
    const option = athleteChartOption(noHrv, { width: 800, height: 480 });
    expect(option.grid).toHaveLength(2);
    expect(pngSize(renderAthleteChart(noHrv).png)).toEqual({ width: 800, height: 560 });
  });

  it('when TSB is not given then it is CTL − ATL of the same day', () => {
    const input = sampleAthleteHistory(7);
    const option = athleteChartOption(input, { width: 800, height: 480 }) as { series: { name: string; data: (number | null)[] }[] };
    const tsb = option.series.find((s) => s.name === 'Form (TSB = fitness − fatigue)')!.data;
    expect(tsb[3]).toBeCloseTo(input.ctl[3]! - input.atl[3]!, 1);
  });

  it('when the HRV band is given then it is drawn as a base line plus a stacked area of high − low', () => {
    const option = athleteChartOption(sampleAthleteHistory(), { width: 800, height: 480 }) as {
      series: { name: string; stack?: string; data: (number | null)[]; areaStyle?: unknown }[];
    };
    const base = option.series.find((s) => s.name === 'band-base')!;
    const band = option.series.find((s) => s.name === 'Your normal HRV range')!;
    expect(base.stack).toBe('hrv-band');
    expect(band.stack).toBe('hrv-band');
    expect(band.areaStyle).toBeDefined();
    expect(base.data[0]).toBe(61.6); // e^4.12 ms
    expect(band.data[0]).toBe(13.6); // e^4.32 − e^4.12 = 75.2 − 61.6 ms
  });

  it('when the SVG is produced then it carries the title and the legend text', () => {
    const svg = renderAthleteChartSvg(sampleAthleteHistory());
    expect(svg).toContain('Alex · last 6 weeks');
    expect(svg).toContain('Fitness (CTL, 42-day)');
    expect(svg).toContain('Your normal HRV range');
  });

  type Opt = {
    legend: { data: string[]; top: number };
    title: { top: number };
    grid: { top: number }[];
    yAxis: { gridIndex: number; name?: string; show?: boolean }[];
    series: { name: string; yAxisIndex: number; xAxisIndex: number; type: string }[];
  };

  it('when a coach reads the chart then every axis is named with its unit, every panel has one y axis, and load shares the fitness/fatigue axis', () => {
    const o = athleteChartOption(sampleAthleteHistory(), { width: 800, height: 560 }) as unknown as Opt;
    expect(o.yAxis.map((a) => a.name)).toEqual(['Load, fitness, fatigue (TSS per day)', 'Form (TSS per day)', 'HRV, rMSSD (ms)']);
    expect(o.yAxis.every((a) => a.show !== false)).toBe(true);
    expect(o.yAxis.map((a) => a.gridIndex)).toEqual([0, 1, 2]); // one y axis per panel: one zero line each
    const axisOf = (name: string) => o.series.find((x) => x.name === name)!.yAxisIndex;
    expect(axisOf('Daily load (TSS)')).toBe(axisOf('Fitness (CTL, 42-day)'));
    expect(axisOf('Daily load (TSS)')).toBe(axisOf('Fatigue (ATL, 7-day)'));
    expect(axisOf('Form (TSB = fitness − fatigue)')).toBe(1);
  });

  it('when marks and HRV dots are drawn then each has a legend entry, and the legend sits below the title above the first panel', () => {
    const input = { ...sampleAthleteHistory(), marks: [{ date: '2026-11-01', kind: 'illness' as const }, { date: '2026-11-14', kind: 'override' as const }, { date: '2026-11-17', kind: 'constraint' as const }] };
    const o = athleteChartOption(input, { width: 800, height: 560 }) as unknown as Opt;
    const shown = o.series.filter((x) => x.name !== 'band-base').map((x) => x.name);
    expect(new Set(o.legend.data)).toEqual(new Set(shown));
    expect(o.legend.data).toEqual(expect.arrayContaining(['HRV each morning', 'Illness or injury reported', 'Coach override', 'Coach constraint']));
    expect(o.legend.top).toBeGreaterThan(o.title.top + 16);
    expect(o.grid[0]!.top).toBeGreaterThan(o.legend.top + 40);
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
    { name: 'Alex', acwr: 1.62, tone: 'red' as const },
    { name: 'Bea', acwr: 1.34, tone: 'amber' as const },
    { name: 'Chen', acwr: 0.98, tone: 'green' as const },
    { name: 'Dara', acwr: null, tone: 'neutral' as const },
  ];

  it('when four athletes are drawn then the PNG is 640 wide and 252 high', () => {
    const chart = renderTeamChart({ title: 'Falcons · Sun 22 Nov', athletes });
    expect(chart.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngSize(chart.png)).toEqual({ width: 640, height: 252 });
  });

  it('when a coach reads the team chart then the axis is the named load ratio with the sweet spot and danger line, and the legend explains every colour', () => {
    const o = teamChartOption({ title: 't', athletes }) as {
      xAxis: { name: string; min: number; max: number };
      legend: { data: string[] };
      series: { name: string; data: unknown[]; markArea?: { data: [{ xAxis: number }, { xAxis: number }][] }; markLine?: { data: { xAxis: number }[] } }[];
    };
    expect(o.xAxis.name).toBe('Load ratio (ACWR): last 7 days’ load ÷ last 28 days’');
    expect(o.xAxis.max).toBe(2);
    expect(o.legend.data).toEqual(['Needs a look', 'Watch', 'Ready', 'No readings']);
    expect(o.series.map((x) => x.name)).toEqual(o.legend.data);
    expect(o.series[0]!.markArea!.data[0]!.map((e) => e.xAxis)).toEqual([0.8, 1.3]);
    expect(o.series[0]!.markLine!.data[0]!.xAxis).toBe(1.5);
    expect(o.series[0]!.data).toEqual([1.62, null, null, null]);
    expect(JSON.stringify(o.series[3]!.data[3])).toContain('no load ratio yet');
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
