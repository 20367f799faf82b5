/**
 * In-memory implementations of the core ports the ingest use case touches (athletes, provider connections,
 * daily metrics, mutex, notifier), for bench:ingest. Same contracts as the src/db repositories; every other
 * port throws if used, so the bench cannot silently depend on something it does not provide.
 *
 * Why not the embedded database: on FerretDB 1.24 (SQLite) only `{_id: <value>}` filters reach an index;
 * every other query reads the whole collection, and LeaseMutex does four such reads of `leases` per lock
 * (bench:deliver prints the measured cost). At 1,000 athletes × 4 providers that, not the vendors, would be
 * the benchmark. `--db` puts daily metrics (written by _id) on the database.
 */
import type { ProviderId } from '../../src/core/metrics.ts';
import type {
  AthleteRepository,
  ConnectionPatch,
  CoreDeps,
  CoreEvent,
  DailyMetricsRepository,
  Mutex,
  Notifier,
  ProviderConnectionRepository,
} from '../../src/core/ports.ts';
import type { Athlete, AthleteProfile, ConnectionStatus, DailyMetricsRecord, ProviderConnectionRecord, TokenSet } from '../../src/core/types.ts';

const clone = <T>(v: T): T => structuredClone(v);

export class MemoryAthletes implements Pick<AthleteRepository, 'get' | 'profiles' | 'listIds'> {
  readonly rows = new Map<string, AthleteProfile>();
  add(p: AthleteProfile): void {
    this.rows.set(p.id, clone(p));
  }
  async get(id: string): Promise<Athlete | null> {
    const p = this.rows.get(id);
    return p ? clone(p) : null;
  }
  async profiles(ids: readonly string[]): Promise<AthleteProfile[]> {
    return ids.flatMap((id) => (this.rows.has(id) ? [clone(this.rows.get(id)!)] : []));
  }
  async listIds(): Promise<string[]> {
    return [...this.rows.keys()];
  }
}

export class MemoryConnections implements ProviderConnectionRepository {
  readonly rows = new Map<string, ProviderConnectionRecord>();
  constructor(private readonly now: () => Date) {}
  private key(athleteId: string, provider: ProviderId): string {
    return `${provider}:${athleteId}`;
  }
  async get(athleteId: string, provider: ProviderId): Promise<ProviderConnectionRecord | null> {
    const r = this.rows.get(this.key(athleteId, provider));
    return r ? clone(r) : null;
  }
  async listForAthlete(athleteId: string): Promise<ProviderConnectionRecord[]> {
    return [...this.rows.values()].filter((r) => r.athleteId === athleteId).sort((a, b) => a.provider.localeCompare(b.provider)).map(clone);
  }
  async listByStatus(status: ConnectionStatus, provider?: ProviderId): Promise<ProviderConnectionRecord[]> {
    return [...this.rows.values()].filter((r) => r.status === status && (!provider || r.provider === provider)).map(clone);
  }
  async findByExternalUser(provider: ProviderId, externalUserId: string): Promise<ProviderConnectionRecord | null> {
    const r = [...this.rows.values()].find((x) => x.provider === provider && x.externalUserId === externalUserId);
    return r ? clone(r) : null;
  }
  async upsertTokens(athleteId: string, provider: ProviderId, tokens: TokenSet, scopes: string[] = []): Promise<ProviderConnectionRecord> {
    const prev = this.rows.get(this.key(athleteId, provider));
    const now = this.now();
    const r: ProviderConnectionRecord = {
      ...(prev ?? { athleteId, provider, createdAt: now }),
      tokens: clone(tokens),
      scopes: scopes.length ? scopes : (prev?.scopes ?? []),
      status: 'active',
      version: (prev?.version ?? 0) + 1,
      updatedAt: now,
    } as ProviderConnectionRecord;
    this.rows.set(this.key(athleteId, provider), r);
    return clone(r);
  }
  async patch(athleteId: string, provider: ProviderId, patch: ConnectionPatch): Promise<ProviderConnectionRecord | null> {
    const cur = this.rows.get(this.key(athleteId, provider));
    if (!cur) return null;
    const next: ProviderConnectionRecord = { ...cur, version: cur.version + 1, updatedAt: this.now() };
    for (const [k, v] of Object.entries(patch) as [keyof ConnectionPatch, unknown][]) {
      if (v === null) delete (next as unknown as Record<string, unknown>)[k];
      else if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = clone(v);
    }
    this.rows.set(this.key(athleteId, provider), next);
    return clone(next);
  }
}

export class MemoryDailyMetrics implements DailyMetricsRepository {
  readonly rows = new Map<string, DailyMetricsRecord>();
  puts = 0;
  async get(athleteId: string, date: string): Promise<DailyMetricsRecord | null> {
    const r = this.rows.get(`${athleteId}:${date}`);
    return r ? clone(r) : null;
  }
  async listRange(athleteIds: readonly string[], from: string, to: string): Promise<DailyMetricsRecord[]> {
    const ids = new Set(athleteIds);
    return [...this.rows.values()].filter((r) => ids.has(r.athleteId) && r.date >= from && r.date <= to).map(clone);
  }
  async put(record: DailyMetricsRecord): Promise<void> {
    this.puts += 1;
    this.rows.set(`${record.athleteId}:${record.date}`, clone(record));
  }
}

/** One process, so a promise chain per key is a faithful mutex. */
export class MemoryMutex implements Mutex {
  private readonly tails = new Map<string, Promise<unknown>>();
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}

export class CountingNotifier implements Notifier {
  readonly events: CoreEvent[] = [];
  async publish(e: CoreEvent): Promise<void> {
    this.events.push(e);
  }
}

/** CoreDeps whose unused ports throw on first use (named in the error). */
export function partialCoreDeps(provided: Partial<CoreDeps>): CoreDeps {
  return new Proxy(provided as CoreDeps, {
    get(target, prop, receiver) {
      if (prop in target) return Reflect.get(target, prop, receiver);
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'options' || prop === 'logger') return undefined;
      return new Proxy(
        {},
        {
          get(_t, method) {
            throw new Error(`bench: the ingest used deps.${String(prop)}.${String(method)}, which this bench does not provide`);
          },
        },
      );
    },
  });
}
