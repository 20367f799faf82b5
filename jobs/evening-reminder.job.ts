/**
 * Evening reminder: once the athlete's local REMINDER_LOCAL_TIME (~20:00) has come, if today's session
 * went out and has no feedback yet, remind them — once. Never for paused athletes, never on REST days,
 * never for a session the athlete has not seen (not delivered, or awaiting a coach's approval).
 *
 * Once: the reminder is a delivery like the morning message, keyed `reminder:<athlete>:<date>:dm`; the
 * outbox's lease makes it exactly-once across restarts and instances. Rules are checked at run time from
 * the database (the schedule list can be minutes old).
 */
import type { ChatMessage } from '../src/core/chat.ts';
import { dayLabel, feedbackButtons, sessionLabel } from '../src/core/presenters/index.ts';
import type { PrescriptionRecord } from '../src/core/types.ts';
import { DueIndex, ScheduledIndex, type SharedSchedules } from './due-index.ts';
import type { Job, JobSummary } from './job.ts';
import type { ContactDirectory, DayFacts, MessageDelivery } from './ports.ts';

export const REMINDER_JOB = 'evening-reminder';

export interface EveningReminderDeps {
  facts: DayFacts;
  contacts: ContactDirectory;
  delivery: MessageDelivery;
  schedules: SharedSchedules;
  options: {
    /** HH:MM local (config REMINDER_LOCAL_TIME). */
    reminderLocalTime: string;
    retryAfterMs?: number;
  };
}

export const reminderKey = (athleteId: string, date: string) => `reminder:${athleteId}:${date}:dm`;

export function reminderMessage(rx: PrescriptionRecord): ChatMessage {
  return {
    title: `How did it go? — ${dayLabel(rx.date)}`,
    summary: `Today’s session was ${sessionLabel(rx.session)}. Tell me how it went (RPE, minutes, done or skipped) with /feedback — it shapes tomorrow’s session.`,
    buttons: feedbackButtons(rx.date, rx.session.type).filter((b) => b.label !== 'Why?'),
    tone: 'neutral',
    footer: 'One reminder a day at most · /pause to stop coaching for a while',
  };
}

export type ReminderDecision = 'remind' | 'paused' | 'no_session' | 'not_seen' | 'rest_day' | 'feedback_given';

/** The rules, pure (tested directly): should this athlete-day get a reminder? */
export function reminderDecision(f: { status: string; prescription: PrescriptionRecord | null; feedbackGiven: boolean } | undefined): ReminderDecision {
  if (!f || f.status !== 'active') return 'paused';
  const rx = f.prescription;
  if (!rx) return 'no_session';
  if (rx.session.type === 'REST') return 'rest_day';
  const seen = rx.approval.state !== 'pending' && Object.values(rx.delivery).some((d) => d.status === 'sent');
  if (!seen) return 'not_seen';
  if (f.feedbackGiven) return 'feedback_given';
  return 'remind';
}

export function eveningReminderJob(deps: EveningReminderDeps): Job & { readonly index: DueIndex } {
  const { facts, contacts, delivery, options } = deps;
  const retryMs = options.retryAfterMs ?? 10 * 60_000;
  const index = new DueIndex({ timeOf: (s) => (s.status === 'active' ? options.reminderLocalTime : null) });
  const scheduled = new ScheduledIndex(deps.schedules, index);

  return {
    name: REMINDER_JOB,
    schedule: '* * * * *',
    index,
    due: (now) => scheduled.due(now),
    async run(ctx) {
      const items = await scheduled.take(ctx.now);
      if (items.length === 0) return {};
      const counts: Record<string, number> = {};
      const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
      const known = await facts.facts(items.map(({ athleteId, date }) => ({ athleteId, date })));
      const toRemind = items.filter((it) => {
        const d = reminderDecision(known.get(`${it.athleteId}|${it.date}`));
        if (d !== 'remind') {
          bump(d);
          index.done(it.athleteId, it.date);
        }
        return d === 'remind';
      });
      const directory = toRemind.length > 0 ? await contacts.contacts(toRemind.map((i) => i.athleteId)) : new Map();
      for (const it of toRemind) {
        if (ctx.signal.aborted) break;
        const rx = known.get(`${it.athleteId}|${it.date}`)!.prescription!;
        const dm = directory.get(it.athleteId)?.recipients.find((r: { audience: string }) => r.audience === 'athlete');
        if (!dm) {
          bump('unreachable');
          index.done(it.athleteId, it.date);
          continue;
        }
        try {
          const out = await delivery.deliver(reminderKey(it.athleteId, it.date), dm.target, reminderMessage(rx));
          if (out.status === 'failed' && !out.error.permanent) {
            bump('failed');
            index.retry(it.athleteId, it.date, new Date(ctx.now.getTime() + retryMs));
            continue;
          }
          if (out.status === 'in_progress') {
            bump('in_progress');
            index.retry(it.athleteId, it.date, new Date(ctx.now.getTime() + 60_000));
            continue;
          }
          bump(out.status === 'already_sent' ? 'already_sent' : out.status === 'failed' ? 'failed' : 'reminded');
          index.done(it.athleteId, it.date);
        } catch (err) {
          bump('failed');
          ctx.logger.warn({ err, athleteId: it.athleteId, date: it.date }, 'reminder failed; will retry');
          index.retry(it.athleteId, it.date, new Date(ctx.now.getTime() + retryMs));
        }
      }
      const summary: JobSummary = { ...counts };
      return summary;
    },
  };
}
