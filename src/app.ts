/**
 * The composition root: builds every piece by hand from the config, in dependency order, and tears it
 * down in reverse. No module-level singletons read config at import time; everything is passed in.
 */
import path from 'node:path';
import { initTf, type TfRuntime } from '../agent/tf-backend.ts';
import { describeConfig, type Config } from './config.ts';
import { connectDatabase, ensureIndexes, pingDatabase, safeUri, type Connection } from './db/connection.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/ferretdb.ts';
import { createMetricsRegistry, startHttpServer, type RunningHttpServer } from './http/server.ts';
import type { Logger } from './logger.ts';
import { readVersion } from './version.ts';

export interface Service {
  config: Config;
  connection: Connection;
  http: RunningHttpServer;
  tf: TfRuntime;
  embedded?: EmbeddedDatabase;
  /** Stops everything in reverse order; safe to call more than once. */
  stop(reason?: string): Promise<void>;
}

export async function startService(config: Config, logger: Logger): Promise<Service> {
  const started = performance.now();
  const version = readVersion();
  const cleanups: { name: string; run: () => Promise<void> }[] = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c.run();
      } catch (err) {
        logger.error({ err, component: c.name }, 'error during shutdown');
      }
    }
    cleanups.length = 0;
  };

  try {
    logger.debug({ config: describeConfig(config) }, 'configuration');

    let embedded: EmbeddedDatabase | undefined;
    let uri = config.MONGODB_URI;
    if (!uri) {
      embedded = await startEmbeddedDatabase({
        dataDir: path.join(config.dataDir, 'ferretdb'),
        cacheDir: config.cacheDir,
        logger: logger.child({ component: 'ferretdb' }),
      });
      cleanups.push({ name: 'ferretdb', run: () => embedded!.stop() });
      uri = embedded.uri;
    }

    const connection = await connectDatabase({ uri, dbName: config.MONGODB_DB_NAME, logger });
    cleanups.push({ name: 'db', run: () => connection.close() });
    await ensureIndexes(connection, logger);

    const tf = await initTf(config.TF_BACKEND);
    logger.info({ component: 'tf', backend: tf.backend, notes: tf.notes }, `TF.js backend: ${tf.backend}`);

    const metrics = createMetricsRegistry();
    const startedAt = Date.now();
    const http = await startHttpServer({
      host: config.HTTP_HOST,
      port: config.HTTP_PORT,
      logger,
      metrics,
      health: async () => {
        const db = await pingDatabase(connection);
        return {
          status: db.ok ? 'ok' : 'degraded',
          version,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
          db: { ...db, embedded: embedded !== undefined },
          tfBackend: tf.backend,
          mode: config.localMode ? 'local' : 'connected',
        };
      },
    });
    cleanups.push({ name: 'http', run: () => http.close() });

    const dbWhere = embedded ? `embedded FerretDB at ${embedded.uri} (data in ${path.join(config.dataDir, 'ferretdb')})` : safeUri(uri);
    logger.info(
      { version, mode: config.localMode ? 'local' : 'connected', http: http.url, startupMs: Math.round(performance.now() - started) },
      `twincoach ${version} running in ${config.localMode ? 'local' : 'connected'} mode — HTTP ${http.url} (health: ${http.url}/healthz), database: ${dbWhere}, TF.js: ${tf.backend}`,
    );

    let stopping: Promise<void> | undefined;
    return {
      config,
      connection,
      http,
      tf,
      ...(embedded ? { embedded } : {}),
      stop: (reason?: string) =>
        (stopping ??= (async () => {
          logger.info({ reason }, 'shutting down');
          await stopAll();
          logger.info('stopped');
        })()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
