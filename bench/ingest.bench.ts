/**
 * npm run bench:ingest — the nightly ingest for 1,000 athletes × 4 providers (Oura, WHOOP, intervals.icu,
 * Polar) through the real IngestService (src/core/ingest.use-case.ts), the real provider clients and token
 * manager (buildProviders / createWearableSources), and recordSourceDays, against the loopback vendor fakes
 * behind fault-injecting proxies (tests/bench/fault-proxy.ts):
 *
 *   5 % of data GETs → 500 · 2 % → no answer (client timeout) · 1 % → 200 with a truncated body ·
 *   429 windows: 0.2 % of GETs open a 1 s window in which every GET to that vendor gets 429 + Retry-After.
 *
 * Every athlete has a fresh connection to all four vendors (first sync: `--days` = 7 days of backfill).
 * Pass 1 is ingestAll (which itself retries rate-limited fetches once after the wait); then failed
 * connections are retried as the next nightly run would, up to `--passes` in total, faults still on.
 * Transport knobs are shortened through the clients' injectable options (timeout 400 ms, backoff 20–200 ms);
 * Retry-After is honoured as sent (1 s).
 *
 * Storage: the in-memory repositories of src/local/memory-store.ts by default — on the embedded FerretDB
 * (SQLite) only `{_id}` filters reach an index and LeaseMutex reads the whole `leases` collection per lock,
 * so at 1,000 athletes × 4 providers the database, not the vendors, would be the benchmark. `--db` stores the
 * daily metrics (read and written by _id) on the database (embedded FerretDB or MONGODB_URI) and prints
 * their latency; the rest stays in memory.
 *
 * Options: --athletes 1000 --days 7 --concurrency 16 --passes 3 --seed 20261122 --db
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { addDays } from '../src/core/local-time.ts';
import { createIngestService, type AthleteIngestResult, type IngestSummary } from '../src/core/ingest.use-case.ts';
import type { ProviderId } from '../src/core/metrics.ts';
import type { DailyMetricsRepository } from '../src/core/ports.ts';
import type { CoreEvent } from '../src/core/ports.ts';
import type { TokenSet } from '../src/core/types.ts';
import { MongoDailyMetricsRepository } from '../src/db/daily-metrics.repository.ts';
import { registerModels } from '../src/db/models.ts';
import { createLogger } from '../src/logger.ts';
import { InMemoryConnectionStore } from '../src/wearables/connection-store.ts';
import { realSleep } from '../src/wearables/http.ts';
import { mergeSourceDays } from '../src/wearables/merge.ts';
import { buildProviders, createWearableSources } from '../src/wearables/registry.ts';
import { INTERVALS_ATHLETE, INTERVALS_CLIENT, IntervalsFake, intervalsActivity, intervalsWellness } from '../tests/fakes/intervals.ts';
import { OURA_CLIENT, OuraFake, ouraDailySleep, ouraReadiness, ouraSleep, ouraWorkout } from '../tests/fakes/oura.ts';
import { POLAR_CLIENT, PolarFake, polarExercise, polarNight, polarRecharge } from '../tests/fakes/polar.ts';
import { WHOOP_CLIENT, WhoopFake, whoopCycle, whoopRecovery, whoopSleep, whoopWorkout } from '../tests/fakes/whoop.ts';
import { CountingLogSink, openBenchDatabase, percentile, pool } from '../tests/bench/bench-db.ts';
import { FaultProxy, NIGHTLY_FAULTS, type FaultRates } from '../tests/bench/fault-proxy.ts';
import { createMemoryRepositories } from '../src/local/memory-store.ts';
import { machineFacts } from './machine.ts';

type Vendor = 'oura' | 'whoop' | 'intervals' | 'polar';
export const PROVIDER_IDS: readonly Vendor[] = ['oura', 'whoop', 'intervals', 'polar'];
const NOW = '2026-11-22T07:00:00Z';
const TODAY = '2026-11-22';

export interface IngestBenchOptions {
  athletes: number;
  days: number;
  concurrency: number;
  passes: number;
  seed: number;
  faults: FaultRates;
  /** Client per-request timeout (the proxy holds "timeouts" longer than this). */
  timeoutMs: number;
  /** Daily metrics on a database instead of memory. */
  dailyMetrics?: DailyMetricsRepository;
  logSink?: CountingLogSink;
}

export const DEFAULT_INGEST_BENCH = { athletes: 1_000, days: 7, concurrency: 16, passes: 3, seed: 20261122, timeoutMs: 400 };

