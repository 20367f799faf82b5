/**
 * The evening reminder's rules on the real core and database: sent once (also across a restart), never
 * for paused athletes, not when feedback was given, not on REST days, not for a session never delivered.
 */
import { describe, expect, it } from 'vitest';
import { eveningReminderJob, reminderDecision } from '../../jobs/evening-reminder.job.ts';
import { SharedSchedules } from '../../jobs/due-index.ts';
import { repositoryContacts, repositoryDayFacts, repositorySchedules } from '../../jobs/read-models.ts';
import { Scheduler } from '../../jobs/scheduler.ts';
import { InMemoryDeliveryLeases } from '../../src/chat/memory.ts';
import { Outbox } from '../../src/chat/outbox.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { PrescriptionRecord } from '../../src/core/types.ts';
import { createLogger } from '../../src/logger.ts';
import { RecordingSender } from '../e2e/support/recording-sender.ts';
import { athlete, coachWithTeam, useCore } from '../src/core/support/harness.ts';

const logger = createLogger({ level: 'silent' });
const DATE = '2026-03-10';
const h = useCore(`${DATE}T12:00:00Z`);

function reminderRig(leases: InMemoryDeliveryLeases, sender: RecordingSender) {
  const outbox = new Outbox({ leases, senders: [sender], logger });
  const schedules = new SharedSchedules(repositorySchedules(h.deps));
  return eveningReminderJob({
    facts: repositoryDayFacts(h.deps),
    contacts: repositoryContacts(h.deps, { platforms: ['discord'] }),
    delivery: outbox,
    schedules,
    options: { reminderLocalTime: '20:00' },
  });
}

describe('evening reminder', () => {
  it('when the rules are applied then only an active athlete with a delivered, non-REST session and no feedback is reminded', () => {
    const rx = (type: string, sent: boolean, pending = false) =>
      ({ session: { type }, approval: { state: pending ? 'pending' : 'not_required' }, delivery: sent ? { dm: { status: 'sent', revision: 1 } } : {} }) as unknown as PrescriptionRecord;
    expect(reminderDecision({ status: 'active', prescription: rx('ENDURANCE', true), feedbackGiven: false })).toBe('remind');
    expect(reminderDecision({ status: 'paused', prescription: rx('ENDURANCE', true), feedbackGiven: false })).toBe('paused');
    expect(reminderDecision({ status: 'active', prescription: rx('ENDURANCE', true), feedbackGiven: true })).toBe('feedback_given');
    expect(reminderDecision({ status: 'active', prescription: rx('REST', true), feedbackGiven: false })).toBe('rest_day');
    expect(reminderDecision({ status: 'active', prescription: rx('ENDURANCE', false), feedbackGiven: false })).toBe('not_seen');
    expect(reminderDecision({ status: 'active', prescription: rx('ENDURANCE', true, true), feedbackGiven: false })).toBe('not_seen');
    expect(reminderDecision({ status: 'active', prescription: null, feedbackGiven: false })).toBe('no_session');
  });

  it('when the evening comes then one reminder goes to the one athlete who needs it, and a restarted job does not send it again', async () => {
    const { coach, teamId } = await coachWithTeam(h, 'Coach');
    const ids: Record<string, string> = {};
    const actors: Record<string, Awaited<ReturnType<typeof athlete>>> = {};
    for (const name of ['Ann', 'Ben', 'Cal', 'Dee', 'Eve']) {
      actors[name] = await athlete(h, name, { teamId });
      ids[name] = actors[name].personId;
      const type = name === 'Dee' ? 'REST' : 'ENDURANCE';
      const rx = await h.core.applyOverride(coach, { athleteId: ids[name]!, date: DATE, type, ...(type === 'REST' ? {} : { minutes: 60 }), reason: 'plan' });
      if (name !== 'Eve') await h.core.recordDelivery(ids[name]!, DATE, 'dm', { status: 'sent', revision: rx.revision });
    }
    await h.core.recordFeedback(actors.Ben!, { date: DATE, rpe: 6, minutes: 60, completion: 'done' });
    await h.core.pauseAthlete(actors.Cal!);

    const leases = new InMemoryDeliveryLeases();
    const sender = new RecordingSender('discord');
    const clock = new ManualClock(`${DATE}T05:00:00Z`);
    const scheduler = new Scheduler({ jobs: [reminderRig(leases, sender)], logger, clock });
    await scheduler.advanceTo(new Date(`${DATE}T19:59:00Z`), clock);
    expect(sender.sent).toHaveLength(0); // not before 20:00 London
    await scheduler.advanceTo(new Date(`${DATE}T23:59:00Z`), clock);
    expect(sender.sent.map((s) => s.key)).toEqual([`reminder:${ids.Ann}:${DATE}:dm`]);
    expect(sender.sent[0]!.message.summary).toMatch(/Endurance 60 min/i);

    // a second process (fresh index, same leases) starting after 20:00 the same evening
    const clock2 = new ManualClock(`${DATE}T21:00:00Z`);
    const again = new Scheduler({ jobs: [reminderRig(leases, sender)], logger, clock: clock2 });
    await again.runNow('evening-reminder');
    await again.advanceTo(new Date(`${DATE}T23:00:00Z`), clock2);
    expect(sender.sent).toHaveLength(1);

    // the next day nobody has a session: no reminders
    await scheduler.advanceTo(new Date('2026-03-11T23:00:00Z'), clock);
    expect(sender.sent).toHaveLength(1);
  });
});
