/**
 * Nightly ingest: after each athlete's local 04:00, once per local day — with two instances on the same
 * database (leases), and with a failed sync retried later the same day.
 */
import { describe, expect, it } from 'vitest';
import { SharedSchedules } from '../../jobs/due-index.ts';
import { nightlyIngestJob } from '../../jobs/nightly-ingest.job.ts';
import type { AthleteIngest } from '../../jobs/ports.ts';
import { Scheduler } from '../../jobs/scheduler.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { LeaseRepository } from '../../src/db/lease.repository.ts';
import { registerModels } from '../../src/db/models.ts';
import { createLogger } from '../../src/logger.ts';
import { useTestDatabase } from '../helpers/db.ts';
import { schedule } from './support/memory.ts';

const logger = createLogger({ level: 'silent' });
const db = useTestDatabase({ register: registerModels });

describe('nightly ingest', () => {
  it('when two instances run on one database then each athlete is ingested once per local day, after their local 04:00', async () => {
    const athletes = [schedule('tokyo', 'Asia/Tokyo'), schedule('adelaide', 'Australia/Adelaide'), schedule('denver', 'America/Denver')];
    const calls: { athleteId: string; date: string; at: string; instance: string }[] = [];
    const clock = new ManualClock('2026-04-01T00:00:00Z');
    const make = (instance: string) => {
      const ingest: AthleteIngest = {
        async ingestAthlete(athleteId, { date, now }) {
          calls.push({ athleteId, date, at: now.toISOString(), instance });
          await new Promise((r) => setTimeout(r, 5));
          return { days: 1 };
        },
      };
      return nightlyIngestJob({ ingest, claims: new LeaseRepository(db.connection), schedules: new SharedSchedules({ list: async () => athletes }, 3_600_000), owner: instance, options: { ingestLocalTime: '04:00' } });
    };
    const a = make('a');
    const b = make('b');
    // Both instances see every minute: interleave their ticks on one virtual clock.
    const scheduler = new Scheduler({ jobs: [a, { ...b, name: 'nightly-ingest-b', due: b.due!, run: b.run }], logger, clock });
    await scheduler.advanceTo(new Date('2026-04-04T00:00:00Z'), clock);

    for (const ath of athletes) {
      const mine = calls.filter((c) => c.athleteId === ath.athleteId);
      const dates = mine.map((c) => c.date);
      expect(new Set(dates).size, ath.athleteId).toBe(dates.length);
      expect(dates.length).toBeGreaterThanOrEqual(3);
      for (const c of mine) {
        const local = new Intl.DateTimeFormat('en-GB', { timeZone: ath.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(c.at));
        // at start the day's 04:00 may already have passed (caught up); after that exactly at 04:00
        if (c.at !== '2026-04-01T00:01:00.000Z') expect(local, `${ath.athleteId} ${c.date}`).toBe('04:00');
      }
    }
    expect(calls.length).toBe(new Set(calls.map((c) => `${c.athleteId}|${c.date}`)).size);
  });

  it('when a sync fails then the claim is released and the athlete is retried later that day, once it succeeds no more', async () => {
    const athletes = [schedule('oslo', 'Europe/Oslo')];
    let attempts = 0;
    const ingest: AthleteIngest = {
      async ingestAthlete() {
        attempts += 1;
        if (attempts === 1) throw new Error('provider down');
        return { days: 2 };
      },
    };
    const clock = new ManualClock('2026-05-10T00:00:00Z');
    const job = nightlyIngestJob({ ingest, claims: new LeaseRepository(db.connection), schedules: new SharedSchedules({ list: async () => athletes }, 3_600_000), owner: 'x', options: { ingestLocalTime: '04:00', retryAfterMs: 15 * 60_000 } });
    const scheduler = new Scheduler({ jobs: [job], logger, clock });
    await scheduler.advanceTo(new Date('2026-05-10T02:10:00Z'), clock); // 04:10 CEST
    expect(attempts).toBe(1);
    await scheduler.advanceTo(new Date('2026-05-10T02:20:00Z'), clock); // retried at 04:15
    expect(attempts).toBe(2);
    await scheduler.advanceTo(new Date('2026-05-10T20:00:00Z'), clock);
    expect(attempts).toBe(2);
  });
});
