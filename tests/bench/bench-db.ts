/**
 * The database a benchmark runs on: MONGODB_URI when set (a fresh database, dropped at the end), otherwise
 * the embedded FerretDB started into a temporary directory (removed at the end). Models are registered by
 * the caller before `ensureIndexes`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase, ensureIndexes, type Connection } from '../../src/db/connection.ts';
import { startEmbeddedDatabase } from '../../src/db/ferretdb.ts';

export interface BenchDatabase {
  conn: Connection;
  /** "embedded FerretDB v1.24 (SQLite)" or "MONGODB_URI". */
  kind: string;
  /** Create collections and indexes of every model registered on `conn` so far. */
  ensureIndexes(): Promise<void>;
  close(): Promise<void>;
}

export async function openBenchDatabase(register?: (conn: Connection) => void): Promise<BenchDatabase> {
  const dbName = `bench_${randomBytes(4).toString('hex')}`;
  const external = process.env.MONGODB_URI;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let uri: string;
  let kind: string;
  let dataDir: string | undefined;
  if (external) {
    uri = external;
    kind = 'MONGODB_URI';
  } else {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-bench-db-'));
    const db = await startEmbeddedDatabase({ dataDir, cacheDir: path.resolve('.cache') });
    uri = db.uri;
    stopEmbedded = db.stop;
    kind = 'embedded FerretDB v1.24 (SQLite)';
  }
  const conn = await connectDatabase({ uri, dbName, attempts: 3 });
  register?.(conn);
  await ensureIndexes(conn);
  return {
    conn,
    kind,
    ensureIndexes: () => ensureIndexes(conn),
    async close() {
      await conn.dropDatabase().catch(() => undefined);
      await conn.close().catch(() => undefined);
      await stopEmbedded?.();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** p-th percentile (0–100) of unsorted numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Run fn over items with at most `concurrency` in flight. */
export async function pool<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/** A Writable-like pino destination that counts log lines per level and message (bench logs stay quiet). */
export class CountingLogSink {
  readonly counts = new Map<string, number>();
  readonly samples = new Map<string, string>();
  write(line: string): void {
    try {
      const o = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string; code?: string } };
      const level = o.level === undefined ? '?' : o.level >= 50 ? 'error' : o.level >= 40 ? 'warn' : 'info';
      const key = `${level}: ${o.msg ?? ''}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      if (!this.samples.has(key) && o.err) this.samples.set(key, `${o.err.code ?? ''} ${o.err.message ?? ''}`.trim());
    } catch {
      this.counts.set('unparsed', (this.counts.get('unparsed') ?? 0) + 1);
    }
  }
  summary(minLevel: 'warn' | 'error' = 'warn'): string[] {
    return [...this.counts.entries()]
      .filter(([k]) => k.startsWith('error') || (minLevel === 'warn' && k.startsWith('warn')))
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${n} × ${k}${this.samples.has(k) ? ` (${this.samples.get(k)!.slice(0, 120)})` : ''}`);
  }
}
