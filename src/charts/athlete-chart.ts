/**
 * The morning chart of one athlete's last weeks (typically 42 days), readable without help:
 *
 *   top panel     daily load (TSS) as bars with fitness (CTL, 42-day) and fatigue (ATL, 7-day) as lines, all
 *                 on one axis in TSS per day (CTL and ATL are averages of the daily load, so they share its
 *                 unit); markers along the top for reported illness or injury, coach overrides and coach
 *                 constraints, each in the legend;
 *   middle panel  form (TSB = fitness − fatigue, TSS per day) with its own zero line;
 *   bottom panel  HRV in the unit given (the presenters pass milliseconds): each morning as a dot, the
 *                 7-day average as a line and the athlete's normal range shaded.
 *
 * Every axis has a name with its unit, every mark has a legend entry, and the legend has its own row under
 * the title. Tried and dropped: load bars on a hidden third axis (a coach read them against the CTL scale)
 * and TSB on a right-hand axis in the top panel (two zero lines at different heights).
 *
 * Input is plain numbers, one entry per day (null = no data that day); nothing here reads a database or
 * the clock, so the same input always gives the same PNG.
 */
import { assertSameLength, renderPng, renderSvg, resolveChartFonts, shortDate, type ChartPng } from './render.ts';

export type Series = readonly (number | null)[];

export interface HrvSeries {
  /** Axis name with its unit, e.g. "HRV, rMSSD (ms)". */
  label?: string;
  /** Unit of the values for the alt text, e.g. "ms". */
  unit?: string;
  /** The line: the 7-day average. */
  values: Series;
  /** Optional values of each morning, shown as dots behind the line. */
  daily?: Series;
  /** The athlete's normal range per day (e.g. baseline ± 0.5 SD); shaded. */
  bandLow?: Series;
  bandHigh?: Series;
}

/** Days worth marking on the chart. */
export type ChartMarkKind = 'illness' | 'override' | 'constraint';

export interface ChartMark {
  /** "YYYY-MM-DD", one of `days`. */
  date: string;
  kind: ChartMarkKind;
}

export interface AthleteChartInput {
  /** e.g. "Alex · last 6 weeks". */
  title: string;
  /** Local dates "YYYY-MM-DD", ascending. Every series has one value per date. */
  days: readonly string[];
  /** Daily training load (TSS). */
  load: Series;
  /** Chronic training load (fitness), TSS per day. */
  ctl: Series;
  /** Acute training load (fatigue), TSS per day. */
  atl: Series;
  /** Training stress balance (form). Defaults to CTL − ATL of the same day. */
  tsb?: Series;
  hrv?: HrvSeries;
  /** Illness or injury reported, coach overrides, coach constraints. */
  marks?: readonly ChartMark[];
}

export interface ChartSize {
  width?: number;
  height?: number;
}

export const DEFAULT_ATHLETE_CHART_SIZE = { width: 800, height: 560 } as const;

export const ATHLETE_CHART_COLORS = {
  load: '#c3cddb',
  ctl: '#2563eb',
  atl: '#db2777',
  tsb: '#d97706',
  hrv: '#047857',
  hrvDaily: '#6b7280',
  band: 'rgba(16, 185, 129, 0.18)',
  illness: '#dc2626',
  override: '#7c3aed',
  constraint: '#0f766e',
  grid: '#e5e7eb',
  text: '#374151',
} as const;

export const LEGEND = {
  load: 'Daily load (TSS)',
  ctl: 'Fitness (CTL, 42-day)',
  atl: 'Fatigue (ATL, 7-day)',
  tsb: 'Form (TSB = fitness − fatigue)',
  hrvDaily: 'HRV each morning',
  hrv: 'HRV 7-day average',
  band: 'Your normal HRV range',
  illness: 'Illness or injury reported',
  override: 'Coach override',
  constraint: 'Coach constraint',
} as const;

