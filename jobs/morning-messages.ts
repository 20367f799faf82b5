/**
 * The morning messages, built with the core's presenters:
 * - the athlete's DM: presentMorning (session, reasons citing numbers, against-your-normal, not-today,
 *   feedback buttons, and the load/fitness/HRV chart when a history loader and chart renderer are given);
 * - the team channel summary: one compact line per athlete — name and session, and the readiness band
 *   only when the athlete chose to show it there (AthleteContact.teamChannel, default 'session'): a team
 *   channel is shared, and the band is health data (HRV, resting HR, sleep). Nothing else of it leaks
 *   either: without consent the message's tone is neutral, not the band's colour.
 */
import type { ChatMessage } from '../src/core/chat.ts';
import { dayLabel, presentMorning, sessionLabel, type ChartRenderer } from '../src/core/presenters/index.ts';
import { readiness, readinessInputs } from '../src/core/readiness.ts';
import type { AthleteHistory } from '../src/core/views.use-case.ts';
import type { AthleteContact, MorningRenderer } from './ports.ts';
import { DEFAULT_TEAM_CHANNEL_SHARE, type PrescriptionRecord } from '../src/core/types.ts';

export interface PresenterRendererOptions {
  /** Recent history for the chart (e.g. core.athleteHistory as the athlete). Errors leave the chart out. */
  history?: (athleteId: string, date: string) => Promise<AthleteHistory | null>;
  charts?: ChartRenderer;
  /** Charts for this athlete? Default: every athlete (when history and charts are given). */
  chartsFor?: (athleteId: string) => boolean;
  /** Display name of the coach behind an override (override.by is a person id). */
  personName?: (personId: string) => Promise<string | undefined>;
}

const BAND_ICON = { green: '🟢', amber: '🟠', red: '🔴' } as const;

export function teamSummaryMessage(rx: PrescriptionRecord, contact: Pick<AthleteContact, 'displayName'> & Partial<Pick<AthleteContact, 'teamChannel'>>): ChatMessage {
  const session = `${sessionLabel(rx.session)}${rx.override ? ' (set by the coach)' : ''}`;
  const title = `${contact.displayName} — ${dayLabel(rx.date)}`;
  if ((contact.teamChannel ?? DEFAULT_TEAM_CHANNEL_SHARE) !== 'readiness')
    return { title, summary: session, tone: 'neutral', footer: 'Coaches: /team board for readiness' };
  const band = readiness(readinessInputs(rx.state)).band;
  return { title, summary: `${BAND_ICON[band]} ${session}`, tone: band, footer: 'Coaches: /team board for the details' };
}

export function presenterRenderer(options: PresenterRendererOptions = {}): MorningRenderer {
  return {
    async render({ prescription, contact, audience }) {
      if (audience === 'team') return teamSummaryMessage(prescription, contact);
      let history: AthleteHistory | null = null;
      const wantChart = options.history && options.charts && (options.chartsFor?.(contact.athleteId) ?? true);
      if (wantChart) history = await options.history!(contact.athleteId, prescription.date).catch(() => null);
      const coachName = prescription.override ? await options.personName?.(prescription.override.by).catch(() => undefined) : undefined;
      return presentMorning({
        prescription,
        athlete: { displayName: contact.displayName },
        ...(history ? { history } : {}),
        ...(wantChart && history ? { charts: options.charts! } : {}),
        ...(coachName ? { coachName } : {}),
      });
    },
  };
}
