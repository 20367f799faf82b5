/**
 * mongoose connection lifecycle: connect with retry and exponential backoff, ensure every model's
 * indexes at start, close on shutdown. One Connection object is created by the composition root and
 * handed to the repositories — no global mongoose state, so tests can hold several databases at once.
 *
 * The code sticks to what both MongoDB and FerretDB support: no multi-document transactions; idempotency
 * comes from unique indexes, upserts and atomic findOneAndUpdate.
 */
import mongoose, { type Connection } from 'mongoose';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export type { Connection };

export interface ConnectOptions {
  uri: string;
  dbName: string;
  logger?: Logger;
  attempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  serverSelectionTimeoutMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Hide credentials in a MongoDB URI for messages and logs. */
export function safeUri(uri: string): string {
  return uri.replace(/(mongodb(?:\+srv)?:\/\/)([^@/]+)@/, '$1[credentials]@');
}

export async function connectDatabase(options: ConnectOptions): Promise<Connection> {
  const attempts = options.attempts ?? 8;
  const sleep = options.sleep ?? defaultSleep;
  let delay = options.initialDelayMs ?? 250;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const conn = mongoose.createConnection(options.uri, {
      dbName: options.dbName,
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 5_000,
      autoIndex: false, // indexes are ensured explicitly by ensureIndexes() at start
      autoCreate: true,
    });
    try {
      await conn.asPromise();
      options.logger?.info({ component: 'db', db: options.dbName, uri: safeUri(options.uri), attempt }, 'database connected');
      return conn;
    } catch (err) {
      lastError = err;
      await conn.close(true).catch(() => undefined);
      if (attempt === attempts) break;
      const jittered = Math.round(delay * (0.5 + Math.random()));
      options.logger?.warn(
        { component: 'db', attempt, attempts, retryInMs: jittered, err: (err as Error).message },
        'database not reachable yet, retrying',
      );
      await sleep(jittered);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 8_000);
    }
  }
  throw new AppError(
    'DB.UNREACHABLE',
    `Could not connect to the database at ${safeUri(options.uri)} after ${attempts} attempts: ${(lastError as Error)?.message ?? lastError}`,
    { cause: lastError },
  );
}

/** Create every registered model's collection and indexes (syncIndexes would drop unknown ones; we don't). */
export async function ensureIndexes(conn: Connection, logger?: Logger): Promise<void> {
  for (const name of conn.modelNames()) {
    const model = conn.model(name);
    await model.createCollection().catch((err: { code?: number }) => {
      if (err?.code !== 48) throw err; // 48 NamespaceExists
    });
    await model.createIndexes();
    logger?.debug({ component: 'db', model: name }, 'indexes ensured');
  }
}

/** Database status for /healthz. */
export async function pingDatabase(conn: Connection): Promise<{ ok: boolean; latencyMs?: number; error?: string }> {
  const started = performance.now();
  try {
    if (!conn.db) return { ok: false, error: 'not connected' };
    await conn.db.admin().command({ ping: 1 });
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
