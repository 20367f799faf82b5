/**
 * The morning chart of one athlete's last weeks (typically 42 days):
 *
 *   top panel    daily load as bars, CTL (fitness) and ATL (fatigue) as lines on the left axis,
 *                TSB (form = CTL − ATL) on the right axis with its zero line;
 *   bottom panel HRV: the 7-day mean of ln rMSSD (or daily rMSSD) as a line, daily values as dots, and the
 *                athlete's normal band shaded.
 *
 * Input is plain numbers, one entry per day (null = no data that day); nothing here reads a database or
 * the clock, so the same input always gives the same PNG.
 */
import { assertSameLength, renderPng, renderSvg, resolveChartFonts, shortDate, type ChartPng } from './render.ts';

export type Series = readonly (number | null)[];

export interface HrvSeries {
  /** Axis label, e.g. "ln rMSSD (7-day mean)" or "rMSSD (ms)". */
  label?: string;
  /** The line: 7-day mean of ln rMSSD, or daily rMSSD. */
  values: Series;
  /** Optional daily values shown as dots behind the line. */
  daily?: Series;
  /** The athlete's normal range per day (e.g. baseline ± 0.5 SD); shaded. */
  bandLow?: Series;
  bandHigh?: Series;
}

export interface AthleteChartInput {
  /** e.g. "Alex · last 6 weeks". */
  title: string;
  /** Local dates "YYYY-MM-DD", ascending. Every series has one value per date. */
  days: readonly string[];
  /** Daily training load (TSS-like). */
  load: Series;
  /** Chronic training load (fitness). */
  ctl: Series;
  /** Acute training load (fatigue). */
  atl: Series;
  /** Training stress balance (form). Defaults to CTL − ATL of the same day. */
  tsb?: Series;
  hrv?: HrvSeries;
}

export interface ChartSize {
  width?: number;
  height?: number;
}

export const ATHLETE_CHART_COLORS = {
  load: '#c3cddb',
  ctl: '#2563eb',
  atl: '#db2777',
  tsb: '#d97706',
  hrv: '#047857',
  hrvDaily: '#9ca3af',
  band: 'rgba(16, 185, 129, 0.18)',
  grid: '#e5e7eb',
  text: '#374151',
} as const;

const round1 = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10) / 10;
const round3 = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 1000) / 1000;

function validate(input: AthleteChartInput): void {
  const n = input.days.length;
  assertSameLength('load', n, input.load);
  assertSameLength('ctl', n, input.ctl);
  assertSameLength('atl', n, input.atl);
  assertSameLength('tsb', n, input.tsb);
  assertSameLength('hrv.values', n, input.hrv?.values);
  assertSameLength('hrv.daily', n, input.hrv?.daily);
  assertSameLength('hrv.bandLow', n, input.hrv?.bandLow);
  assertSameLength('hrv.bandHigh', n, input.hrv?.bandHigh);
  for (const d of input.days) shortDate(d);
}

