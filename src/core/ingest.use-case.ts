/**
 * Wearable ingest: for every active provider connection of an athlete, fetch the days since the sync cursor,
 * store them with recordSourceDays (idempotent per athlete-day and source; several sources merge by
 * precedence, each source's raw day kept), and only then move the cursor.
 *
 * The story per connection:
 *   plan the range  — no cursor: a backfill of `backfillDays` (default 2 years, clamped to what the vendor
 *                     serves at all, e.g. Polar ~30 days); with a cursor: from (cursor − overlapDays + 1) to
 *                     today, so the last `overlapDays` (default 2) already-synced days are fetched again
 *                     (vendors revise sleep/HRV late). "Today" is the athlete's local day.
 *   per window      — fetch [from, to] in windows of `windowDays` (oldest first) → write → cursor = window end.
 *                     A failing window stops that connection: nothing of it is written and the cursor stays at
 *                     the last window that was written, so the next run resumes there.
 *   classify errors — auth (401 after a refresh, revoked grant, 403) → the connection is needs_reauth and the
 *                     athlete is told once (CoreEvent connection.needs_reauth); rate limit → that provider is
 *                     held until its Retry-After for every athlete in this process, and ingestAll retries once
 *                     after waiting when the wait is short enough; malformed vendor data → logged with provider
 *                     and date range; anything else → logged, retried next run.
 *
 * Isolation: one connection failing never stops the athlete's other connections, and one athlete failing
 * never stops the others (every error is caught per connection and per athlete and ends up in the summary).
 *
 * Vendors are reached through the WearableSource port (src/wearables/registry.ts implements it with the real
 * clients and the token manager); src/core stays free of HTTP.
 */
import { isAppError } from '../errors.ts';
import { publish } from './context.ts';
import { addDays, isValidZone, localDate } from './local-time.ts';
import { PROVIDERS, type ProviderId, type SourceDay } from './metrics.ts';
import { recordSourceDays } from './metrics.use-case.ts';
import type { ConnectionPatch, CoreDeps } from './ports.ts';
import type { AthleteProfile, ProviderConnectionRecord } from './types.ts';

/** Inclusive range of athlete-local days (yyyy-mm-dd) and the athlete's IANA zone. */
export interface DayRange {
  from: string;
  to: string;
  timezone: string;
}

/**
 * Port: one wearable provider as the ingest sees it. Implementations take care of tokens (refresh, 401 →
 * refresh → retry, needs-reauth marking) and reject with an AppError whose code is one of the PROVIDER.*
 * codes of src/wearables/errors.ts (that is how failures are classified here). Never a partial range.
 */
export interface WearableSource {
  readonly provider: ProviderId;
  /** How many days back the vendor serves at all (Polar: ~30). The backfill starts no earlier. */
  readonly historyDays?: number;
  fetchDays(athleteId: string, range: DayRange): Promise<SourceDay[]>;
}

export type WearableSources = Partial<Record<ProviderId, WearableSource>>;

export interface IngestOptions {
  /** First sync of a connection: how many days back (including today). Default 730. */
  backfillDays: number;
  /** Days per fetch + write (each window moves the cursor). Default 30. */
  windowDays: number;
  /** Already-synced days fetched again every run (late revisions of sleep/HRV). Default 2. */
  overlapDays: number;
  /** Athletes ingested at the same time by ingestAll. Default 4. */
  concurrency: number;
  /** ingestAll waits for a rate limit to pass and retries once when the wait is at most this long. Default 15 min. */
  maxRetryWaitMs: number;
  /** A 429 without a usable Retry-After holds the provider this long. Default 60 s. */
  defaultRetryAfterMs: number;
  /** Background runs (webhooks, after connecting) at the same time. Default 2. */
  queueConcurrency: number;
}

export const DEFAULT_INGEST_OPTIONS: Readonly<IngestOptions> = Object.freeze({
  backfillDays: 730,
  windowDays: 30,
  overlapDays: 2,
  concurrency: 4,
  maxRetryWaitMs: 15 * 60_000,
  defaultRetryAfterMs: 60_000,
  queueConcurrency: 2,
});

