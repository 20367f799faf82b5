/**
 * Token lifecycle for provider connections.
 *
 * - Refresh ahead of expiry (default: when less than 5 min are left).
 * - Single-flight per connection inside this process: concurrent callers share one refresh.
 * - Across processes, compare-and-set against the ConnectionStore (version). With rotating refresh tokens only
 *   one process can spend a given refresh token; the other gets `invalid_grant`. Before concluding that the
 *   grant was revoked, the loser re-reads the store (polling briefly for the winner's write to land) and, if the
 *   connection moved on, uses the winner's tokens instead of spending anything else.
 * - 401 on a data call → one refresh and one retry (withAccessToken). A second 401 with fresh tokens means the
 *   grant is gone.
 * - Refresh rejected (invalid_grant), revoked, or expired with no refresh possible → the connection is marked
 *   needs-reauth and `onNeedsReauth(athleteId, provider, reason)` is called exactly once per transition (the
 *   store's conditional update decides who transitions), so the athlete is told once.
 * - Transient failures (5xx, timeout, 429) never mark needs-reauth; a still-valid token keeps being used.
 */
import type { ProviderId } from '../core/metrics.ts';
import type { Connection, ConnectionStore } from './connection-store.ts';
import { isProviderError, ProviderError } from './errors.ts';
import { realSleep, type Sleep } from './http.ts';
import type { TokenSet, WearableProvider } from './provider.ts';

export type RefreshCapable = Pick<WearableProvider, 'id' | 'refresh' | 'supportsRefresh'>;

export interface TokenManagerOptions {
  store: ConnectionStore;
  providers: Partial<Record<ProviderId, RefreshCapable>>;
  /** Refresh when fewer than this many ms of validity remain. Default 5 min. */
  refreshSkewMs?: number;
  now?: () => number;
  sleep?: Sleep;
  /**
   * After invalid_grant: how many times (and how far apart) to re-read the store for a concurrent winner's
   * write before deciding the grant is revoked. Default 3 reads, 250 ms apart.
   */
  raceGrace?: { reads: number; delayMs: number };
  /** Called once per active → needs-reauth transition. Errors thrown here are swallowed (and reported). */
  onNeedsReauth?: (athleteId: string, provider: ProviderId, reason: string) => void | Promise<void>;
  onCallbackError?: (error: unknown) => void;
}

type Trigger = { kind: 'expiring' } | { kind: 'unauthorized'; rejectedAccessToken: string };

export class TokenManager {
  private readonly store: ConnectionStore;
  private readonly providers: Partial<Record<ProviderId, RefreshCapable>>;
  private readonly skewMs: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly grace: { reads: number; delayMs: number };
  private readonly inflight = new Map<string, Promise<Connection>>();

  constructor(private readonly options: TokenManagerOptions) {
    this.store = options.store;
    this.providers = options.providers;
    this.skewMs = options.refreshSkewMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.grace = options.raceGrace ?? { reads: 3, delayMs: 250 };
  }

  /** The connection with an access token that is valid for at least refreshSkewMs (refreshing if needed). */
  async getConnection(athleteId: string, provider: ProviderId): Promise<Connection> {
    const conn = await this.load(athleteId, provider);
    if (!this.expiring(conn.tokens)) return conn;
    return this.refresh(athleteId, provider, { kind: 'expiring' });
  }

  /** After a 401 with `rejectedAccessToken`: refresh unless someone already has. */
  refreshAfterUnauthorized(athleteId: string, provider: ProviderId, rejectedAccessToken: string): Promise<Connection> {
    return this.refresh(athleteId, provider, { kind: 'unauthorized', rejectedAccessToken });
  }

  /**
   * Run a data call with a fresh token; on PROVIDER.UNAUTHORIZED refresh once and retry once. A second 401
   * marks the connection needs-reauth and rejects with PROVIDER.NEEDS_REAUTH.
   */
  async withAccessToken<T>(
    athleteId: string,
    provider: ProviderId,
    call: (connection: Connection) => Promise<T>,
  ): Promise<T> {
    const first = await this.getConnection(athleteId, provider);
    try {
      return await call(first);
    } catch (e) {
      if (!isProviderError(e, 'PROVIDER.UNAUTHORIZED')) throw e;
    }
    const second = await this.refreshAfterUnauthorized(athleteId, provider, first.tokens.accessToken);
    try {
      return await call(second);
    } catch (e) {
      if (!isProviderError(e, 'PROVIDER.UNAUTHORIZED')) throw e;
      const recovered = await this.toNeedsReauth(second, 'access token rejected right after a refresh');
      if (recovered) return call(recovered);
      throw new ProviderError('PROVIDER.NEEDS_REAUTH', provider, 'access token rejected after refresh', { cause: e });
    }
  }

  private expiring(tokens: TokenSet): boolean {
    return tokens.expiresAt !== undefined && tokens.expiresAt - this.now() <= this.skewMs;
  }

  private expired(tokens: TokenSet): boolean {
    return tokens.expiresAt !== undefined && tokens.expiresAt <= this.now();
  }

  private async load(athleteId: string, provider: ProviderId): Promise<Connection> {
    const conn = await this.store.get(athleteId, provider);
    if (!conn) throw new ProviderError('PROVIDER.NOT_CONNECTED', provider, `no connection for athlete ${athleteId}`);
    if (conn.status === 'needs_reauth') {
      throw new ProviderError('PROVIDER.NEEDS_REAUTH', provider, `connection needs re-authorization (${conn.needsReauthReason ?? 'unknown'})`);
    }
    if (conn.status !== 'active') {
      throw new ProviderError('PROVIDER.NOT_CONNECTED', provider, `connection is ${conn.status} for athlete ${athleteId}`);
    }
    return conn;
  }