export interface PassStats {
  pass: number;
  athletes: number;
  ok: number;
  deferred: number;
  failed: number;
  wallMs: number;
  /** provider → outcome → count */
  outcomes: Record<string, Record<string, number>>;
  /** provider → error code → count (what surfaced to the ingest after the client's own retries). */
  surfaced: Record<string, Record<string, number>>;
  daysWritten: number;
  daysByProvider: Record<string, number>;
}

export interface IngestBenchResult {
  passes: PassStats[];
  perProvider: Record<
    string,
    { requests: number; forwarded: number; repeats: number; bursts: number; injected: Record<string, number>; injectedTotal: number; daysWritten: number }
  >;
  /** After the last pass: every connection ok / some postponed by a rate limit (none failed) / some failed. */
  athletesOk: number;
  athletesDeferred: number;
  athletesFailed: number;
  /** Thrown out of ingestAll / ingestAthlete, plus unhandled rejections during the run. Must be 0. */
  crashes: number;
  /** Results whose error code is INTERNAL (an unexpected exception caught by the isolation). */
  internalErrors: number;
  httpSleeps: number;
  httpSleepMs: number;
  daysWritten: number;
  athleteDaysStored: number;
  sourceDaysStored: number;
  wallMs: number;
  needsReauthEvents: number;
}

function seedFakes(f: { oura: OuraFake; whoop: WhoopFake; intervals: IntervalsFake; polar: PolarFake }, days: number): void {
  const dates = Array.from({ length: days }, (_, i) => addDays(TODAY, i - days + 1));
  const prev = (d: string) => addDays(d, -1);
  f.oura.data.sleep = dates.map((d, i) =>
    ouraSleep({ id: `s-${d}`, day: d, bedtime_start: `${prev(d)}T22:4${i % 10}:00+00:00`, bedtime_end: `${d}T06:3${i % 10}:00+00:00`, average_hrv: 50 + i, lowest_heart_rate: 46 + (i % 3) }),
  );
  f.oura.data.daily_sleep = dates.map((d, i) => ouraDailySleep(d, 75 + i));
  f.oura.data.daily_readiness = dates.map((d, i) => ouraReadiness(d, 70 + i));
  f.oura.data.workout = dates.filter((_, i) => i % 2 === 0).map((d, i) => ouraWorkout({ id: `w-${d}`, day: d, start: `${d}T17:00:00+00:00`, end: `${d}T18:0${i}:00+00:00`, intensity: i % 3 === 0 ? 'hard' : 'moderate' }));
  f.whoop.data.sleep = dates.map((d, i) =>
    whoopSleep({ id: `sl-${d}`, cycleId: 90_000 + i, start: `${prev(d)}T22:30:00.000Z`, end: `${d}T06:20:00.000Z`, light: 13_000_000, sws: 6_000_000, rem: 6_000_000, performance: 80 + i }),
  );
  f.whoop.data.recovery = dates.map((d, i) => whoopRecovery({ cycleId: 90_000 + i, sleepId: `sl-${d}`, createdAt: `${d}T06:35:00.000Z`, recovery: 50 + i * 3, rhr: 50 + (i % 4), hrv: 55 + i }));
  f.whoop.data.workout = dates.filter((_, i) => i % 2 === 1).map((d, i) => whoopWorkout({ id: `wk-${d}`, start: `${d}T16:00:00.000Z`, end: `${d}T17:00:00.000Z`, strain: 10 + i, avgHr: 140, maxHr: 170 }));
  f.whoop.data.cycle = dates.map((d, i) => whoopCycle({ id: 90_000 + i, start: `${prev(d)}T22:30:00.000Z`, end: i === dates.length - 1 ? null : `${d}T22:30:00.000Z`, strain: 9 + i }));
  f.intervals.wellness = dates.map((d, i) => intervalsWellness(d, { restingHR: 45 + (i % 3), hrv: 60 + i, sleepSecs: 26_000 + i * 300, readiness: 70 + i }));
  f.intervals.activities = dates
    .filter((_, i) => i % 3 === 0)
    .map((d, i) => intervalsActivity({ id: `i${i}`, start_date_local: `${d}T07:15:00`, start_date: `${d}T07:15:00Z`, type: 'Ride', moving_time: 3600, icu_training_load: 70 + i }));
  f.polar.recharges = dates.map((d, i) => polarRecharge(d, { hr: 52 + (i % 3), hrv: 58 + i, status: 4, ans: 3.1 }));
  f.polar.nights = dates.map((d, i) => polarNight({ date: d, start: `${prev(d)}T23:30:00+00:00`, end: `${d}T06:45:00+00:00`, light: 14_400, deep: 5_400, rem: 6_000, score: 70 + i }));
  f.polar.exercises = dates
    .filter((_, i) => i % 3 === 1)
    .map((d, i) => polarExercise({ id: `PX${i}`, start: `${d}T17:40:02`, offset: 0, duration: 'PT1H0M0S', sport: 'RUNNING', trainingLoad: 90 + i, hr: { average: 139, maximum: 171 } }));
}