export interface IngestDeps extends CoreDeps {
  sources: WearableSources;
  ingestOptions?: Partial<IngestOptions>;
  /** How ingestAll waits for a rate limit (default: a timer, cut short by the signal). Tests record instead. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

// ---------------------------------------------------------------------------------------------------
// Results

export type ProviderOutcome =
  /** Every planned window was fetched and written. */
  | 'ok'
  /** The grant is gone: the athlete has to connect again (told once). */
  | 'needs_reauth'
  /** The vendor asked us to slow down; nothing lost — the cursor stays, `retryAt` says when. */
  | 'rate_limited'
  /** Not attempted: the provider is held after another athlete's rate limit until `retryAt`. */
  | 'deferred'
  /** The vendor sent data we could not read for `error.from`–`error.to`; nothing of that range was written. */
  | 'malformed'
  /** Anything else (vendor down, timeout, database error); retried next run. */
  | 'failed'
  /** The connection disappeared or was disconnected during the run. */
  | 'skipped';

export interface ProviderRun {
  provider: ProviderId;
  outcome: ProviderOutcome;
  /** The planned range. */
  from: string;
  to: string;
  windowsPlanned: number;
  windowsWritten: number;
  daysWritten: number;
  /** The stored cursor after the run (the last local day fetched and written). */
  cursor?: string;
  retryAt?: Date;
  error?: { code: string; message: string; from: string; to: string };
}

export interface AthleteIngestResult {
  athleteId: string;
  /** True when no connection failed (rate limits and deferrals count as "later", see `deferred`). */
  ok: boolean;
  /** Some connection was rate-limited or deferred and will be fetched later. */
  deferred: boolean;
  providers: ProviderRun[];
  /** An athlete-level failure (unknown athlete, database down). */
  error?: { code: string; message: string };
}

export interface ProviderTally {
  ok: number;
  needsReauth: number;
  rateLimited: number;
  deferred: number;
  malformed: number;
  failed: number;
  skipped: number;
  daysWritten: number;
}

export interface IngestSummary {
  athletes: number;
  athletesOk: number;
  athletesFailed: number;
  /** Athletes with nothing failed but something postponed by a rate limit. */
  athletesDeferred: number;
  daysWritten: number;
  providers: Partial<Record<ProviderId, ProviderTally>>;
  /** Earliest time a postponed fetch may be retried. */
  retryAt?: Date;
  /** The signal stopped the run before every athlete was started. */
  aborted: boolean;
  results: AthleteIngestResult[];
}

// ---------------------------------------------------------------------------------------------------
// Error classification

export type FailureKind = 'auth' | 'rate_limited' | 'malformed' | 'not_connected' | 'transient' | 'other';

const AUTH_CODES = new Set([
  'PROVIDER.UNAUTHORIZED',
  'PROVIDER.FORBIDDEN',
  'PROVIDER.INVALID_GRANT',
  'PROVIDER.REFRESH_UNSUPPORTED',
  'PROVIDER.NEEDS_REAUTH',
]);

export function classifyIngestError(e: unknown): { kind: FailureKind; code: string; retryAfterMs?: number } {
  const code = isAppError(e) ? e.code : 'INTERNAL';
  if (AUTH_CODES.has(code)) return { kind: 'auth', code };
  if (code === 'PROVIDER.NOT_CONNECTED') return { kind: 'not_connected', code };
  // Oura's lapsed membership: our access still stands, so no needs-reauth; retried every night.
  if (code === 'PROVIDER.MEMBERSHIP_EXPIRED') return { kind: 'other', code };
  if (code === 'PROVIDER.MALFORMED_RESPONSE') return { kind: 'malformed', code };
  if (code === 'PROVIDER.UNAVAILABLE' || code === 'PROVIDER.TIMEOUT') return { kind: 'transient', code };
  if (code === 'PROVIDER.RATE_LIMITED') {
    const ms = (e as { retryAfterMs?: unknown }).retryAfterMs;
    return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? { kind: 'rate_limited', code, retryAfterMs: ms } : { kind: 'rate_limited', code };
  }
  return { kind: 'other', code };
}

/** Short technical text for logs and the summary (ProviderError messages carry no tokens or query strings). */
function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 300 ? `${m.slice(0, 297)}...` : m;
}

