/**
 * bench:deliver in small, on LeaseRepository and the test database: two outboxes racing for every key,
 * then a third replaying them — each message arrives once and the lease chain holds one generation per key.
 */
import { describe, expect, it } from 'vitest';
import { probeLeaseCost, runDeliverBench } from '../../bench/deliver.bench.ts';
import { registerLeaseModel } from '../../src/db/lease.repository.ts';
import { createLogger } from '../../src/logger.ts';
import { useTestDatabase } from '../helpers/db.ts';

const db = useTestDatabase({ register: registerLeaseModel });
const logger = createLogger({ level: 'silent' });

describe('bench:deliver on LeaseRepository (small)', () => {
  it('when 20 Discord DMs and 6 Slack posts are delivered by racing outboxes then each arrives once and each key has one lease document', async () => {
    const r = await runDeliverBench(db.connection, {
      discordMessages: 20,
      slackMessages: 6,
      slackChannels: 6,
      discordConcurrency: 8,
      slackConcurrency: 6,
      routeWindowMs: 100,
      closedDmShare: 0,
      leases: 'db',
      logger,
    });
    for (const p of [r.discord, r.slack]) {
      expect(p.sent).toBe(p.messages);
      expect(p).toMatchObject({ failed: 0, bothSent: 0, fakeDuplicates: 0, keysWithSeveralMessages: 0, keysWithNoMessage: 0, replayNotAlreadySent: 0, replayRequests: 0 });
    }
    expect(r.leaseDocs).toBe(26);
  });

  it('when the lease probe runs then it reports one line per collection size and leaves no documents behind', async () => {
    const before = await db.connection.model('Lease').countDocuments();
    const rows = await probeLeaseCost(db.connection, [0, 50], 3);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^\s+50 documents: p50 [\d.]+ ms/);
    expect(await db.connection.model('Lease').countDocuments()).toBe(before);
  });
});
