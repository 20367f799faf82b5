/**
 * The team chart for the coach's board and the channel summary: one horizontal bar per athlete with this
 * morning's load ratio (ACWR, 7-day : 28-day load), the 0.8–1.3 sweet spot shaded and the 1.5 danger line
 * drawn, each bar coloured by the athlete's readiness (green ready / amber watch / red needs a look), with
 * a legend for the colours and a note under the axis saying what the colour combines. Athletes without a
 * load ratio yet (under 28 days of history) show as a text, not a bar. Drawn in the order given.
 *
 * Tried and dropped: a "0–100 readiness score" axis — the board has bands, not scores, so the bars were
 * band colours at made-up lengths (90/60/30) that a coach read as a measurement.
 */
import { renderPng, renderSvg, resolveChartFonts, type ChartPng } from './render.ts';
import { AppError } from '../errors.ts';

export type ReadinessTone = 'green' | 'amber' | 'red' | 'neutral';

export interface TeamChartInput {
  /** e.g. "Falcons · Sun 22 Nov". */
  title: string;
  /** acwr null = not known yet; tone = the athlete's readiness band ('neutral' = no readings). */
  athletes: readonly { name: string; acwr: number | null; tone: ReadinessTone }[];
}

export const TONE_COLORS: Record<ReadinessTone, string> = {
  green: '#16a34a',
  amber: '#f59e0b',
  red: '#dc2626',
  neutral: '#9ca3af',
};

export const TONE_LEGEND: Record<ReadinessTone, string> = {
  red: 'Needs a look',
  amber: 'Watch',
  green: 'Ready',
  neutral: 'No readings',
};

export const ACWR_SWEET_SPOT = { low: 0.8, high: 1.3 } as const;
export const ACWR_DANGER = 1.5;

export function teamChartSize(athletes: number): { width: number; height: number } {
  return { width: 640, height: Math.max(200, 132 + 30 * athletes) };
}

export function teamChartOption(input: TeamChartInput): Record<string, unknown> {
  if (input.athletes.length === 0) throw new AppError('CHART.INVALID_INPUT', 'The team chart needs at least one athlete.');
  const family = resolveChartFonts().family;
  const text = { fontFamily: family, color: '#374151', fontSize: 12 };
  const names = input.athletes.map((a) => (a.name.length > 18 ? `${a.name.slice(0, 17)}…` : a.name));
  const values = input.athletes.map((a) => (a.acwr === null || !Number.isFinite(a.acwr) ? null : Math.round(a.acwr * 100) / 100));
  const max = Math.max(2, Math.ceil((Math.max(0, ...values.map((v) => v ?? 0)) + 0.2) * 2) / 2);
  const tones = (['red', 'amber', 'green', 'neutral'] as const).filter((t) => input.athletes.some((a) => a.tone === t));
  // One bar series per tone (overlaid in the same slot), so the legend explains the colours.
  const series: Record<string, unknown>[] = tones.map((tone, k) => ({
    name: TONE_LEGEND[tone],
    type: 'bar',
    barWidth: 16,
    barGap: '-100%',
    itemStyle: { color: TONE_COLORS[tone] },
    data: input.athletes.map((a, i) =>
      a.tone !== tone ? null : values[i] === null ? { value: 0, label: { show: true, position: 'insideLeft', formatter: 'no load ratio yet (under 28 days)', ...text, fontWeight: 'normal', color: '#6b7280' } } : values[i],
    ),
    label: { show: true, position: 'right', ...text, fontWeight: 'bold' },
    silent: true,
    ...(k === 0
      ? {
          markArea: {
            silent: true,
            itemStyle: { color: 'rgba(22, 163, 74, 0.08)' },
            label: { show: true, position: 'top', distance: 4, formatter: `sweet spot ${ACWR_SWEET_SPOT.low}–${ACWR_SWEET_SPOT.high}`, ...text, fontSize: 10, color: '#15803d' },
            data: [[{ xAxis: ACWR_SWEET_SPOT.low }, { xAxis: ACWR_SWEET_SPOT.high }]],
          },
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { color: TONE_COLORS.red, type: 'dashed', width: 1.5 },
            label: { show: true, position: 'start', distance: 4, formatter: `danger ≥ ${ACWR_DANGER}`, ...text, fontSize: 10, color: TONE_COLORS.red },
            data: [{ xAxis: ACWR_DANGER }],
          },
        }
      : {}),
  }));
  return {
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: family },
    title: { text: input.title, left: 14, top: 10, textStyle: { fontFamily: family, fontSize: 15, fontWeight: 'bold', color: '#111827' } },
    legend: { data: tones.map((t) => TONE_LEGEND[t]), left: 14, top: 36, itemWidth: 14, itemHeight: 10, itemGap: 18, textStyle: { ...text, fontSize: 11 } },
    grid: { left: 14, right: 64, top: 84, bottom: 58, containLabel: true },
    xAxis: {
      type: 'value',
      min: 0,
      max,
      interval: 0.5,
      name: 'Load ratio (ACWR): last 7 days’ load ÷ last 28 days’',
      nameLocation: 'middle',
      nameGap: 24,
      nameTextStyle: { ...text, fontSize: 11, fontWeight: 'bold' },
      axisLabel: { ...text, fontSize: 11 },
      splitLine: { lineStyle: { color: '#e5e7eb' } },
    },
    yAxis: { type: 'category', inverse: true, data: names, axisTick: { show: false }, axisLabel: text },
    graphic: [
      {
        type: 'text',
        left: 14,
        bottom: 8,
        style: { text: 'Bar colour: readiness from load ratio, HRV, resting HR and sleep (reasons in /team board).', fill: '#6b7280', font: `11px ${family}` },
      },
    ],
    series,
  };
}

export function renderTeamChartSvg(input: TeamChartInput): string {
  const size = teamChartSize(input.athletes.length);
  return renderSvg(teamChartOption(input), size.width, size.height);
}

/** PNG of the team chart: 640 wide, 30 px per athlete. */
export function renderTeamChart(input: TeamChartInput): ChartPng {
  const size = teamChartSize(input.athletes.length);
  return renderPng(teamChartOption(input), size.width, size.height);
}