const NEEDS_REAUTH_REASONS: Record<string, string> = {
  'PROVIDER.FORBIDDEN': 'the provider refused access (permissions or consents withdrawn)',
  'PROVIDER.INVALID_GRANT': 'the provider revoked or expired the authorization',
  'PROVIDER.REFRESH_UNSUPPORTED': 'the access expired and the provider issues no refresh tokens',
  'PROVIDER.UNAUTHORIZED': 'the provider no longer accepts the access token',
  'PROVIDER.NEEDS_REAUTH': 'the provider no longer accepts our access',
};

// ---------------------------------------------------------------------------------------------------
// Planning

/** The range to fetch for a connection: [from, to] and its windows, oldest first. Pure. */
export function planIngestRange(
  input: { cursor: string | undefined; today: string; historyDays?: number | undefined },
  options: Pick<IngestOptions, 'backfillDays' | 'overlapDays' | 'windowDays'>,
): { from: string; to: string; windows: { from: string; to: string }[]; backfill: boolean } {
  const { today } = input;
  const earliest = addDays(today, -(Math.max(1, options.backfillDays) - 1));
  const servedFrom = input.historyDays !== undefined ? addDays(today, -(Math.max(1, input.historyDays) - 1)) : earliest;
  const floor = servedFrom > earliest ? servedFrom : earliest;
  const cursor = input.cursor !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(input.cursor) ? input.cursor : undefined;
  let from: string;
  if (cursor === undefined) from = floor;
  else {
    const last = cursor < today ? cursor : today;
    from = addDays(last, -(Math.max(1, options.overlapDays) - 1));
    if (from < floor) from = floor;
  }
  const windows: { from: string; to: string }[] = [];
  const size = Math.max(1, options.windowDays);
  for (let start = from; start <= today; ) {
    const end = addDays(start, size - 1);
    const to = end < today ? end : today;
    windows.push({ from: start, to });
    start = addDays(to, 1);
  }
  return { from, to: today, windows, backfill: cursor === undefined };
}

// ---------------------------------------------------------------------------------------------------
// The service

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

function emptyTally(): ProviderTally {
  return { ok: 0, needsReauth: 0, rateLimited: 0, deferred: 0, malformed: 0, failed: 0, skipped: 0, daysWritten: 0 };
}

const TALLY_KEY: Record<ProviderOutcome, keyof ProviderTally> = {
  ok: 'ok',
  needs_reauth: 'needsReauth',
  rate_limited: 'rateLimited',
  deferred: 'deferred',
  malformed: 'malformed',
  failed: 'failed',
  skipped: 'skipped',
};

const LATER: ReadonlySet<ProviderOutcome> = new Set(['rate_limited', 'deferred']);
const FINE: ReadonlySet<ProviderOutcome> = new Set(['ok', 'skipped', 'rate_limited', 'deferred']);

export class IngestService {
  private readonly options: IngestOptions;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Provider → epoch ms before which it is not called (after a 429). Per process. */
  private readonly heldUntil = new Map<ProviderId, number>();
  /** Per athlete: the tail of the chain of runs, so two runs of one athlete never overlap in this process. */
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Background requests not started yet, per athlete: the providers asked for ('all' = every connection). */
  private readonly pending = new Map<string, Set<ProviderId> | 'all'>();
  private readonly background = new Set<Promise<unknown>>();
  private queueActive = 0;
  private readonly queueWaiters: (() => void)[] = [];

  constructor(private readonly deps: IngestDeps) {
    this.options = { ...DEFAULT_INGEST_OPTIONS, ...deps.ingestOptions };
    this.sleep = deps.sleep ?? defaultSleep;
  }

  /** Athletes with at least one active connection to a configured provider (the nightly job's list). */
  async connectedAthleteIds(): Promise<string[]> {
    const rows = await this.deps.connections.listByStatus('active');
    return [...new Set(rows.filter((c) => this.deps.sources[c.provider] !== undefined).map((c) => c.athleteId))].sort();
  }

  /** Ingest one athlete's active connections (optionally only some providers). Never throws. */
  ingestAthlete(athleteId: string, options: { now?: Date; providers?: readonly ProviderId[] } = {}): Promise<AthleteIngestResult> {
    return this.serial(athleteId, () => this.runAthlete(athleteId, options.now ?? this.deps.clock.now(), options.providers));
  }

