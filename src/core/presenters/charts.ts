/**
 * The ChartRenderer port: presenters ask it for the picture and stay pure (no rendering code, no I/O
 * here). The real implementation wraps src/charts (renderAthleteChart / renderTeamChart); tests pass a
 * stub. The data shapes are structurally those of src/charts' AthleteChartInput and TeamChartInput.
 */
import type { ChatImage } from '../chat.ts';
import type { Band } from '../readiness.ts';

export type Series = readonly (number | null)[];

export interface AthleteChartData {
  title: string;
  /** yyyy-mm-dd, ascending; every series has one value per day. */
  days: readonly string[];
  load: Series;
  ctl: Series;
  atl: Series;
  tsb?: Series;
  hrv?: { label?: string; unit?: string; values: Series; daily?: Series; bandLow?: Series; bandHigh?: Series };
  marks?: readonly { date: string; kind: 'illness' | 'override' | 'constraint' }[];
}

export interface TeamChartData {
  title: string;
  /** In display order; band null = no readings; acwr null = not known yet (under 28 days). */
  athletes: readonly { name: string; band: Band | null; acwr?: number | null }[];
}

export interface ChartRenderer {
  /** PNG of the athlete's load / fitness / HRV chart, with alt text. */
  athlete(data: AthleteChartData, filename: string): ChatImage;
  /** PNG of the team's readiness board. */
  team(data: TeamChartData, filename: string): ChatImage;
}

/** A chart is decoration: a renderer that fails leaves the message without a picture, never without text. */
export function tryChart(render: () => ChatImage): ChatImage | undefined {
  try {
    return render();
  } catch {
    return undefined;
  }
}
