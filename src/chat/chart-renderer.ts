/**
 * The real ChartRenderer (src/core/presenters/charts.ts port) over src/charts: ECharts → SVG → PNG.
 * Team bars show each athlete's load ratio (ACWR), coloured by their readiness band.
 */
import { chartImage, describeAthleteChart, renderAthleteChart, renderTeamChart } from '../charts/index.ts';
import type { ChatImage } from '../core/chat.ts';
import type { AthleteChartData, ChartRenderer, TeamChartData } from '../core/presenters/charts.ts';

export function createChartRenderer(): ChartRenderer {
  return {
    athlete(data: AthleteChartData, filename: string): ChatImage {
      return chartImage(renderAthleteChart(data), filename, describeAthleteChart(data));
    },
    team(data: TeamChartData, filename: string): ChatImage {
      const athletes = data.athletes.map((a) => ({ name: a.name, acwr: a.acwr ?? null, tone: a.band ?? ('neutral' as const) }));
      const n = (b: string) => data.athletes.filter((a) => a.band === b).length;
      const alt = `Team readiness: ${n('green')} green, ${n('amber')} amber, ${n('red')} red${data.athletes.some((a) => !a.band) ? `, ${data.athletes.filter((a) => !a.band).length} without readings` : ''}.`;
      return chartImage(renderTeamChart({ title: data.title, athletes }), filename, alt);
    },
  };
}
