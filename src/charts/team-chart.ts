/**
 * The compact team chart for the channel summary: one horizontal bar per athlete with today's readiness
 * (0–100), coloured green / amber / red, and "no data" for athletes without a reading. Athletes are drawn
 * in the order given (the caller sorts).
 */
import { renderPng, renderSvg, resolveChartFonts, type ChartPng } from './render.ts';
import { AppError } from '../errors.ts';

export type ReadinessTone = 'green' | 'amber' | 'red' | 'neutral';

export interface TeamChartInput {
  /** e.g. "Team readiness · Tue 22 Nov". */
  title: string;
  athletes: readonly { name: string; readiness: number | null; tone?: ReadinessTone }[];
  /** Tone thresholds when an athlete has none: ≥ green → green, ≥ amber → amber, else red. Default 70 / 50. */
  thresholds?: { green: number; amber: number };
}

export const TONE_COLORS: Record<ReadinessTone, string> = {
  green: '#16a34a',
  amber: '#f59e0b',
  red: '#dc2626',
  neutral: '#9ca3af',
};

export function toneOf(readiness: number | null, t = { green: 70, amber: 50 }): ReadinessTone {
  if (readiness === null) return 'neutral';
  return readiness >= t.green ? 'green' : readiness >= t.amber ? 'amber' : 'red';
}

export function teamChartSize(athletes: number): { width: number; height: number } {
  return { width: 640, height: Math.max(160, 76 + 30 * athletes) };
}

export function teamChartOption(input: TeamChartInput): Record<string, unknown> {
  if (input.athletes.length === 0) throw new AppError('CHART.INVALID_INPUT', 'The team chart needs at least one athlete.');
  const family = resolveChartFonts().family;
  const text = { fontFamily: family, color: '#374151', fontSize: 12 };
  const names = input.athletes.map((a) => (a.name.length > 18 ? `${a.name.slice(0, 17)}…` : a.name));
  const data = input.athletes.map((a) => {
    const r = a.readiness === null ? null : Math.max(0, Math.min(100, Math.round(a.readiness)));
    const tone = a.tone ?? toneOf(r, input.thresholds);
    return {
      value: r ?? 0,
      itemStyle: { color: TONE_COLORS[tone] },
      label: { formatter: r === null ? 'no data' : String(r) },
    };
  });
  return {
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: family },
    title: { text: input.title, left: 14, top: 10, textStyle: { fontFamily: family, fontSize: 15, fontWeight: 'bold', color: '#111827' } },
    grid: { left: 14, right: 56, top: 48, bottom: 28, containLabel: true },
    xAxis: {
      type: 'value',
      min: 0,
      max: 100,
      interval: 25,
      axisLabel: { ...text, fontSize: 11 },
      splitLine: { lineStyle: { color: '#e5e7eb' } },
    },
    yAxis: { type: 'category', inverse: true, data: names, axisTick: { show: false }, axisLabel: text },
    series: [
      {
        type: 'bar',
        data,
        barWidth: 16,
        label: { show: true, position: 'right', ...text, fontWeight: 'bold' },
        silent: true,
      },
    ],
  };
}

export function renderTeamChartSvg(input: TeamChartInput): string {
  const size = teamChartSize(input.athletes.length);
  return renderSvg(teamChartOption(input), size.width, size.height);
}

/** PNG of the team readiness chart: 640 wide, 30 px per athlete. */
export function renderTeamChart(input: TeamChartInput): ChartPng {
  const size = teamChartSize(input.athletes.length);
  return renderPng(teamChartOption(input), size.width, size.height);
}
