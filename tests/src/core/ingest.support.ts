/**
 * The ingest world for integration tests: the core on the embedded database (harness.ts), the four loopback
 * vendor fakes, the real clients built by buildProviders with their base URLs pointed at the fakes, the
 * token-managed sources over the MongoDB ConnectionStore, and a recording logger.
 */
import { afterAll, beforeAll } from 'vitest';
import type { IngestOptions, IngestService } from '../../../src/core/ingest.use-case.ts';
import { createIngestService } from '../../../src/core/ingest.use-case.ts';
import type { ProviderId } from '../../../src/core/metrics.ts';
import type { TokenSet } from '../../../src/core/types.ts';
import { MongoConnectionStore } from '../../../src/db/provider-connection.repository.ts';
import { buildProviders, createWearableSources, type ProviderConfig, type ProviderRegistry } from '../../../src/wearables/registry.ts';
import { INTERVALS_ATHLETE, INTERVALS_CLIENT, IntervalsFake } from '../../fakes/intervals.ts';
import { OURA_CLIENT, OuraFake } from '../../fakes/oura.ts';
import { POLAR_CLIENT, PolarFake } from '../../fakes/polar.ts';
import { WHOOP_CLIENT, WhoopFake } from '../../fakes/whoop.ts';
import { useCore, type CoreHarness } from './support/harness.ts';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg?: string;
}

export class RecordingLogger {
  entries: LogEntry[] = [];
  info(obj: object, msg?: string) {
    this.entries.push({ level: 'info', obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) });
  }
  warn(obj: object, msg?: string) {
    this.entries.push({ level: 'warn', obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) });
  }
  error(obj: object, msg?: string) {
    this.entries.push({ level: 'error', obj: obj as Record<string, unknown>, ...(msg ? { msg } : {}) });
  }
  debug() {}
  child() {
    return this;
  }
}

/** Transport knobs: backoff sleeps are skipped, timeouts short, 429 waits above 1 s fail fast. */
export const TEST_HTTP = {
  sleep: async () => {},
  random: () => 0.5,
  timeoutMs: 1_500,
  maxAttempts: 2,
  maxRateLimitWaitMs: 1_000,
};

export interface IngestWorld {
  readonly h: CoreHarness;
  readonly oura: OuraFake;
  readonly whoop: WhoopFake;
  readonly intervals: IntervalsFake;
  readonly polar: PolarFake;
  readonly registry: ProviderRegistry;
  readonly store: MongoConnectionStore;
  readonly config: ProviderConfig;
  /** A fresh ingest service (its own token manager, like another process) with recorded sleeps. */
  service(options?: Partial<IngestOptions>): { ingest: IngestService; log: RecordingLogger; sleeps: number[] };
  /** Register an athlete (Europe/London unless told) and store a connection for each provider given. */
  athleteWith(name: string, connections: Partial<Record<ProviderId, TokenSet>>, timezone?: string): Promise<string>;
  /** Valid tokens as if the athlete had connected each vendor. */
  ouraTokens(): TokenSet;
  whoopTokens(): TokenSet;
  polarTokens(): TokenSet;
  intervalsKey(): TokenSet;
}

export function useIngestWorld(start = '2026-11-22T07:00:00Z'): IngestWorld {
  const h = useCore(start);
  let oura: OuraFake, whoop: WhoopFake, intervals: IntervalsFake, polar: PolarFake;
  let registry: ProviderRegistry;
  let store: MongoConnectionStore;
  let config: ProviderConfig;

  beforeAll(async () => {
    [oura, whoop, intervals, polar] = await Promise.all([OuraFake.start(), WhoopFake.start(), IntervalsFake.start(), PolarFake.start()]);
    config = {
      OURA_CLIENT_ID: OURA_CLIENT.clientId,
      OURA_CLIENT_SECRET: OURA_CLIENT.clientSecret,
      OURA_API_BASE_URL: oura.baseUrl,
      WHOOP_CLIENT_ID: WHOOP_CLIENT.clientId,
      WHOOP_CLIENT_SECRET: WHOOP_CLIENT.clientSecret,
      WHOOP_API_BASE_URL: whoop.baseUrl,
      INTERVALS_CLIENT_ID: INTERVALS_CLIENT.clientId,
      INTERVALS_CLIENT_SECRET: INTERVALS_CLIENT.clientSecret,
      INTERVALS_API_BASE_URL: intervals.baseUrl,
      POLAR_CLIENT_ID: POLAR_CLIENT.clientId,
      POLAR_CLIENT_SECRET: POLAR_CLIENT.clientSecret,
      POLAR_API_BASE_URL: polar.baseUrl,
    };
    registry = buildProviders(config, { http: TEST_HTTP });
    store = new MongoConnectionStore(h.db.connection, h.cipher, h.deps.mutex);
  });
  afterAll(async () => {
    await Promise.all([oura?.close(), whoop?.close(), intervals?.close(), polar?.close()]);
  });

  const bearerOf = (m: { access_token: string; refresh_token?: string; expires_in?: number }): TokenSet => {
    const t: TokenSet = { accessToken: m.access_token, kind: 'bearer' };
    if (m.refresh_token) t.refreshToken = m.refresh_token;
    return t;
  };

  let n = 0;
  return {
    h,
    get oura() {
      return oura;
    },
    get whoop() {
      return whoop;
    },
    get intervals() {
      return intervals;
    },
    get polar() {
      return polar;
    },
    get registry() {
      return registry;
    },
    get store() {
      return store;
    },
    get config() {
      return config;
    },
    service(options = {}) {
      const log = new RecordingLogger();
      const sleeps: number[] = [];
      const { sources } = createWearableSources(registry, store, { sleep: async () => {} });
      const ingest = createIngestService({
        ...h.deps,
        logger: log,
        sources,
        ingestOptions: options,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      });
      return { ingest, log, sleeps };
    },
    async athleteWith(name, connections, timezone = 'Europe/London') {
      const { actor } = await h.core.registerAthlete({
        platform: 'discord',
        platformUserId: `ingest-${++n}-${Math.random().toString(36).slice(2, 8)}`,
        displayName: name,
        timezone,
        sport: 'running',
        level: 'trained',
        consentVersion: '2026-11',
      });
      for (const [provider, tokens] of Object.entries(connections) as [ProviderId, TokenSet][]) {
        await h.core.connectProvider(actor.personId, provider, tokens, []);
      }
      return actor.personId;
    },
    ouraTokens: () => bearerOf(oura.auth.mint()),
    whoopTokens: () => bearerOf(whoop.auth.mint()),
    polarTokens: () => ({ accessToken: polar.connect(), kind: 'bearer' as const }),
    intervalsKey: () => ({ accessToken: 'k3y-0123456789abcdef', kind: 'api_key' as const, externalUserId: INTERVALS_ATHLETE }),
  };
}
