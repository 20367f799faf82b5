/**
 * Charts for chat messages: plain numbers in, PNG out (ECharts SSR → SVG → resvg → PNG).
 *
 *   renderAthleteChart(input) → ChartPng   load bars, CTL/ATL, TSB, HRV with its normal band, marks (800×560)
 *   renderTeamChart(input)    → ChartPng   load ratio (ACWR) per athlete, coloured by readiness (640 × 30 px per athlete)
 *   chartImage(chart, filename, alt) → ChatImage, ready for ChatMessage.image
 */
import type { ChatImage } from '../core/chat.ts';
import type { AthleteChartInput } from './athlete-chart.ts';
import type { ChartPng } from './render.ts';

export { renderAthleteChart, renderAthleteChartSvg, athleteChartOption, type AthleteChartInput, type ChartMark, type HrvSeries, type ChartSize } from './athlete-chart.ts';
export { renderTeamChart, renderTeamChartSvg, teamChartOption, TONE_LEGEND, type TeamChartInput, type ReadinessTone } from './team-chart.ts';
export { configureChartFonts, resolveChartFonts, pngSize, type ChartPng, type ChartFonts } from './render.ts';

export function chartImage(chart: ChartPng, filename: string, alt: string): ChatImage {
  return { png: chart.png, filename, alt };
}

const last = (s: readonly (number | null)[]): number | null => {
  for (let i = s.length - 1; i >= 0; i--) if (s[i] !== null && Number.isFinite(s[i])) return s[i]!;
  return null;
};

/** Alt text for the athlete chart: what a screen reader (or Slack's notification) should say. */
export function describeAthleteChart(input: AthleteChartInput): string {
  const ctl = last(input.ctl);
  const atl = last(input.atl);
  const parts = [`Training load over the last ${input.days.length} days`];
  const nums: string[] = [];
  if (ctl !== null) nums.push(`fitness (CTL) ${Math.round(ctl)}`);
  if (atl !== null) nums.push(`fatigue (ATL) ${Math.round(atl)}`);
  // Form from the two numbers as shown, so the caption adds up and matches the message text.
  if (ctl !== null && atl !== null) {
    const tsb = Math.round(ctl) - Math.round(atl);
    nums.push(`form (TSB) ${tsb > 0 ? '+' : ''}${tsb}`);
  }
  if (nums.length) parts.push(`today ${nums.join(', ')}`);
  const hrv = input.hrv ? last(input.hrv.values) : null;
  if (input.hrv && hrv !== null) {
    const low = input.hrv.bandLow ? last(input.hrv.bandLow) : null;
    const high = input.hrv.bandHigh ? last(input.hrv.bandHigh) : null;
    const where = low !== null && high !== null ? (hrv < low ? 'below' : hrv > high ? 'above' : 'inside') + ' the normal range' : '';
    const unit = input.hrv.unit ? ` ${input.hrv.unit}` : '';
    parts.push(`HRV ${hrv.toFixed(input.hrv.unit === 'ms' ? 0 : 2)}${unit}${where ? ` (${where})` : ''}`);
  }
  return `${parts.join('; ')}.`;
}
