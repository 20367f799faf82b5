/**
 * Small runs of bench:deliver (in-memory leases) and bench:ingest, so the bench machinery keeps working.
 * Correctness only — exactly once, no crash, every failure isolated — never a speed target.
 */
import { describe, expect, it } from 'vitest';
import { runDeliverBench } from '../../bench/deliver.bench.ts';
import { DEFAULT_INGEST_BENCH, runIngestBench } from '../../bench/ingest.bench.ts';
import { createLogger } from '../../src/logger.ts';
import { NIGHTLY_FAULTS } from './fault-proxy.ts';

const logger = createLogger({ level: 'silent' });

describe('bench smoke runs', () => {
  it('when 30 Discord DMs and 10 Slack posts go through two racing outboxes then each arrives once and a replay sends nothing', async () => {
    const r = await runDeliverBench(undefined, {
      discordMessages: 30,
      slackMessages: 10,
      slackChannels: 5,
      discordConcurrency: 8,
      slackConcurrency: 10,
      routeWindowMs: 100,
      closedDmShare: 0.1,
      leases: 'memory',
      logger,
    });
    for (const p of [r.discord, r.slack]) {
      expect(p.sent + p.fallback).toBe(p.messages);
      expect(p).toMatchObject({ failed: 0, bothSent: 0, fakeDuplicates: 0, keysWithSeveralMessages: 0, keysWithNoMessage: 0, replayNotAlreadySent: 0, replayRequests: 0 });
      expect(p.loserInProgress + p.loserAlreadySent).toBe(p.messages);
    }
    expect(r.discord.fallback).toBe(3); // every 10th user has DMs closed
  });

  it('when 20 athletes are ingested from 4 faulty vendors then nothing crashes and every athlete ends ok or isolated', async () => {
    const r = await runIngestBench({ ...DEFAULT_INGEST_BENCH, athletes: 20, concurrency: 8, faults: { ...NIGHTLY_FAULTS, error500: 0.1, malformed: 0.03 } });
    expect(r.crashes).toBe(0);
    expect(r.internalErrors).toBe(0);
    expect(r.athletesOk + r.athletesDeferred + r.athletesFailed).toBe(20);
    expect(r.athletesOk).toBeGreaterThanOrEqual(18);
    expect(Object.values(r.perProvider).reduce((a, p) => a + p.injectedTotal, 0)).toBeGreaterThan(0);
    // What was stored is what was written: one source-day per provider per day written.
    expect(r.sourceDaysStored).toBe(r.daysWritten);
    expect(r.athleteDaysStored).toBe(20 * 7);
  });
});
