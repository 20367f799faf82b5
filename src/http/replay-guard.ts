/**
 * Replay protection for signed inbound requests (Slack events, vendor webhooks): a bounded set of the
 * request ids seen recently. `firstSighting(id, ttlMs)` is true the first time an id is offered and false
 * for every repeat until the id expires.
 *
 * What an id is, is the caller's choice — a request signature (a byte-for-byte replay repeats it: the
 * signature covers the timestamp and the body) and, where the sender has one, its event id (Slack retries
 * an event with the same event_id under a new signature). The TTL must cover the whole window in which a
 * signed request is accepted: with a symmetric tolerance of ±T around "now" a request can be replayed for
 * 2T, so callers pass 2T.
 *
 * Bounded memory: at most `maxEntries` ids (default 50,000 — about 8 MB with 64-character keys). Entries
 * are kept in insertion order (a Map), so expired ones are dropped from the front; when the set is full
 * the oldest entry goes first, even unexpired (a flood of valid signed requests could then push an id out
 * early: only someone holding the signing secret can send those). Ids are only recorded after the
 * signature checked out, so an anonymous sender cannot fill it.
 *
 * In memory, per process: a second instance behind a load balancer keeps its own set. A shared store
 * would be a unique-indexed collection with a TTL index; dropped for now because the embedded FerretDB
 * decodes the whole collection on every lookup that is not by _id, and one write per inbound request is
 * a cost the single-instance deployment does not need.
 */
export interface ReplayGuardOptions {
  /** Most ids remembered at once. Default 50,000. */
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_REPLAY_GUARD_ENTRIES = 50_000;

export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  private readonly max: number;
  private readonly now: () => number;

  constructor(options: ReplayGuardOptions = {}) {
    this.max = options.maxEntries ?? DEFAULT_REPLAY_GUARD_ENTRIES;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.seen.size;
  }

  /** True the first time `id` is seen within its TTL; false for a repeat. Records it. */
  firstSighting(id: string, ttlMs: number): boolean {
    const now = this.now();
    this.evict(now);
    const until = this.seen.get(id);
    if (until !== undefined && until > now) return false;
    this.seen.delete(id);
    this.seen.set(id, now + ttlMs);
    while (this.seen.size > this.max) this.seen.delete(this.seen.keys().next().value!);
    return true;
  }

  /** True when any of `ids` was seen; records all of them otherwise (one request, several names). */
  firstSightingOfAll(ids: readonly string[], ttlMs: number): boolean {
    const now = this.now();
    this.evict(now);
    if (ids.some((id) => (this.seen.get(id) ?? 0) > now)) return false;
    for (const id of ids) this.firstSighting(id, ttlMs);
    return true;
  }

  /** Drops expired entries from the front. TTLs may differ per id, so this stops at the first live one. */
  private evict(now: number): void {
    for (const [id, until] of this.seen) {
      if (until > now) break;
      this.seen.delete(id);
    }
  }
}