export async function runIngestBench(opts: IngestBenchOptions): Promise<IngestBenchResult> {
  const [oura, whoop, intervals, polar] = await Promise.all([OuraFake.start(), WhoopFake.start(), IntervalsFake.start(), PolarFake.start()]);
  const fakes = { oura, whoop, intervals, polar };
  seedFakes(fakes, opts.days);
  const holdMs = opts.timeoutMs * 2.5;
  const proxies: Record<Vendor, FaultProxy> = {
    oura: await new FaultProxy('oura', oura.baseUrl, opts.faults, { seed: opts.seed + 1, holdMs }).start(),
    whoop: await new FaultProxy('whoop', new URL(whoop.baseUrl).origin, opts.faults, { seed: opts.seed + 2, holdMs }).start(),
    intervals: await new FaultProxy('intervals', intervals.baseUrl, opts.faults, { seed: opts.seed + 3, holdMs }).start(),
    polar: await new FaultProxy('polar', polar.baseUrl, opts.faults, { seed: opts.seed + 4, holdMs }).start(),
  };

  let httpSleeps = 0;
  let httpSleepMs = 0;
  const countedSleep = async (ms: number) => {
    httpSleeps += 1;
    httpSleepMs += ms;
    await realSleep(ms);
  };
  const registry = buildProviders(
    {
      OURA_CLIENT_ID: OURA_CLIENT.clientId,
      OURA_CLIENT_SECRET: OURA_CLIENT.clientSecret,
      OURA_API_BASE_URL: proxies.oura.url,
      WHOOP_CLIENT_ID: WHOOP_CLIENT.clientId,
      WHOOP_CLIENT_SECRET: WHOOP_CLIENT.clientSecret,
      WHOOP_API_BASE_URL: proxies.whoop.urlFor(whoop.baseUrl),
      INTERVALS_CLIENT_ID: INTERVALS_CLIENT.clientId,
      INTERVALS_CLIENT_SECRET: INTERVALS_CLIENT.clientSecret,
      INTERVALS_API_BASE_URL: proxies.intervals.url,
      POLAR_CLIENT_ID: POLAR_CLIENT.clientId,
      POLAR_CLIENT_SECRET: POLAR_CLIENT.clientSecret,
      POLAR_API_BASE_URL: proxies.polar.url,
    },
    { http: { timeoutMs: opts.timeoutMs, maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200, maxRateLimitWaitMs: 5_000, sleep: countedSleep } },
  );

  // Athletes and their connections (as after /connect): tokens in the token store and the connection rows.
  // The clock starts at NOW and moves with real time (a frozen clock would hold a rate-limited vendor forever).
  const t0 = Date.now();
  const clock = { now: () => new Date(Date.parse(NOW) + (Date.now() - t0)) };
  const repos = createMemoryRepositories(() => `id-${Math.random().toString(36).slice(2)}`);
  const dailyMetrics = opts.dailyMetrics ?? repos.dailyMetrics;
  const store = new InMemoryConnectionStore();
  const ids: string[] = [];
  const expiresAt = Date.now() + 7 * 86_400_000;
  const at = new Date(NOW);
  for (let i = 0; i < opts.athletes; i++) {
    const id = `athlete-${String(i).padStart(4, '0')}`;
    ids.push(id);
    await repos.persons.insert({ id, displayName: `Athlete ${i}`, timezone: 'Europe/London', dmsEnabled: true, createdAt: at, updatedAt: at });
    await repos.athletes.insert({ id, sport: 'running', level: 'trained', morningTime: '07:00', status: 'active', consent: { givenAt: at, version: '2026-11' }, simulated: false, createdAt: at, updatedAt: at });
    const bearerOf = (m: { access_token: string; refresh_token?: string }): TokenSet => ({ accessToken: m.access_token, kind: 'bearer', expiresAt, ...(m.refresh_token ? { refreshToken: m.refresh_token } : {}) });
    const apiKey = `k3y-bench-${i}`; // each athlete's own intervals.icu key
    intervals.apiKeys.add(apiKey);
    const tokens: Record<Vendor, TokenSet> = {
      oura: bearerOf(oura.auth.mint()),
      whoop: bearerOf(whoop.auth.mint()),
      intervals: { accessToken: apiKey, kind: 'api_key', externalUserId: INTERVALS_ATHLETE },
      polar: { accessToken: polar.connect(), kind: 'bearer' },
    };
    for (const p of PROVIDER_IDS) {
      await store.upsert(id, p, tokens[p]);
      await repos.connections.upsertTokens(id, p, tokens[p]);
    }
  }

  const sink = opts.logSink ?? new CountingLogSink();
  const logger = createLogger({ level: 'warn', destination: sink });
  const events: CoreEvent[] = [];
  const { sources } = createWearableSources(registry, store, { sleep: countedSleep });
  const unused = (what: string) => () => {
    throw new Error(`bench:ingest does not provide ${what}`);
  };
  const ingest = createIngestService({
    ...repos,
    dailyMetrics,
    clock,
    newId: () => `id-${Math.random().toString(36).slice(2)}`,
    engine: { decide: unused('a decision engine') },
    twin: { update: unused('a twin updater') },
    notifier: { publish: async (e) => void events.push(e) },
    mergeDays: mergeSourceDays,
    logger,
    sources,
    ingestOptions: { backfillDays: opts.days, windowDays: 30, overlapDays: 2, concurrency: opts.concurrency, maxRetryWaitMs: 30_000, defaultRetryAfterMs: 2_000 },
  });

  let crashes = 0;
  const onUnhandled = () => {
    crashes += 1;
  };
  process.on('unhandledRejection', onUnhandled);

  const passes: PassStats[] = [];
  const latest = new Map<string, AthleteIngestResult>();
  const tally = (pass: number, results: AthleteIngestResult[], wallMs: number): PassStats => {
    const s: PassStats = { pass, athletes: results.length, ok: 0, deferred: 0, failed: 0, wallMs, outcomes: {}, surfaced: {}, daysWritten: 0, daysByProvider: {} };
    for (const r of results) {
      if (!r.ok) s.failed += 1;
      else if (r.deferred) s.deferred += 1;
      else s.ok += 1;
      for (const p of r.providers) {
        (s.outcomes[p.provider] ??= {})[p.outcome] = (s.outcomes[p.provider]![p.outcome] ?? 0) + 1;
        if (p.error) (s.surfaced[p.provider] ??= {})[p.error.code] = (s.surfaced[p.provider]![p.error.code] ?? 0) + 1;
        s.daysWritten += p.daysWritten;
        s.daysByProvider[p.provider] = (s.daysByProvider[p.provider] ?? 0) + p.daysWritten;
      }
    }
    return s;
  };

  const started = performance.now();
  // Pass 1: the nightly batch.
  let t = performance.now();
  let summary: IngestSummary | undefined;
  try {
    summary = await ingest.ingestAll(ids, { concurrency: opts.concurrency });
  } catch {
    crashes += 1;
  }
  for (const r of summary?.results ?? []) latest.set(r.athleteId, r);
  passes.push(tally(1, summary?.results ?? [], performance.now() - t));

  // Later passes: the connections that did not make it, as the next run would retry them.
  for (let pass = 2; pass <= opts.passes; pass++) {
    const todo = [...latest.values()]
      .map((r) => ({ id: r.athleteId, providers: r.providers.filter((p) => p.outcome !== 'ok' && p.outcome !== 'skipped').map((p) => p.provider) }))
      .filter((x) => x.providers.length > 0);
    if (todo.length === 0) break;
    // A vendor that answered 429 is held until its retryAt: the next run comes after that (bounded wait).
    const retryAt = Math.max(0, ...[...latest.values()].flatMap((r) => r.providers.map((p) => p.retryAt?.getTime() ?? 0)));
    const wait = Math.min(30_000, retryAt - clock.now().getTime());
    if (wait > 0) await realSleep(wait);
    t = performance.now();
    const results: AthleteIngestResult[] = [];
    await pool(todo, opts.concurrency, async (x) => {
      try {
        const r = await ingest.ingestAthlete(x.id, { providers: x.providers });
        results.push(r);
        const prev = latest.get(x.id)!;
        const byProvider = new Map(r.providers.map((p) => [p.provider, p]));
        const merged = prev.providers.map((p) => byProvider.get(p.provider) ?? p);
        latest.set(x.id, { ...prev, providers: merged, ok: merged.every((p) => ['ok', 'skipped', 'rate_limited', 'deferred'].includes(p.outcome)) });
      } catch {
        crashes += 1;
      }
    });
    passes.push(tally(pass, results, performance.now() - t));
  }
  const wallMs = performance.now() - started;
  process.off('unhandledRejection', onUnhandled);

  const finals = [...latest.values()];
  // INTERNAL = an exception the ingest did not expect (its isolation caught it); counted over every pass.
  const internalErrors = passes.reduce((a, s) => a + Object.values(s.surfaced).reduce((b, o) => b + (o.INTERNAL ?? 0), 0), 0) +
    finals.filter((r) => r.error?.code === 'INTERNAL').length;
  const perProvider: IngestBenchResult['perProvider'] = {};
  for (const p of PROVIDER_IDS) {
    const c = proxies[p].counters;
    perProvider[p] = {
      requests: c.requests,
      forwarded: c.forwarded,
      repeats: c.repeats,
      bursts: c.bursts,
      injected: { ...c.injected },
      injectedTotal: proxies[p].injectedTotal,
      daysWritten: passes.reduce((a, s) => a + (s.daysByProvider[p] ?? 0), 0),
    };
  }

  // What the store holds (read back by _id, which every store answers from an index).
  let athleteDaysStored = 0;
  let sourceDaysStored = 0;
  for (const id of ids)
    for (let d = 0; d < opts.days; d++) {
      const rec = await dailyMetrics.get(id, addDays(TODAY, -d));
      if (rec) {
        athleteDaysStored += 1;
        sourceDaysStored += rec.sources.length;
      }
    }

  await Promise.all([...Object.values(proxies).map((x) => x.stop()), oura.close(), whoop.close(), intervals.close(), polar.close()]);
  return {
    passes,
    perProvider,
    athletesOk: finals.filter((r) => r.providers.every((p) => p.outcome === 'ok' || p.outcome === 'skipped')).length,
    athletesDeferred: finals.filter((r) => r.ok && !r.providers.every((p) => p.outcome === 'ok' || p.outcome === 'skipped')).length,
    athletesFailed: finals.filter((r) => !r.ok).length,
    crashes,
    internalErrors,
    httpSleeps,
    httpSleepMs,
    daysWritten: passes.reduce((a, s) => a + s.daysWritten, 0),
    athleteDaysStored,
    sourceDaysStored,
    wallMs,
    needsReauthEvents: events.filter((e) => e.type === 'connection.needs_reauth').length,
  };
}