/** The ECharts option (exported so tests and a debug script can inspect it). */
export function athleteChartOption(input: AthleteChartInput, size: Required<ChartSize>): Record<string, unknown> {
  validate(input);
  const c = ATHLETE_CHART_COLORS;
  const family = resolveChartFonts().family;
  const labels = input.days.map(shortDate);
  const n = labels.length;
  const tsb = input.tsb ?? input.ctl.map((v, i) => (v === null || input.atl[i] == null ? null : v - input.atl[i]!));
  const maxLoad = Math.max(1, ...input.load.map((v) => v ?? 0));
  const hrv = input.hrv;
  const hasHrv = hrv !== undefined && hrv.values.some((v) => v !== null);
  const hasBand = hasHrv && hrv.bandLow !== undefined && hrv.bandHigh !== undefined;
  const { width, height } = size;
  const left = 52;
  const right = 52;
  const top = 64;
  const bottomPanel = hasHrv ? Math.round((height - top) * 0.3) : 0;
  const gap = hasHrv ? 36 : 0;
  const xLabelSpace = 28;
  const topPanel = height - top - bottomPanel - gap - xLabelSpace;
  const labelInterval = n > 21 ? 6 : n > 10 ? 2 : 0;

  const axisText = { color: c.text, fontFamily: family, fontSize: 11 };
  const xAxisBase = {
    type: 'category',
    data: labels,
    boundaryGap: true,
    axisTick: { alignWithLabel: true, interval: labelInterval },
    axisLine: { lineStyle: { color: '#9ca3af' } },
  };
  const grids: Record<string, unknown>[] = [{ left, right, top, height: topPanel }];
  const xAxes: Record<string, unknown>[] = [
    { ...xAxisBase, gridIndex: 0, axisLabel: hasHrv ? { show: false } : { ...axisText, interval: labelInterval } },
  ];
  const yAxes: Record<string, unknown>[] = [
    {
      type: 'value',
      gridIndex: 0,
      name: 'CTL · ATL',
      nameTextStyle: { ...axisText, align: 'left' },
      axisLabel: axisText,
      splitLine: { lineStyle: { color: c.grid } },
      min: 0,
    },
    {
      type: 'value',
      gridIndex: 0,
      name: 'TSB',
      position: 'right',
      nameTextStyle: { ...axisText, align: 'right' },
      axisLabel: axisText,
      splitLine: { show: false },
    },
    // Loads on a hidden axis scaled so the tallest bar fills about 40 % of the panel.
    { type: 'value', gridIndex: 0, show: false, min: 0, max: maxLoad * 2.5 },
  ];
  const series: Record<string, unknown>[] = [
    {
      name: 'Load',
      type: 'bar',
      xAxisIndex: 0,
      yAxisIndex: 2,
      data: input.load.map(round1),
      itemStyle: { color: c.load },
      barCategoryGap: '30%',
      silent: true,
    },
    {
      name: 'Fitness (CTL)',
      type: 'line',
      xAxisIndex: 0,
      yAxisIndex: 0,
      data: input.ctl.map(round1),
      showSymbol: false,
      connectNulls: true,
      lineStyle: { color: c.ctl, width: 2.5 },
      itemStyle: { color: c.ctl },
    },
    {
      name: 'Fatigue (ATL)',
      type: 'line',
      xAxisIndex: 0,
      yAxisIndex: 0,
      data: input.atl.map(round1),
      showSymbol: false,
      connectNulls: true,
      lineStyle: { color: c.atl, width: 1.5 },
      itemStyle: { color: c.atl },
    },
    {
      name: 'Form (TSB)',
      type: 'line',
      xAxisIndex: 0,
      yAxisIndex: 1,
      data: tsb.map(round1),
      showSymbol: false,
      connectNulls: true,
      lineStyle: { color: c.tsb, width: 1.5, type: 'dashed' },
      itemStyle: { color: c.tsb },
      markLine: {
        silent: true,
        symbol: 'none',
        label: { show: false },
        lineStyle: { color: c.tsb, opacity: 0.35, type: 'solid', width: 1 },
        data: [{ yAxis: 0 }],
      },
    },
  ];
  const legend = ['Load', 'Fitness (CTL)', 'Fatigue (ATL)', 'Form (TSB)'];

  if (hasHrv) {
    const hrvTop = top + topPanel + gap;
    grids.push({ left, right, top: hrvTop, height: bottomPanel });
    xAxes.push({ ...xAxisBase, gridIndex: 1, axisLabel: { ...axisText, interval: labelInterval } });
    yAxes.push({
      type: 'value',
      gridIndex: 1,
      scale: true,
      name: hrv.label ?? 'HRV',
      nameTextStyle: { ...axisText, align: 'left' },
      axisLabel: axisText,
      splitNumber: 3,
      splitLine: { lineStyle: { color: c.grid } },
    });
    const hrvAxis = yAxes.length - 1;
    if (hasBand) {
      const low = hrv.bandLow!.map(round3);
      const high = hrv.bandHigh!.map(round3);
      // Shaded band = an invisible base line at the lower edge plus a stacked area of (high − low).
      series.push({
        name: 'band-base',
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: hrvAxis,
        data: low,
        stack: 'hrv-band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        silent: true,
      });
      series.push({
        name: 'Normal range',
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: hrvAxis,
        data: high.map((h, i) => (h === null || low[i] === null ? null : round3(h - low[i]!))),
        stack: 'hrv-band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: c.band, opacity: 1 },
        itemStyle: { color: c.band },
        silent: true,
      });
      legend.push('Normal range');
    }
    if (hrv.daily)
      series.push({
        name: 'HRV daily',
        type: 'scatter',
        xAxisIndex: 1,
        yAxisIndex: hrvAxis,
        data: hrv.daily.map(round3),
        symbolSize: 4,
        itemStyle: { color: c.hrvDaily },
        silent: true,
      });
    series.push({
      name: 'HRV',
      type: 'line',
      xAxisIndex: 1,
      yAxisIndex: hrvAxis,
      data: hrv.values.map(round3),
      showSymbol: false,
      connectNulls: true,
      lineStyle: { color: c.hrv, width: 2 },
      itemStyle: { color: c.hrv },
    });
    legend.push('HRV');
  }

  return {
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: family, color: c.text },
    title: {
      text: input.title,
      left: 14,
      top: 10,
      textStyle: { fontFamily: family, fontSize: 16, fontWeight: 'bold', color: '#111827' },
    },
    legend: {
      data: legend,
      right: 14,
      top: 12,
      itemWidth: 14,
      itemHeight: 8,
      itemGap: 10,
      width: width - 300,
      textStyle: { fontFamily: family, fontSize: 11, color: c.text },
    },
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    series,
  };
}

/** SVG of the athlete chart (for debugging and for clients that accept SVG). */
export function renderAthleteChartSvg(input: AthleteChartInput, size: ChartSize = {}): string {
  const s = { width: size.width ?? 800, height: size.height ?? 480 };
  return renderSvg(athleteChartOption(input, s), s.width, s.height);
}

/** PNG of the athlete chart, 800×480 by default. */
export function renderAthleteChart(input: AthleteChartInput, size: ChartSize = {}): ChartPng {
  const s = { width: size.width ?? 800, height: size.height ?? 480 };
  return renderPng(athleteChartOption(input, s), s.width, s.height);
}
