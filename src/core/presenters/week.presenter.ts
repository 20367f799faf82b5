/**
 * The athlete's week (/week and the Slack App Home): one line per day with the session and what the
 * athlete reported, and today's feedback buttons when today's session has no feedback yet.
 */
import type { ChatMessage } from '../chat.ts';
import type { WeekDay } from '../views.use-case.ts';
import { feedbackButtons } from './morning.presenter.ts';
import { dayLabel, sessionLabel } from './format.ts';

export function weekLine(d: WeekDay, today: string): string {
  const session = d.session ? sessionLabel(d.session) + (d.overridden ? ' (coach)' : '') : d.awaitingApproval ? 'waiting for your coach' : d.date > today ? 'not planned yet' : '—';
  const f = d.feedback;
  const done = f?.completion ? { done: '✓ done', partial: '◐ partly', skipped: '✗ skipped' }[f.completion] : undefined;
  const said = [done, f?.rpe !== undefined ? `RPE ${f.rpe}` : undefined, f?.minutes !== undefined ? `${f.minutes} min` : undefined].filter(Boolean).join(' · ');
  return `${d.date === today ? '▶ ' : '• '}*${dayLabel(d.date)}* — ${session}${said ? ` — ${said}` : ''}`;
}

export function presentWeek(week: { displayName: string; today: string; days: WeekDay[] }): ChatMessage {
  const done = week.days.filter((d) => d.feedback?.completion === 'done' || d.feedback?.completion === 'partial').length;
  const planned = week.days.filter((d) => d.session && d.session.type !== 'REST' && d.date <= week.today).length;
  const message: ChatMessage = {
    title: `${week.displayName}’s week`,
    summary: `${done} of ${planned} planned sessions reported done so far.`,
    sections: [{ text: week.days.map((d) => weekLine(d, week.today)).join('\n') }],
    tone: 'neutral',
    footer: '/today for today’s session · /history for the last 6 weeks',
    ephemeral: true,
  };
  const today = week.days.find((d) => d.date === week.today);
  if (today?.session && !today.feedback?.completion) message.buttons = feedbackButtons(today.date, today.session.type);
  return message;
}
