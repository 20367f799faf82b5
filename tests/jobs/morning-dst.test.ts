/**
 * The morning job on a virtual clock walked minute by minute from March to November 2026 — across both
 * DST transitions of London, Berlin, New York, St John's (UTC−3:30/−2:30) and Adelaide (UTC+9:30/+10:30,
 * southern hemisphere: it ends DST in April and starts it in October), plus Kolkata (+5:30, no DST).
 * Real Scheduler, real morning-delivery job, real Outbox with in-memory leases; the use cases are an
 * in-memory stand-in (the database path is covered by tests/e2e).
 */
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { SharedSchedules } from '../../jobs/due-index.ts';
import { morningDeliveryJob } from '../../jobs/morning-delivery.job.ts';
import { Scheduler } from '../../jobs/scheduler.ts';
import { InMemoryDeliveryLeases } from '../../src/chat/memory.ts';
import { Outbox } from '../../src/chat/outbox.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { addDays } from '../../src/core/local-time.ts';
import { createLogger } from '../../src/logger.ts';
import { RecordingSender } from '../e2e/support/recording-sender.ts';
import { dmContacts, memoryCore, schedule, titleRenderer } from './support/memory.ts';

const logger = createLogger({ level: 'silent' });

describe('morning delivery across DST changes', () => {
  it('when the virtual clock walks March → November then every athlete gets exactly one morning per local day, at their local morning time', async () => {
    const athletes = [
      schedule('london', 'Europe/London'),
      schedule('newyork', 'America/New_York'),
      schedule('stjohns', 'America/St_Johns'),
      schedule('adelaide', 'Australia/Adelaide'),
      schedule('kolkata', 'Asia/Kolkata'),
      schedule('berlin-gap', 'Europe/Berlin', '02:30'), // 29 Mar: 02:30 does not exist
      schedule('ny-overlap', 'America/New_York', '01:30'), // 1 Nov: 01:30 happens twice
    ];
    const start = '2026-03-05T12:00:00Z';
    const end = '2026-11-05T12:00:00Z';
    const clock = new ManualClock(start);
    const sender = new RecordingSender('console');
    const sentAt = new Map<string, Date>();
    const recording = { ...sender, platform: sender.platform, findDelivered: sender.findDelivered.bind(sender), send: async (...a: Parameters<RecordingSender['send']>) => (sentAt.set(a[2].idempotencyKey, clock.now()), sender.send(...a)) };
    const { core } = memoryCore();
    const job = morningDeliveryJob({
      core,
      schedules: new SharedSchedules({ list: async () => athletes }, 6 * 3_600_000),
      contacts: dmContacts(athletes),
      renderer: titleRenderer,
      delivery: new Outbox({ leases: new InMemoryDeliveryLeases(), senders: [recording], logger }),
      options: { defaultMorningTime: '06:30', catchUpYesterday: false },
    });
    const scheduler = new Scheduler({ jobs: [job], logger, clock });
    await scheduler.advanceTo(new Date(end), clock);

    for (const a of athletes) {
      const mine = sender.to(a.athleteId);
      const dates = mine.map((m) => m.message.title);
      // first morning: 5 March is caught up at start where 06:30 had passed (everyone east of New York)
      const first = dates[0]!;
      const last = DateTime.fromISO(end).setZone(a.timezone);
      const lastDate = last.toFormat('HH:mm') >= a.morningTime ? last.toISODate()! : addDays(last.toISODate()!, -1);
      const expected: string[] = [];
      for (let d = first; d <= lastDate; d = addDays(d, 1)) expected.push(d);
      expect(dates, a.athleteId).toEqual(expected);
      expect(first <= '2026-03-06', a.athleteId).toBe(true);
      // the local wall time of each delivery is the morning time (except the catch-up and the DST gap)
      const wall = mine.slice(1).map((m) => DateTime.fromJSDate(sentAt.get(m.key)!, { zone: a.timezone }).toFormat('yyyy-MM-dd HH:mm'));
      const offTime = wall.filter((w) => !w.endsWith(a.morningTime));
      if (a.athleteId === 'berlin-gap') expect(offTime).toEqual(['2026-03-29 03:30']);
      else expect(offTime, a.athleteId).toEqual([]);
    }
    // the overlap athlete got 1 November's message at the first 01:30 (EDT, 05:30 UTC), once
    const nov1 = sender.to('ny-overlap').filter((m) => m.message.title === '2026-11-01');
    expect(nov1).toHaveLength(1);
    expect(sentAt.get(nov1[0]!.key)!.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    // Adelaide's autumn (April) and spring (October) changes: one message on each of those days
    for (const d of ['2026-04-05', '2026-10-04']) expect(sender.to('adelaide').filter((m) => m.message.title === d)).toHaveLength(1);
  });

  it('when mornings are held for approval then nothing goes out until a coach approves, and then on the next tick', async () => {
    const athletes = [schedule('ann', 'Europe/London')];
    const clock = new ManualClock('2026-06-01T05:00:00Z');
    const sender = new RecordingSender('console');
    const mem = memoryCore({ pending: () => true });
    const job = morningDeliveryJob({
      core: mem.core,
      schedules: new SharedSchedules({ list: async () => athletes }, 3_600_000),
      contacts: dmContacts(athletes),
      renderer: titleRenderer,
      delivery: new Outbox({ leases: new InMemoryDeliveryLeases(), senders: [sender], logger }),
      options: { defaultMorningTime: '06:30', catchUpYesterday: false },
    });
    const scheduler = new Scheduler({ jobs: [job], logger, clock });
    await scheduler.advanceTo(new Date('2026-06-01T09:00:00Z'), clock);
    expect(sender.sent).toHaveLength(0);
    expect(job.heldCount()).toBe(1);
    mem.approve('ann', '2026-06-01');
    job.approvalsChanged();
    await scheduler.advanceTo(new Date('2026-06-01T09:01:00Z'), clock);
    expect(sender.sent.map((s) => s.message.title)).toEqual(['2026-06-01']);
    expect(job.heldCount()).toBe(0);
  });

  it('when the service starts late then today is caught up but yesterday only with CATCH_UP_YESTERDAY', async () => {
    for (const catchUpYesterday of [false, true]) {
      const athletes = [schedule('ann', 'Europe/London')];
      const clock = new ManualClock('2026-06-02T10:00:00Z');
      const sender = new RecordingSender('console');
      const job = morningDeliveryJob({
        core: memoryCore().core,
        schedules: new SharedSchedules({ list: async () => athletes }, 3_600_000),
        contacts: dmContacts(athletes),
        renderer: titleRenderer,
        delivery: new Outbox({ leases: new InMemoryDeliveryLeases(), senders: [sender], logger }),
        options: { defaultMorningTime: '06:30', catchUpYesterday },
      });
      const scheduler = new Scheduler({ jobs: [job], logger, clock });
      await scheduler.runNow(job.name);
      await scheduler.advanceTo(new Date('2026-06-02T10:05:00Z'), clock);
      expect(sender.sent.map((s) => s.message.title)).toEqual(catchUpYesterday ? ['2026-06-01', '2026-06-02'] : ['2026-06-02']);
    }
  });
});