  /**
   * The nightly batch: every athlete, `concurrency` at a time; then, when some fetches were postponed by a
   * rate limit whose wait is at most maxRetryWaitMs, one retry pass for exactly those after waiting.
   */
  async ingestAll(
    athleteIds: readonly string[],
    options: { now?: Date; concurrency?: number; signal?: AbortSignal } = {},
  ): Promise<IngestSummary> {
    const now = options.now ?? this.deps.clock.now();
    const ids = [...new Set(athleteIds)];
    const concurrency = Math.max(1, options.concurrency ?? this.options.concurrency);
    const results = new Map<string, AthleteIngestResult>();
    const aborted = await this.pool(ids, concurrency, options.signal, async (id) => {
      results.set(id, await this.ingestAthlete(id, { now }));
    });

    const postponed = [...results.values()].filter((r) => r.providers.some((p) => LATER.has(p.outcome)));
    const earliest = minDate(postponed.flatMap((r) => r.providers.filter((p) => LATER.has(p.outcome)).map((p) => p.retryAt)));
    if (!aborted && postponed.length > 0 && earliest) {
      const wait = Math.max(0, earliest.getTime() - now.getTime());
      if (wait <= this.options.maxRetryWaitMs) {
        this.deps.logger?.info({ component: 'ingest', athletes: postponed.length, waitMs: wait }, 'rate limited: waiting to retry');
        await this.sleep(wait, options.signal);
        if (!options.signal?.aborted) {
          const later = new Date(now.getTime() + wait);
          await this.pool(
            postponed.map((r) => r.athleteId),
            concurrency,
            options.signal,
            async (id) => {
              const first = results.get(id)!;
              const again = first.providers.filter((p) => LATER.has(p.outcome)).map((p) => p.provider);
              const retry = await this.ingestAthlete(id, { now: later, providers: again });
              results.set(id, mergeRetry(first, retry));
            },
          );
        }
      }
    }
    const summary = summarize(ids.map((id) => results.get(id)).filter((r): r is AthleteIngestResult => r !== undefined), aborted);
    this.deps.logger?.info({ component: 'ingest', ...ingestSummaryForLog(summary) }, 'ingest finished');
    return summary;
  }

  /**
   * A vendor said something changed for one of its users (webhook): find the athlete and queue an incremental
   * fetch of that provider in the background. Unknown or inactive users are reported, never queued.
   */
  async onProviderEvent(
    provider: ProviderId,
    externalUserId: string,
  ): Promise<{ status: 'queued'; athleteId: string } | { status: 'unknown_user' } | { status: 'inactive'; athleteId: string }> {
    const conn = await this.deps.connections.findByExternalUser(provider, externalUserId);
    if (!conn) return { status: 'unknown_user' };
    if (conn.status !== 'active' || this.deps.sources[provider] === undefined) return { status: 'inactive', athleteId: conn.athleteId };
    this.enqueue(conn.athleteId, [provider]);
    return { status: 'queued', athleteId: conn.athleteId };
  }

  /**
   * Fetch in the background (after a webhook or a new connection). Requests for an athlete that is already
   * queued are merged into the queued run; at most queueConcurrency background runs at a time.
   */
  enqueue(athleteId: string, providers?: readonly ProviderId[]): void {
    const queued = this.pending.get(athleteId);
    if (queued !== undefined) {
      if (queued !== 'all') {
        if (providers === undefined) this.pending.set(athleteId, 'all');
        else for (const p of providers) queued.add(p);
      }
      return;
    }
    this.pending.set(athleteId, providers === undefined ? 'all' : new Set(providers));
    const run = this.withQueueSlot(() =>
      this.serial(athleteId, async () => {
        const selection = this.pending.get(athleteId);
        this.pending.delete(athleteId);
        const result = await this.runAthlete(athleteId, this.deps.clock.now(), selection === 'all' || selection === undefined ? undefined : [...selection]);
        this.deps.logger?.info(
          { component: 'ingest', athleteId, ok: result.ok, providers: result.providers.map((p) => `${p.provider}:${p.outcome}:${p.daysWritten}`) },
          'background ingest finished',
        );
        return result;
      }),
    ).catch((err: unknown) => this.deps.logger?.error({ component: 'ingest', athleteId, err: messageOf(err) }, 'background ingest failed'));
    this.background.add(run);
    void run.finally(() => this.background.delete(run));
  }