const fmt = (o: Record<string, number>) =>
  Object.entries(o)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '—';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      athletes: { type: 'string', default: String(DEFAULT_INGEST_BENCH.athletes) },
      days: { type: 'string', default: String(DEFAULT_INGEST_BENCH.days) },
      concurrency: { type: 'string', default: String(DEFAULT_INGEST_BENCH.concurrency) },
      passes: { type: 'string', default: String(DEFAULT_INGEST_BENCH.passes) },
      seed: { type: 'string', default: String(DEFAULT_INGEST_BENCH.seed) },
      db: { type: 'boolean', default: false },
    },
  });
  const opts: IngestBenchOptions = {
    athletes: Number(values.athletes),
    days: Number(values.days),
    concurrency: Number(values.concurrency),
    passes: Number(values.passes),
    seed: Number(values.seed),
    faults: NIGHTLY_FAULTS,
    timeoutMs: DEFAULT_INGEST_BENCH.timeoutMs,
    logSink: new CountingLogSink(),
  };
  const db = values.db ? await openBenchDatabase(registerModels) : undefined;
  const dbTimes = { get: [] as number[], put: [] as number[], errors: new Map<string, number>() };
  if (db) {
    const repo = new MongoDailyMetricsRepository(db.conn);
    const timed = async <T>(bucket: number[], fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } catch (err) {
        const m = String((err as Error)?.message ?? err).replace(/^.*\] /, '').slice(0, 80);
        dbTimes.errors.set(m, (dbTimes.errors.get(m) ?? 0) + 1);
        throw err;
      } finally {
        bucket.push(performance.now() - t0);
      }
    };
    opts.dailyMetrics = {
      get: (a, d) => timed(dbTimes.get, () => repo.get(a, d)),
      put: (r) => timed(dbTimes.put, () => repo.put(r)),
      listRange: (a, f, t) => repo.listRange(a, f, t),
    };
  }
  const f = opts.faults;
  console.log(`# bench:ingest — ${machineFacts({ store: db ? `daily metrics on ${db.kind}, the rest in memory` : 'in-memory repositories (src/local/memory-store.ts)' })}`);
  console.log(
    `${opts.athletes} athletes × 4 providers (oura, whoop, intervals, polar), first sync of ${opts.days} days, ${opts.concurrency} athletes at a time, seed ${opts.seed}\n` +
      `faults on data GETs: ${f.error500 * 100} % 500 · ${f.timeout * 100} % no answer (client timeout ${opts.timeoutMs} ms) · ${f.malformed * 100} % truncated body · ` +
      `${f.burstStart * 100} % open a ${f.burstMs / 1000} s 429 window (Retry-After) — clients: 4 attempts, backoff 20–200 ms`,
  );
  try {
    const r = await runIngestBench(opts);
    for (const s of r.passes) {
      console.log(`\npass ${s.pass}${s.pass === 1 ? ' (ingestAll)' : ' (retry of what did not make it)'}: ${s.athletes} athletes in ${(s.wallMs / 1000).toFixed(1)} s → ok ${s.ok}, deferred ${s.deferred}, failed ${s.failed}; days written ${s.daysWritten}`);
      for (const p of PROVIDER_IDS) if (s.outcomes[p]) console.log(`  ${p.padEnd(9)} outcomes: ${fmt(s.outcomes[p]!)}${s.surfaced[p] ? ` · surfaced errors: ${fmt(s.surfaced[p]!)}` : ''}`);
    }
    console.log('\nper provider (whole run):');
    let inj = 0;
    for (const p of PROVIDER_IDS) {
      const x = r.perProvider[p]!;
      inj += x.injectedTotal;
      const surfaced = r.passes.reduce((a, s) => a + Object.values(s.surfaced[p] ?? {}).reduce((b, c) => b + c, 0), 0);
      console.log(
        `  ${p.padEnd(9)} ${x.requests} requests (${x.forwarded} reached the vendor), faults injected ${x.injectedTotal} (${fmt(x.injected)}; ${x.bursts} 429 windows), ` +
          `retried requests seen by the vendor ${x.repeats}, faults surfaced to the ingest ${surfaced}, days written ${x.daysWritten}`,
      );
    }
    const surfacedAll = r.passes.reduce((a, s) => a + Object.values(s.surfaced).reduce((b, o) => b + Object.values(o).reduce((c, d) => c + d, 0), 0), 0);
    console.log(
      `\nfaults injected ${inj}, surfaced to the ingest ${surfacedAll} (the rest absorbed by the clients' retries: ${r.httpSleeps} backoff/Retry-After waits, ${(r.httpSleepMs / 1000).toFixed(1)} s in total)`,
    );
    console.log(
      `athletes complete ${r.athletesOk}, postponed by a rate limit ${r.athletesDeferred}, failed ${r.athletesFailed} (after ${r.passes.length} pass${r.passes.length > 1 ? 'es' : ''}); days written ${r.daysWritten}; stored ${r.athleteDaysStored} athlete-days holding ${r.sourceDaysStored} source-days; ` +
        `needs-reauth events ${r.needsReauthEvents}`,
    );
    console.log(`crashes ${r.crashes} (must be 0), unexpected (INTERNAL) errors ${r.internalErrors}; wall ${(r.wallMs / 1000).toFixed(1)} s`);
    if (db)
      console.log(
        `database (${db.kind}): ${dbTimes.get.length} gets p50 ${percentile(dbTimes.get, 50).toFixed(1)} / p99 ${percentile(dbTimes.get, 99).toFixed(1)} ms, ` +
          `${dbTimes.put.length} puts p50 ${percentile(dbTimes.put, 50).toFixed(1)} / p99 ${percentile(dbTimes.put, 99).toFixed(1)} ms; errors: ${[...dbTimes.errors].map(([m, n]) => `${n} × ${m}`).join('; ') || 'none'}`,
      );
    const warnings = opts.logSink!.summary('error');
    console.log(`logged errors: ${warnings.length === 0 ? 'none' : ''}`);
    for (const w of warnings.slice(0, 8)) console.log(`  ${w}`);
    if (r.crashes > 0 || r.internalErrors > 0) process.exitCode = 1;
  } finally {
    await db?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