  /** Single-flight per connection in this process. */
  private async refresh(athleteId: string, provider: ProviderId, trigger: Trigger): Promise<Connection> {
    const key = `${provider}\u0000${athleteId}`;
    for (;;) {
      const running = this.inflight.get(key);
      if (!running) break;
      const result = await running;
      // A flight that started for "expiring" may have found nothing to do; a 401 needs a token other than the rejected one.
      if (trigger.kind !== 'unauthorized' || result.tokens.accessToken !== trigger.rejectedAccessToken) return result;
    }
    const flight = this.doRefresh(athleteId, provider, trigger).finally(() => {
      if (this.inflight.get(key) === flight) this.inflight.delete(key);
    });
    this.inflight.set(key, flight);
    return flight;
  }

  private async doRefresh(athleteId: string, provider: ProviderId, trigger: Trigger): Promise<Connection> {
    // Re-read: another process may have refreshed since the caller looked.
    const conn = await this.load(athleteId, provider);
    if (trigger.kind === 'unauthorized' && conn.tokens.accessToken !== trigger.rejectedAccessToken) return conn;
    if (trigger.kind === 'expiring' && !this.expiring(conn.tokens)) return conn;

    const impl = this.providers[provider];
    if (!impl) throw new Error(`no provider client registered for ${provider}`);
    const spent = conn.tokens.refreshToken;
    if (!impl.supportsRefresh || spent === undefined) {
      if (trigger.kind === 'expiring' && !this.expired(conn.tokens)) return conn; // still usable for now
      const reason = trigger.kind === 'unauthorized' ? 'access token rejected, no refresh possible' : 'access token expired, no refresh possible';
      const recovered = await this.toNeedsReauth(conn, reason);
      if (recovered) return recovered;
      throw new ProviderError('PROVIDER.NEEDS_REAUTH', provider, reason);
    }

    let fresh: TokenSet;
    try {
      fresh = await impl.refresh(spent);
    } catch (e) {
      if (isProviderError(e, 'PROVIDER.INVALID_GRANT') || isProviderError(e, 'PROVIDER.REFRESH_UNSUPPORTED')) {
        // Lost a race with another process that spent the same rotating refresh token? Use its tokens.
        const winner = await this.awaitWinner(conn);
        if (winner) return winner;
        const recovered = await this.toNeedsReauth(conn, 'refresh token rejected (invalid_grant)');
        if (recovered) return recovered;
        throw new ProviderError('PROVIDER.NEEDS_REAUTH', provider, 'refresh token rejected', { cause: e });
      }
      // Transient: keep using a token that is still valid; otherwise surface the error (no needs-reauth).
      if (trigger.kind === 'expiring' && !this.expired(conn.tokens)) return conn;
      throw e;
    }

    const tokens: TokenSet = {
      ...fresh,
      // Non-rotating vendors may omit these in a refresh answer: keep what we had.
      refreshToken: fresh.refreshToken ?? spent,
      ...(fresh.externalUserId ?? conn.tokens.externalUserId
        ? { externalUserId: fresh.externalUserId ?? conn.tokens.externalUserId }
        : {}),
      ...(fresh.kind ?? conn.tokens.kind ? { kind: fresh.kind ?? conn.tokens.kind } : {}),
    };
    const cas = await this.store.compareAndSetTokens(athleteId, provider, conn.version, tokens);
    if (cas.ok) return cas.connection;
    const current = cas.current;
    if (current && current.tokens.refreshToken === spent) {
      // Only the status moved (a racing process concluded "revoked" while our valid tokens were in flight):
      // our tokens are the newest — write them over.
      const retry = await this.store.compareAndSetTokens(athleteId, provider, current.version, tokens);
      if (retry.ok) return retry.connection;
    }
    if (current && current.status === 'active') return current; // someone else wrote newer tokens
    throw new ProviderError('PROVIDER.NEEDS_REAUTH', provider, 'connection changed during refresh');
  }

  /** Poll the store briefly for a concurrent writer's newer version. */
  private async awaitWinner(conn: Connection): Promise<Connection | null> {
    for (let i = 0; i < this.grace.reads; i++) {
      if (i > 0) await this.sleep(this.grace.delayMs);
      const cur = await this.store.get(conn.athleteId, conn.provider);
      if (cur && cur.version !== conn.version) return cur.status === 'active' ? cur : null;
    }
    return null;
  }

  /**
   * Conditionally mark needs-reauth. Returns a connection to continue with if, in the meantime, someone stored
   * fresh tokens (then nothing is marked); otherwise null. Notifies once, on the transition.
   */
  private async toNeedsReauth(conn: Connection, reason: string): Promise<Connection | null> {
    const res = await this.store.markNeedsReauth(conn.athleteId, conn.provider, conn.version, reason);
    if (res.transitioned) {
      try {
        await this.options.onNeedsReauth?.(conn.athleteId, conn.provider, reason);
      } catch (e) {
        this.options.onCallbackError?.(e);
      }
      return null;
    }
    const cur = res.current;
    if (cur && cur.status === 'active' && cur.version !== conn.version && cur.tokens.accessToken !== conn.tokens.accessToken) {
      return cur;
    }
    return null;
  }
}
