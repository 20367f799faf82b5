/**
 * Issue 17 "The morning can be computed before that night's data arrives": an athlete whose morning
 * (03:00) comes before INGEST_LOCAL_TIME (04:00), and a service started at 05:05 that catches the morning
 * up, must still have that night ingested before the session is computed — once per night, whichever job
 * gets there first. Real scheduler, real jobs, real leases on the embedded database, a virtual clock.
 */
import { describe, expect, it } from 'vitest';
import { SharedSchedules } from '../../jobs/due-index.ts';
import { morningDeliveryJob } from '../../jobs/morning-delivery.job.ts';
import { ingestGate, nightlyIngestJob } from '../../jobs/nightly-ingest.job.ts';
import type { AthleteIngest, AthleteSchedule } from '../../jobs/ports.ts';
import { Scheduler } from '../../jobs/scheduler.ts';
import { InMemoryDeliveryLeases } from '../../src/chat/memory.ts';
import { Outbox } from '../../src/chat/outbox.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { LeaseRepository } from '../../src/db/lease.repository.ts';
import { registerModels } from '../../src/db/models.ts';
import { createLogger } from '../../src/logger.ts';
import { RecordingSender } from '../e2e/support/recording-sender.ts';
import { useTestDatabase } from '../helpers/db.ts';
import { dmContacts, memoryCore, schedule, titleRenderer } from './support/memory.ts';

const logger = createLogger({ level: 'silent' });
const db = useTestDatabase({ register: registerModels });

/** Both jobs on one clock; every ingest and every prescription recorded with the virtual time. */
function service(athletes: AthleteSchedule[], clock: ManualClock, owner: string, gate: boolean) {
  const events: { kind: 'ingest' | 'prescribe'; athleteId: string; date: string; at: number }[] = [];
  const ingest: AthleteIngest = {
    async ingestAthlete(athleteId, { date }) {
      events.push({ kind: 'ingest', athleteId, date, at: clock.now().getTime() });
      return { days: 1 };
    },
  };
  const claims = new LeaseRepository(db.connection);
  const schedules = new SharedSchedules({ list: async () => athletes }, 3_600_000);
  const { core } = memoryCore();
  const recordingCore: typeof core = {
    ...core,
    async prescribeMany(items) {
      for (const i of items) events.push({ kind: 'prescribe', athleteId: i.athleteId, date: i.date, at: clock.now().getTime() });
      return core.prescribeMany(items);
    },
  };
  const nightly = nightlyIngestJob({ ingest, claims, schedules, owner, options: { ingestLocalTime: '04:00' } });
  const morning = morningDeliveryJob({
    core: recordingCore,
    schedules,
    contacts: dmContacts(athletes),
    renderer: titleRenderer,
    delivery: new Outbox({ leases: new InMemoryDeliveryLeases(), senders: [new RecordingSender('console')], logger }),
    options: { defaultMorningTime: '06:30', catchUpYesterday: false },
    ...(gate ? { ingestFirst: ingestGate({ ingest, claims, owner }) } : {}),
  });
  return { events, scheduler: new Scheduler({ jobs: [morning, nightly], logger, clock }) };
}

function expectIngestedFirst(events: ReturnType<typeof service>['events']) {
  const prescribed = events.filter((e) => e.kind === 'prescribe');
  expect(prescribed.length).toBeGreaterThan(0);
  for (const p of prescribed) {
    const night = events.find((e) => e.kind === 'ingest' && e.athleteId === p.athleteId && e.date === p.date);
    expect(night, `${p.athleteId} ${p.date}: ingested before the morning at ${new Date(p.at).toISOString()}`).toBeDefined();
    expect(night!.at).toBeLessThanOrEqual(p.at);
  }
  const ingests = events.filter((e) => e.kind === 'ingest').map((e) => `${e.athleteId}|${e.date}`);
  expect(new Set(ingests).size, 'one ingest per athlete-night').toBe(ingests.length);
}

describe('ingest before the morning', () => {
  it('when an athlete’s morning (03:00) is earlier than the nightly ingest (04:00) then each morning runs that night’s ingest first, once', async () => {
    const clock = new ManualClock('2026-04-01T00:00:00Z');
    const s = service([schedule('early', 'Europe/London', '03:00'), schedule('usual', 'Europe/London', '06:30')], clock, 'p1', true);
    await s.scheduler.advanceTo(new Date('2026-04-04T12:00:00Z'), clock);
    expectIngestedFirst(s.events);
    const early = s.events.filter((e) => e.athleteId === 'early' && e.kind === 'prescribe').map((e) => e.date);
    expect(early).toEqual(['2026-04-01', '2026-04-02', '2026-04-03', '2026-04-04']);
  });

  it('when the service starts at 05:05 and catches up the morning then that night is ingested before the session is computed', async () => {
    const clock = new ManualClock('2026-04-02T04:05:00Z'); // 05:05 in London (BST)
    const s = service([schedule('latecomer', 'Europe/London', '05:00')], clock, 'p2', true);
    await s.scheduler.advanceTo(new Date('2026-04-02T06:00:00Z'), clock);
    expectIngestedFirst(s.events);
  });

  it('when the morning job has no ingest gate then a 03:00 morning is computed before its night is ingested (the failure this guards against)', async () => {
    const clock = new ManualClock('2026-05-01T00:00:00Z');
    const s = service([schedule('early2', 'Europe/London', '03:00')], clock, 'p3', false);
    await s.scheduler.advanceTo(new Date('2026-05-02T12:00:00Z'), clock);
    expect(() => expectIngestedFirst(s.events)).toThrow();
  });
});
