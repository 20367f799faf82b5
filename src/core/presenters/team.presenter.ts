/**
 * The coach's team board as a message: per athlete the readiness band with its reasons, the day's
 * session and flags, worst first, with the team chart from the ChartRenderer port.
 *
 * detail 'full' (a coach's /team board) shows reasons; 'compact' (the summary posted in the team
 * channel) shows only name, band and session — no health details in a shared channel.
 */
import type { ChatButton, ChatMessage, ChatSection } from '../chat.ts';
import type { Band } from '../readiness.ts';
import type { BoardFlag, BoardRow, TeamBoard } from '../team-board.use-case.ts';
import { encodeAction } from './actions.ts';
import { tryChart, type ChartRenderer } from './charts.ts';
import { dayLabel, sessionLabel, trainingLoadText } from './format.ts';

export const BAND_ICON: Record<Band, string> = { green: '🟢', amber: '🟠', red: '🔴' };

export const FLAG_TEXT: Record<BoardFlag, string> = {
  ACWR_HIGH: 'load spike',
  HRV_BELOW_BAND: 'HRV below normal',
  NO_CHECKIN_TODAY: 'no check-in',
  NO_DATA_3_DAYS: 'no wearable data for 3 days',
  PAUSED: 'paused',
  AWAITING_APPROVAL: 'awaiting approval',
};

function sessionText(row: BoardRow): string {
  if (row.status === 'paused') return 'paused';
  if (!row.session) return 'no session yet';
  return `${sessionLabel(row.session)}${row.overridden ? ' (coach)' : ''}`;
}

export function boardLine(row: BoardRow, detail: 'full' | 'compact'): string {
  const head = `${BAND_ICON[row.readiness.band]} *${row.displayName}* — ${sessionText(row)}`;
  if (detail === 'compact') return head;
  const flags = row.flags.filter((f) => f !== 'PAUSED').map((f) => FLAG_TEXT[f]);
  const load = row.trainingLoad ? [trainingLoadText(row.trainingLoad.ctl, row.trainingLoad.atl)] : [];
  const why = [...row.readiness.reasons, ...load].join('; ');
  return `${head}\n   ${why}${flags.length > 0 ? ` · ${flags.join(', ')}` : ''}`;
}

export interface TeamBoardOptions {
  detail?: 'full' | 'compact';
  charts?: ChartRenderer;
}

export function presentTeamBoard(board: TeamBoard, options: TeamBoardOptions = {}): ChatMessage {
  const detail = options.detail ?? 'full';
  const count = (b: Band) => board.rows.filter((r) => r.readiness.band === b).length;
  const pending = board.rows.filter((r) => r.flags.includes('AWAITING_APPROVAL')).length;
  const parts = [`${count('green')} green`, `${count('amber')} amber`, `${count('red')} red`];
  if (pending > 0) parts.push(`${pending} awaiting approval`);
  const sections: ChatSection[] = [];
  for (const band of ['red', 'amber', 'green'] as const) {
    const rows = board.rows.filter((r) => r.readiness.band === band);
    if (rows.length === 0) continue;
    sections.push({ title: { red: 'Needs a look', amber: 'Watch', green: 'Ready' }[band], text: rows.map((r) => boardLine(r, detail)).join('\n') });
  }
  const message: ChatMessage = {
    title: `Team readiness — ${board.teamName} · ${dayLabel(board.date)}`,
    summary: board.rows.length === 0 ? 'No athletes in this team yet. Athletes join with /join in the team channel.' : `${board.rows.length} athletes: ${parts.join(' · ')}.`,
    sections,
    tone: count('red') > 0 ? 'red' : count('amber') > 0 ? 'amber' : board.rows.length > 0 ? 'green' : 'neutral',
    footer: detail === 'full' ? 'Readiness: ACWR, HRV vs normal band, resting HR, sleep · /override to change a session' : 'Coaches: /team board for the details',
  };
  const buttons: ChatButton[] = [];
  if (pending > 0 && detail === 'full') buttons.push({ id: encodeAction({ command: 'approve', options: { date: board.date, team: board.teamId } }), label: `Approve ${pending} pending`, style: 'primary' });
  if (buttons.length > 0) message.buttons = buttons;
  if (options.charts && board.rows.length > 0) {
    const charts = options.charts;
    const image = tryChart(() =>
      charts.team({ title: `${board.teamName} · ${dayLabel(board.date)}`, athletes: board.rows.map((r) => ({ name: r.displayName, band: r.stateFrom === 'history' && r.readiness.reasons[0] === 'no readings to judge readiness' ? null : r.readiness.band, acwr: r.loadRatio })) }, `team-${board.date}.png`),
    );
    if (image) message.image = image;
  }
  return message;
}
