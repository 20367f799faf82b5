import { describe, expect, it } from 'vitest';
import { registerRateSlotModel, SharedRateLimiter, tokenScope } from '../../../src/db/rate-slots.ts';
import { useTestDatabase } from '../../helpers/db.ts';

const db = useTestDatabase({ register: registerRateSlotModel });

describe('shared rate limit (slots claimed by unique _id inserts)', () => {
  it('when two limiter instances (two workers) take concurrently then no window grants more than the limit, together', async () => {
    const LIMIT = 3;
    const WINDOW = 250;
    const scope = tokenScope('discord', 'bot-token-1');
    const workers = [0, 1].map(() => new SharedRateLimiter(db.connection, { scope, limit: LIMIT, windowMs: WINDOW }));
    const grants: number[] = [];
    const started = Date.now();
    // 4 callers per worker, 5 calls each: 40 calls
    await Promise.all(
      workers.flatMap((w) =>
        Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 5; i++) {
            await w.take('global');
            grants.push(Date.now());
          }
        }),
      ),
    );
    const elapsed = Date.now() - started;
    const perWindow = new Map<number, number>();
    for (const t of grants) perWindow.set(Math.floor(t / WINDOW), (perWindow.get(Math.floor(t / WINDOW)) ?? 0) + 1);
    expect(grants).toHaveLength(40);
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(LIMIT);
    // 40 calls at 3 per window need at least 13 full windows after the first
    expect(elapsed).toBeGreaterThanOrEqual((Math.ceil(40 / LIMIT) - 1) * WINDOW - WINDOW);
    await Promise.all(workers.map((w) => w.close()));
    expect(await registerRateSlotModel(db.connection).countDocuments({ _id: { $regex: `^${scope}:` } }).exec()).toBe(0);
  });

  it('when keys differ (Slack channels) then each has its own limit', async () => {
    const scope = tokenScope('slack', 'xoxb-1');
    const a = new SharedRateLimiter(db.connection, { scope, limit: 1, windowMs: 60_000 });
    const b = new SharedRateLimiter(db.connection, { scope, limit: 1, windowMs: 60_000, maxWaitMs: 0 });
    await a.take('C1');
    await b.take('C2');
    await expect(b.take('C1')).rejects.toMatchObject({ code: 'RATE.BUSY' }); // C1's one slot of this minute is a's
    await a.close();
    await b.close();
  });

  it('when a token is named then only a hash of it is stored', () => {
    expect(tokenScope('discord', 'secret-token')).toMatch(/^discord:[0-9a-f]{12}$/);
    expect(tokenScope('discord', 'secret-token')).not.toContain('secret');
  });
});
