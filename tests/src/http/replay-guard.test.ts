/** The bounded seen-id set: repeats within the TTL are refused, expiry frees an id, the size never passes its bound. */
import { describe, expect, it } from 'vitest';
import { ReplayGuard } from '../../../src/http/replay-guard.ts';

describe('ReplayGuard', () => {
  it('when an id repeats within its TTL then it is refused; after the TTL it is new again', () => {
    let now = 0;
    const g = new ReplayGuard({ now: () => now });
    expect(g.firstSighting('a', 1_000)).toBe(true);
    now = 999;
    expect(g.firstSighting('a', 1_000)).toBe(false);
    now = 1_000;
    expect(g.firstSighting('a', 1_000)).toBe(true);
  });

  it('when one request has several ids then a repeat of any of them refuses it and nothing new is recorded', () => {
    const g = new ReplayGuard({ now: () => 0 });
    expect(g.firstSightingOfAll(['sig:1', 'event:E'], 1_000)).toBe(true);
    expect(g.firstSightingOfAll(['sig:2', 'event:E'], 1_000)).toBe(false);
    expect(g.firstSighting('sig:2', 1_000)).toBe(true);
  });

  it('when 100,000 ids arrive then at most maxEntries are held and the oldest went first', () => {
    const g = new ReplayGuard({ maxEntries: 1_000, now: () => 0 });
    for (let i = 0; i < 100_000; i++) g.firstSighting(`id-${i}`, 60_000);
    expect(g.size).toBe(1_000);
    expect(g.firstSighting('id-99999', 60_000)).toBe(false);
    expect(g.firstSighting('id-0', 60_000)).toBe(true);
  });

  it('when entries expire then they are dropped and the size falls back', () => {
    let now = 0;
    const g = new ReplayGuard({ now: () => now });
    for (let i = 0; i < 500; i++) g.firstSighting(`id-${i}`, 100);
    now = 101;
    g.firstSighting('fresh', 100);
    expect(g.size).toBe(1);
  });
});