  /** Resolves when no background run is queued or running (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  // -------------------------------------------------------------------------------------------------

  private serial<T>(athleteId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(athleteId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.chains.set(athleteId, tail);
    void tail.then(() => {
      if (this.chains.get(athleteId) === tail) this.chains.delete(athleteId);
    });
    return next;
  }

  private async withQueueSlot<T>(fn: () => Promise<T>): Promise<T> {
    while (this.queueActive >= Math.max(1, this.options.queueConcurrency)) await new Promise<void>((r) => this.queueWaiters.push(r));
    this.queueActive++;
    try {
      return await fn();
    } finally {
      this.queueActive--;
      this.queueWaiters.shift()?.();
    }
  }

  /** Runs fn over items with at most `concurrency` in flight; returns true when the signal stopped it early. */
  private async pool(items: readonly string[], concurrency: number, signal: AbortSignal | undefined, fn: (item: string) => Promise<void>): Promise<boolean> {
    let next = 0;
    let aborted = false;
    const worker = async () => {
      for (;;) {
        if (signal?.aborted) {
          aborted = next < items.length;
          return;
        }
        const i = next++;
        if (i >= items.length) return;
        await fn(items[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    return aborted;
  }

  private async runAthlete(athleteId: string, now: Date, providers: readonly ProviderId[] | undefined): Promise<AthleteIngestResult> {
    const log = this.deps.logger;
    try {
      const [profile] = await this.deps.athletes.profiles([athleteId]);
      if (!profile) {
        return { athleteId, ok: false, deferred: false, providers: [], error: { code: 'ATHLETE.NOT_FOUND', message: `no athlete ${athleteId}` } };
      }
      const timezone = isValidZone(profile.timezone) ? profile.timezone : 'UTC';
      const today = localDate(now, timezone);
      const connections = (await this.deps.connections.listForAthlete(athleteId)).filter(
        (c) => c.status === 'active' && (providers === undefined || providers.includes(c.provider)) && this.deps.sources[c.provider] !== undefined,
      );
      connections.sort((a, b) => PROVIDERS.indexOf(a.provider) - PROVIDERS.indexOf(b.provider));
      const runs: ProviderRun[] = [];
      for (const c of connections) runs.push(await this.runConnection({ ...profile, timezone }, c, this.deps.sources[c.provider]!, today, now));
      return {
        athleteId,
        ok: runs.every((r) => FINE.has(r.outcome)),
        deferred: runs.some((r) => LATER.has(r.outcome)),
        providers: runs,
      };
    } catch (err) {
      log?.error({ component: 'ingest', athleteId, err: messageOf(err) }, 'ingest of athlete failed');
      return { athleteId, ok: false, deferred: false, providers: [], error: { code: isAppError(err) ? err.code : 'INTERNAL', message: messageOf(err) } };
    }
  }

  private async runConnection(
    profile: AthleteProfile,
    conn: ProviderConnectionRecord,
    source: WearableSource,
    today: string,
    now: Date,
  ): Promise<ProviderRun> {
    const { provider, athleteId } = conn;
    const plan = planIngestRange({ cursor: conn.syncCursor, today, historyDays: source.historyDays }, this.options);
    const run: ProviderRun = {
      provider,
      outcome: 'ok',
      from: plan.from,
      to: plan.to,
      windowsPlanned: plan.windows.length,
      windowsWritten: 0,
      daysWritten: 0,
    };
    if (conn.syncCursor !== undefined) run.cursor = conn.syncCursor;
    const held = this.heldUntil.get(provider);
    if (held !== undefined && held > now.getTime()) return { ...run, outcome: 'deferred', retryAt: new Date(held) };

    const log = this.deps.logger;
    let cursor = conn.syncCursor;
    for (const w of plan.windows) {
      let days: SourceDay[];
      try {
        days = await source.fetchDays(athleteId, { from: w.from, to: w.to, timezone: profile.timezone });
      } catch (err) {
        return this.fetchFailed(run, err, w, athleteId, now);
      }
      const inWindow = days.filter((d) => d.date >= w.from && d.date <= w.to);
      if (inWindow.length !== days.length) {
        log?.warn({ component: 'ingest', athleteId, provider, from: w.from, to: w.to, dropped: days.length - inWindow.length }, 'provider returned days outside the asked range; dropped');
      }
      try {
        if (inWindow.length > 0) await recordSourceDays(this.deps, athleteId, inWindow);
        // The cursor only moves forward, and only after the days are stored.
        if (cursor === undefined || w.to > cursor) cursor = w.to;
        const patch: ConnectionPatch = { syncCursor: cursor, lastSyncAt: now };
        const saved = await this.deps.connections.patch(athleteId, provider, patch);
        if (!saved) return { ...run, outcome: 'skipped' };
      } catch (err) {
        log?.error({ component: 'ingest', athleteId, provider, from: w.from, to: w.to, err: messageOf(err) }, 'storing fetched days failed');
        return { ...run, outcome: 'failed', error: { code: isAppError(err) ? err.code : 'INTERNAL', message: messageOf(err), from: w.from, to: w.to } };
      }
      run.windowsWritten++;
      run.daysWritten += inWindow.length;
      run.cursor = cursor;
    }
    return run;
  }

  private async fetchFailed(run: ProviderRun, err: unknown, w: { from: string; to: string }, athleteId: string, now: Date): Promise<ProviderRun> {
    const { provider } = run;
    const c = classifyIngestError(err);
    const error = { code: c.code, message: messageOf(err), from: w.from, to: w.to };
    const ctx = { component: 'ingest', athleteId, provider, from: w.from, to: w.to, code: c.code };
    const log = this.deps.logger;
    switch (c.kind) {
      case 'auth':
        log?.warn({ ...ctx, err: error.message }, 'provider access lost: connection needs re-authorization');
        await this.flagNeedsReauth(athleteId, provider, NEEDS_REAUTH_REASONS[c.code] ?? 'the provider no longer accepts our access', now).catch((e: unknown) =>
          log?.error({ ...ctx, err: messageOf(e) }, 'could not record needs-reauth'),
        );
        return { ...run, outcome: 'needs_reauth', error };
      case 'rate_limited': {
        const until = now.getTime() + (c.retryAfterMs ?? this.options.defaultRetryAfterMs);
        this.heldUntil.set(provider, Math.max(this.heldUntil.get(provider) ?? 0, until));
        log?.warn({ ...ctx, retryAfterMs: until - now.getTime() }, 'provider rate limit: holding the provider');
        return { ...run, outcome: 'rate_limited', retryAt: new Date(until), error };
      }
      case 'malformed':
        log?.warn({ ...ctx, err: error.message }, 'provider sent malformed data: nothing written for this range');
        return { ...run, outcome: 'malformed', error };
      case 'not_connected':
        log?.info(ctx, 'connection gone during ingest');
        return { ...run, outcome: 'skipped', error };
      default:
        log?.warn({ ...ctx, err: error.message }, 'provider fetch failed; retried next run');
        return { ...run, outcome: 'failed', error };
    }
  }

  /**
   * The connection needs a reconnect: mark it (if the token manager has not already) and tell the athlete
   * once. Serialised per connection; `needsReauthNotifiedAt` records that the athlete was told (cleared when
   * new tokens are stored), so concurrent runs and later nights do not repeat the message. Also the token
   * manager's onNeedsReauth target, so a loss found by the token-renewal job is told too.
   */
  reportLostAccess(athleteId: string, provider: ProviderId, reason: string, now: Date = this.deps.clock.now()): Promise<void> {
    return this.flagNeedsReauth(athleteId, provider, reason, now);
  }

  private async flagNeedsReauth(athleteId: string, provider: ProviderId, reason: string, now: Date): Promise<void> {
    let told: string | undefined;
    await this.deps.mutex.withLock(`pc-notice:${provider}:${athleteId}`, async () => {
      const cur = await this.deps.connections.get(athleteId, provider);
      if (!cur || cur.status === 'revoked' || cur.needsReauthNotifiedAt) return;
      const patch: ConnectionPatch = { needsReauthNotifiedAt: now };
      if (cur.status === 'active') {
        patch.status = 'needs_reauth';
        patch.needsReauthReason = reason;
      }
      await this.deps.connections.patch(athleteId, provider, patch);
      told = cur.status === 'needs_reauth' && cur.needsReauthReason ? cur.needsReauthReason : reason;
    });
    if (told !== undefined) await publish(this.deps, { type: 'connection.needs_reauth', athleteId, provider, reason: told });
  }
}

function minDate(ds: (Date | undefined)[]): Date | undefined {
  let min: Date | undefined;
  for (const d of ds) if (d && (!min || d < min)) min = d;
  return min;
}

function mergeRetry(first: AthleteIngestResult, retry: AthleteIngestResult): AthleteIngestResult {
  const byProvider = new Map(retry.providers.map((p) => [p.provider, p]));
  const providers = first.providers.map((p) => byProvider.get(p.provider) ?? p);
  const out: AthleteIngestResult = {
    athleteId: first.athleteId,
    ok: providers.every((p) => FINE.has(p.outcome)) && !retry.error,
    deferred: providers.some((p) => LATER.has(p.outcome)),
    providers,
  };
  const error = first.error ?? retry.error;
  if (error) out.error = error;
  return out;
}

export function summarize(results: readonly AthleteIngestResult[], aborted = false): IngestSummary {
  const providers: Partial<Record<ProviderId, ProviderTally>> = {};
  let daysWritten = 0;
  let retryAt: Date | undefined;
  for (const r of results) {
    for (const p of r.providers) {
      const t = (providers[p.provider] ??= emptyTally());
      t[TALLY_KEY[p.outcome]]++;
      t.daysWritten += p.daysWritten;
      daysWritten += p.daysWritten;
      if (LATER.has(p.outcome) && p.retryAt && (!retryAt || p.retryAt < retryAt)) retryAt = p.retryAt;
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  const deferred = results.filter((r) => r.ok && r.deferred).length;
  const summary: IngestSummary = {
    athletes: results.length,
    athletesOk: results.length - failed - deferred,
    athletesFailed: failed,
    athletesDeferred: deferred,
    daysWritten,
    providers,
    aborted,
    results: [...results],
  };
  if (retryAt) summary.retryAt = retryAt;
  return summary;
}

/** Flat numbers for the job log (JobSummary): totals plus `<provider>.<outcome>` counts. */
export function ingestSummaryForLog(s: IngestSummary): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {
    athletes: s.athletes,
    athletesOk: s.athletesOk,
    athletesFailed: s.athletesFailed,
    athletesDeferred: s.athletesDeferred,
    daysWritten: s.daysWritten,
    aborted: s.aborted,
  };
  if (s.retryAt) out.retryAt = s.retryAt.toISOString();
  for (const [provider, t] of Object.entries(s.providers) as [ProviderId, ProviderTally][]) {
    for (const [k, v] of Object.entries(t)) if (v > 0) out[`${provider}.${k}`] = v;
  }
  return out;
}

/** Thrown by the job adapter when a connection should be fetched again later. */
export class IngestIncompleteError extends Error {
  override readonly name = 'IngestIncompleteError';
  constructor(readonly result: AthleteIngestResult) {
    const parts = result.error ? [`${result.error.code}`] : result.providers.filter((p) => !['ok', 'skipped', 'needs_reauth'].includes(p.outcome)).map((p) => `${p.provider}:${p.outcome}${p.error ? ` (${p.error.code})` : ''}`);
    super(`ingest of ${result.athleteId} incomplete: ${parts.join(', ')}`);
  }
}

/**
 * The jobs/ AthleteIngest port (nightly-ingest.job.ts claims one athlete-day and retries on a rejection):
 * resolves with the days written when nothing needs another try; rejects with IngestIncompleteError when a
 * connection failed, was malformed, rate-limited or deferred (the job releases its claim and comes back).
 * Lost authorization is final for the day: the athlete has been told and only a reconnect helps.
 */
export function athleteIngestPort(service: IngestService): {
  ingestAthlete(athleteId: string, options: { now: Date; date?: string }): Promise<{ days: number; sources: string[] }>;
} {
  return {
    async ingestAthlete(athleteId, options) {
      const r = await service.ingestAthlete(athleteId, { now: options.now });
      const retry = r.error !== undefined || r.providers.some((p) => !['ok', 'skipped', 'needs_reauth'].includes(p.outcome));
      if (retry) throw new IngestIncompleteError(r);
      return { days: r.providers.reduce((n, p) => n + p.daysWritten, 0), sources: r.providers.filter((p) => p.outcome === 'ok').map((p) => p.provider) };
    },
  };
}

export function createIngestService(deps: IngestDeps): IngestService {
  return new IngestService(deps);
}
