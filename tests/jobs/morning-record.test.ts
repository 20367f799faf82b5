/**
 * The morning job records an athlete-day's deliveries once, after all its channels (DM and team lines)
 * are done: one recordDeliveries call carrying every channel's outcome.
 */
import { describe, expect, it } from 'vitest';
import { SharedSchedules } from '../../jobs/due-index.ts';
import { morningDeliveryJob } from '../../jobs/morning-delivery.job.ts';
import type { AthleteContact, ContactDirectory } from '../../jobs/ports.ts';
import { Scheduler } from '../../jobs/scheduler.ts';
import { InMemoryDeliveryLeases } from '../../src/chat/memory.ts';
import { Outbox } from '../../src/chat/outbox.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { RecordingSender } from '../e2e/support/recording-sender.ts';
import { memoryCore, schedule, titleRenderer } from './support/memory.ts';

const logger = createLogger({ level: 'silent' });

describe('morning delivery: recording', () => {
  it('when an athlete has a DM and two team channels then their morning is recorded once with all three channels sent', async () => {
    const athletes = [schedule('ana', 'UTC', '06:00'), schedule('ben', 'UTC', '06:00')];
    const contacts: ContactDirectory = {
      async contacts(ids) {
        const out = new Map<string, AthleteContact>();
        for (const id of ids)
          out.set(id, {
            athleteId: id,
            displayName: id,
            timezone: 'UTC',
            recipients: [
              { channel: 'dm', audience: 'athlete', target: { platform: 'console', kind: 'dm', userId: id } },
              { channel: 'team:t1:console', audience: 'team', teamId: 't1', target: { platform: 'console', kind: 'channel', channelId: 'C1' } },
              { channel: 'team:t2:console', audience: 'team', teamId: 't2', target: { platform: 'console', kind: 'channel', channelId: 'C2' } },
            ],
          });
        return out;
      },
    };
    const { core, rxs } = memoryCore();
    const calls: { athleteId: string; channels: string[] }[] = [];
    const counted = {
      ...core,
      recordDeliveries: async (...a: Parameters<typeof core.recordDeliveries>) => {
        calls.push({ athleteId: a[0], channels: Object.keys(a[2]).sort() });
        return core.recordDeliveries(...a);
      },
    };
    const clock = new ManualClock('2026-06-01T07:00:00Z');
    const sender = new RecordingSender('console');
    const job = morningDeliveryJob({
      core: counted,
      schedules: new SharedSchedules({ list: async () => athletes }, 3_600_000),
      contacts,
      renderer: titleRenderer,
      delivery: new Outbox({ leases: new InMemoryDeliveryLeases(), senders: [sender], logger }),
      options: { defaultMorningTime: '06:00', catchUpYesterday: false },
    });
    const scheduler = new Scheduler({ jobs: [job], logger, clock });
    await scheduler.runNow(job.name);
    await scheduler.stop();

    expect(calls.sort((a, b) => a.athleteId.localeCompare(b.athleteId))).toEqual([
      { athleteId: 'ana', channels: ['dm', 'team:t1:console', 'team:t2:console'] },
      { athleteId: 'ben', channels: ['dm', 'team:t1:console', 'team:t2:console'] },
    ]);
    for (const rx of rxs.values()) expect(Object.values(rx.delivery).map((d) => d.status)).toEqual(['sent', 'sent', 'sent']);

    // a second run finds everything sent and records nothing
    await scheduler.runNow(job.name);
    await scheduler.stop();
    expect(calls).toHaveLength(2);
  });
});