const MARK_SYMBOL: Record<ChartMarkKind, string> = { illness: 'diamond', override: 'triangle', constraint: 'rect' };

const round1 = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10) / 10;

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

/** A round axis maximum above `v` (10, 20, 50, 100, 150, 200, …). */
function niceMax(v: number): number {
  const step = v <= 50 ? 10 : v <= 200 ? 25 : 50;
  return Math.max(step, Math.ceil(v / step) * step);
}

/** The ECharts option (exported so tests and a debug script can inspect it). */
export function athleteChartOption(input: AthleteChartInput, size: Required<ChartSize>): Record<string, unknown> {
  validate(input);
  const c = ATHLETE_CHART_COLORS;
  const family = resolveChartFonts().family;
  const labels = input.days.map(shortDate);
  const n = labels.length;
  const tsb = input.tsb ?? input.ctl.map((v, i) => (v === null || input.atl[i] == null ? null : v - input.atl[i]!));
  const hrv = input.hrv;
  const hasHrv = hrv !== undefined && hrv.values.some((v) => v !== null);
  const hasBand = hasHrv && hrv.bandLow !== undefined && hrv.bandHigh !== undefined;
  const marks = (input.marks ?? []).filter((m) => input.days.includes(m.date));
  const { width, height } = size;
  const left = 64;
  const right = 24;
  const top = 116; // title row, two legend rows, the first axis name
  const gap = 30;
  const xLabelSpace = 26;
  const usable = height - top - xLabelSpace - gap * (hasHrv ? 2 : 1);
  const formPanel = Math.round(usable * (hasHrv ? 0.2 : 0.3));
  const hrvPanel = hasHrv ? Math.round(usable * 0.3) : 0;
  const loadPanel = usable - formPanel - hrvPanel;
  const labelInterval = n > 21 ? 6 : n > 10 ? 2 : 0;
  const peak = Math.max(1, ...[...input.load, ...input.ctl, ...input.atl].map((v) => (v !== null && Number.isFinite(v) ? v : 0)));
  const loadMax = niceMax(peak * (marks.length > 0 ? 1.15 : 1.05));

  const axisText = { color: c.text, fontFamily: family, fontSize: 11 };
  const axisName = (name: string) => ({ name, nameLocation: 'end', nameGap: 8, nameTextStyle: { ...axisText, align: 'left', fontWeight: 'bold' } });
  const xAxisBase = {
    type: 'category',
    data: labels,
    boundaryGap: true,
    axisTick: { alignWithLabel: true, interval: labelInterval },
    axisLine: { lineStyle: { color: '#9ca3af' } },
  };
  const panels: { top: number; height: number }[] = [];
  let y = top;
  for (const h of [loadPanel, formPanel, ...(hasHrv ? [hrvPanel] : [])]) {
    panels.push({ top: y, height: h });
    y += h + gap;
  }
  const last = panels.length - 1;
  const grids = panels.map((p) => ({ left, right, top: p.top, height: p.height }));
  const xAxes = panels.map((_, i) => ({ ...xAxisBase, gridIndex: i, axisLabel: i === last ? { ...axisText, interval: labelInterval } : { show: false } }));
  const yAxes: Record<string, unknown>[] = [
    { type: 'value', gridIndex: 0, ...axisName('Load, fitness, fatigue (TSS per day)'), min: 0, max: loadMax, axisLabel: axisText, splitNumber: 4, splitLine: { lineStyle: { color: c.grid } } },
    { type: 'value', gridIndex: 1, ...axisName('Form (TSS per day)'), axisLabel: axisText, splitNumber: 2, splitLine: { lineStyle: { color: c.grid } } },
  ];
  const line = (name: string, data: Series, color: string, width: number, axis: number, extra: Record<string, unknown> = {}) => ({
    name,
    type: 'line',
    xAxisIndex: axis,
    yAxisIndex: axis,
    data: data.map(round1),
    showSymbol: false,
    connectNulls: true,
    lineStyle: { color, width },
    itemStyle: { color },
    ...extra,
  });
  const series: Record<string, unknown>[] = [
    { name: LEGEND.load, type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: input.load.map(round1), itemStyle: { color: c.load }, barCategoryGap: '30%', silent: true },
    line(LEGEND.ctl, input.ctl, c.ctl, 2.5, 0),
    line(LEGEND.atl, input.atl, c.atl, 1.5, 0),
    line(LEGEND.tsb, tsb, c.tsb, 1.5, 1, {
      areaStyle: { color: c.tsb, opacity: 0.12 },
      markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#6b7280', type: 'solid', width: 1 }, data: [{ yAxis: 0 }] },
    }),
  ];
  const legend: string[] = [LEGEND.load, LEGEND.ctl, LEGEND.atl, LEGEND.tsb];

  for (const kind of ['illness', 'override', 'constraint'] as const) {
    const on = new Set(marks.filter((m) => m.kind === kind).map((m) => m.date));
    if (on.size === 0) continue;
    series.push({
      name: LEGEND[kind],
      type: 'scatter',
      xAxisIndex: 0,
      yAxisIndex: 0,
      symbol: MARK_SYMBOL[kind],
      symbolSize: 10,
      data: input.days.map((d) => (on.has(d) ? loadMax * (kind === 'illness' ? 0.97 : kind === 'override' ? 0.91 : 0.85) : null)),
      itemStyle: { color: c[kind] },
      silent: true,
    });
    legend.push(LEGEND[kind]);
  }

  if (hasHrv) {
    const axis = 2;
    yAxes.push({ type: 'value', gridIndex: axis, scale: true, ...axisName(hrv.label ?? 'HRV'), axisLabel: axisText, splitNumber: 3, splitLine: { lineStyle: { color: c.grid } } });
    if (hasBand) {
      const low = hrv.bandLow!.map(round1);
      const high = hrv.bandHigh!.map(round1);
      // Shaded band = an invisible base line at the lower edge plus a stacked area of (high − low).
      series.push({ name: 'band-base', type: 'line', xAxisIndex: axis, yAxisIndex: axis, data: low, stack: 'hrv-band', symbol: 'none', lineStyle: { opacity: 0 }, silent: true });
      series.push({
        name: LEGEND.band,
        type: 'line',
        xAxisIndex: axis,
        yAxisIndex: axis,
        data: high.map((h, i) => (h === null || low[i] === null ? null : round1(h - low[i]!))),
        stack: 'hrv-band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color: c.band, opacity: 1 },
        itemStyle: { color: 'rgba(16, 185, 129, 0.45)' },
        silent: true,
      });
      legend.push(LEGEND.band);
    }
    if (hrv.daily) {
      series.push({ name: LEGEND.hrvDaily, type: 'scatter', xAxisIndex: axis, yAxisIndex: axis, data: hrv.daily.map(round1), symbolSize: 5, itemStyle: { color: c.hrvDaily }, silent: true });
      legend.push(LEGEND.hrvDaily);
    }
    series.push(line(LEGEND.hrv, hrv.values, c.hrv, 2, axis));
    legend.push(LEGEND.hrv);
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
      left: 14,
      top: 38,
      width: width - 28,
      itemWidth: 14,
      itemHeight: 8,
      itemGap: 14,
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
  const s = { width: size.width ?? DEFAULT_ATHLETE_CHART_SIZE.width, height: size.height ?? DEFAULT_ATHLETE_CHART_SIZE.height };
  return renderSvg(athleteChartOption(input, s), s.width, s.height);
}

/** PNG of the athlete chart, 800×560 by default. */
export function renderAthleteChart(input: AthleteChartInput, size: ChartSize = {}): ChartPng {
  const s = { width: size.width ?? DEFAULT_ATHLETE_CHART_SIZE.width, height: size.height ?? DEFAULT_ATHLETE_CHART_SIZE.height };
  return renderPng(athleteChartOption(input, s), s.width, s.height);
}
