/**
 * ConnectionStore port: where an athlete's provider tokens live. The production implementation (MongoDB,
 * src/db) maps each method onto one atomic findOneAndUpdate:
 *
 *   compareAndSetTokens  → filter {athleteId, provider, version: expectedVersion},
 *                          update {$set: {tokens, status: 'active'}, $inc: {version: 1}}
 *   markNeedsReauth      → filter {athleteId, provider, version: expectedVersion, status: 'active'},
 *                          update {$set: {status: 'needs_reauth', needsReauthReason}, $inc: {version: 1}}
 *
 * so that two processes refreshing the same connection cannot both win, and the needs-reauth transition (and
 * the athlete notification hanging off it) happens exactly once.
 */
import type { ProviderId } from '../core/metrics.ts';
import type { TokenSet } from './provider.ts';

/** Same values as src/core/types.ts ConnectionStatus; 'revoked' = the athlete disconnected (tokens wiped). */
export type ConnectionStatus = 'active' | 'needs_reauth' | 'revoked';

export interface Connection {
  athleteId: string;
  provider: ProviderId;
  tokens: TokenSet;
  status: ConnectionStatus;
  /** Incremented on every write: the compare-and-set key. */
  version: number;
  needsReauthReason?: string;
  /** Epoch ms of the last write. */
  updatedAt: number;
}

export type CasResult = { ok: true; connection: Connection } | { ok: false; current: Connection | null };

export interface ConnectionStore {
  get(athleteId: string, provider: ProviderId): Promise<Connection | null>;
  /** After a successful OAuth callback: create or replace, status active, version + 1 (1 when new). */
  upsert(athleteId: string, provider: ProviderId, tokens: TokenSet): Promise<Connection>;
  /** Replace the tokens iff the stored version equals expectedVersion; sets status active and bumps the version. */
  compareAndSetTokens(
    athleteId: string,
    provider: ProviderId,
    expectedVersion: number,
    tokens: TokenSet,
  ): Promise<CasResult>;
  /**
   * Mark needs-reauth iff the stored version equals expectedVersion and the status is active. `transitioned` is
   * true for exactly one caller per transition; `current` is the stored connection after the call.
   */
  markNeedsReauth(
    athleteId: string,
    provider: ProviderId,
    expectedVersion: number,
    reason: string,
  ): Promise<{ transitioned: boolean; current: Connection | null }>;
}

/** In-process store for tests and local mode. Copies on the way in and out, like a database would. */
export class InMemoryConnectionStore implements ConnectionStore {
  private readonly rows = new Map<string, Connection>();
  constructor(private readonly now: () => number = Date.now) {}

  private static key(athleteId: string, provider: ProviderId): string {
    return `${provider}\u0000${athleteId}`;
  }

  async get(athleteId: string, provider: ProviderId): Promise<Connection | null> {
    const row = this.rows.get(InMemoryConnectionStore.key(athleteId, provider));
    return row ? structuredClone(row) : null;
  }

  async upsert(athleteId: string, provider: ProviderId, tokens: TokenSet): Promise<Connection> {
    const key = InMemoryConnectionStore.key(athleteId, provider);
    const prev = this.rows.get(key);
    const row: Connection = {
      athleteId,
      provider,
      tokens: structuredClone(tokens),
      status: 'active',
      version: (prev?.version ?? 0) + 1,
      updatedAt: this.now(),
    };
    this.rows.set(key, row);
    return structuredClone(row);
  }

  async compareAndSetTokens(
    athleteId: string,
    provider: ProviderId,
    expectedVersion: number,
    tokens: TokenSet,
  ): Promise<CasResult> {
    const key = InMemoryConnectionStore.key(athleteId, provider);
    const row = this.rows.get(key);
    if (!row || row.version !== expectedVersion) return { ok: false, current: row ? structuredClone(row) : null };
    const next: Connection = {
      athleteId,
      provider,
      tokens: structuredClone(tokens),
      status: 'active',
      version: row.version + 1,
      updatedAt: this.now(),
    };
    this.rows.set(key, next);
    return { ok: true, connection: structuredClone(next) };
  }

  async markNeedsReauth(
    athleteId: string,
    provider: ProviderId,
    expectedVersion: number,
    reason: string,
  ): Promise<{ transitioned: boolean; current: Connection | null }> {
    const key = InMemoryConnectionStore.key(athleteId, provider);
    const row = this.rows.get(key);
    if (!row || row.version !== expectedVersion || row.status !== 'active') {
      return { transitioned: false, current: row ? structuredClone(row) : null };
    }
    const next: Connection = {
      ...row,
      status: 'needs_reauth',
      needsReauthReason: reason,
      version: row.version + 1,
      updatedAt: this.now(),
    };
    this.rows.set(key, next);
    return { transitioned: true, current: structuredClone(next) };
  }
}
