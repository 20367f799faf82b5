/**
 * /history: the last weeks in numbers and one chart — fitness, fatigue and form now and how they moved,
 * weekly load, and where HRV sits against its normal band.
 */
import type { ChatMessage, ChatSection } from '../chat.ts';
import type { AthleteHistory } from '../views.use-case.ts';
import { tryChart, type ChartRenderer } from './charts.ts';
import { athleteChartData } from './morning.presenter.ts';
import { dayLabel, fmt, signed, trainingLoadText } from './format.ts';

const lastOf = (s: readonly (number | null)[]): number | undefined => {
  for (let i = s.length - 1; i >= 0; i--) if (s[i] !== null) return s[i]!;
  return undefined;
};
const firstOf = (s: readonly (number | null)[]): number | undefined => s.find((v) => v !== null) ?? undefined;

export function weeklyLines(h: AthleteHistory): string[] {
  const lines: string[] = [];
  for (let start = 0; start < h.days.length; start += 7) {
    const end = Math.min(h.days.length, start + 7);
    const loads = h.load.slice(start, end);
    const total = loads.reduce<number>((s, v) => s + (v ?? 0), 0);
    const sessions = loads.filter((v) => v !== null && v > 0).length;
    lines.push(`• ${dayLabel(h.days[start]!)} – ${dayLabel(h.days[end - 1]!)}: ${fmt(total, 0)} TSS in ${sessions} session${sessions === 1 ? '' : 's'}`);
  }
  return lines;
}

export function presentHistory(h: AthleteHistory, options: { charts?: ChartRenderer } = {}): ChatMessage {
  const weeks = Math.round(h.days.length / 7);
  const anyData = h.load.some((v) => v !== null) || h.hrv.daily.some((v) => v !== null);
  if (!anyData)
    return {
      title: `Your last ${weeks} weeks`,
      summary: 'No training or wearable data yet. Connect a wearable with /connect, or log sessions with /feedback, and this fills up.',
      tone: 'neutral',
      ephemeral: true,
    };
  const ctl = lastOf(h.ctl);
  const atl = lastOf(h.atl);
  const ctl0 = firstOf(h.ctl);
  const summary: string[] = [];
  if (ctl !== undefined && atl !== undefined)
    summary.push(`This morning: ${trainingLoadText(ctl, atl)}.${ctl0 !== undefined ? ` Fitness ${signed(Math.round(ctl) - Math.round(ctl0), 0)} over ${weeks} weeks.` : ''}`);
  const hrv = lastOf(h.hrv.values);
  const lo = lastOf(h.hrv.bandLow);
  const hi = lastOf(h.hrv.bandHigh);
  const ms = (ln: number) => fmt(Math.exp(ln), 0);
  if (hrv !== undefined)
    summary.push(lo !== undefined && hi !== undefined ? `HRV ${ms(hrv)} ms (7-day average), ${hrv < lo ? 'below' : hrv > hi ? 'above' : 'inside'} your normal ${ms(lo)}–${ms(hi)} ms.` : `HRV ${ms(hrv)} ms (7-day average); your normal range needs about two weeks of readings.`);
  const sections: ChatSection[] = [{ title: 'Weekly load', text: weeklyLines(h).join('\n') }];
  const message: ChatMessage = {
    title: `Your last ${weeks} weeks — ${dayLabel(h.days[0]!)} to ${dayLabel(h.days[h.days.length - 1]!)}`,
    summary: summary.join(' ') || 'Here is your training over the last weeks.',
    sections,
    tone: 'neutral',
    footer: 'Load in TSS points (1 h at threshold = 100) · CTL 42-day, ATL 7-day averages',
    ephemeral: true,
  };
  if (options.charts) {
    const charts = options.charts;
    const image = tryChart(() => charts.athlete(athleteChartData(h, `${h.displayName} · last ${weeks} weeks`), `history-${h.days[h.days.length - 1]}.png`));
    if (image) message.image = image;
  }
  return message;
}
