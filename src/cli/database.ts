/**
 * The service's database, opened by a command-line tool: MONGODB_URI, else the embedded FerretDB in the
 * very directory the service uses (embeddedDataDir(DATA_DIR) — one helper, so the two cannot drift apart
 * again: `twincoach import` once opened DATA_DIR itself and silently created a second, empty database).
 *
 * Returns the repositories (tokens are never read by the tools; a throw-away key keeps the repositories
 * happy when TOKEN_ENCRYPTION_KEY is unset) and a close() that also stops the embedded server.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import { TokenCipher } from '../core/crypto.ts';
import { connectDatabase, ensureIndexes, type Connection } from '../db/connection.ts';
import { embeddedDataDir, startEmbeddedDatabase } from '../db/ferretdb.ts';
import { createRepositories } from '../db/index.ts';
import { registerModels } from '../db/models.ts';
import type { Logger } from '../logger.ts';

export interface ServiceDatabase {
  conn: Connection;
  repos: ReturnType<typeof createRepositories>;
  /** Where the data is, for messages ("embedded database in data/ferretdb" or the safe URI). */
  where: string;
  close(): Promise<void>;
}

export async function openServiceDatabase(config: Config, logger?: Logger): Promise<ServiceDatabase> {
  let conn: Connection;
  let stopEmbedded = async () => undefined as unknown;
  let where: string;
  if (config.MONGODB_URI) {
    conn = await connectDatabase({ uri: config.MONGODB_URI, dbName: config.MONGODB_DB_NAME, attempts: 3 });
    where = `MONGODB_URI database "${config.MONGODB_DB_NAME}"`;
  } else {
    const dir = embeddedDataDir(config.dataDir);
    const embedded = await startEmbeddedDatabase({ dataDir: dir, cacheDir: config.cacheDir, ...(logger ? { logger } : {}) });
    stopEmbedded = () => embedded.stop();
    where = `the embedded database in ${dir}`;
    try {
      conn = await connectDatabase({ uri: embedded.uri, dbName: config.MONGODB_DB_NAME, attempts: 3 });
    } catch (e) {
      await embedded.stop();
      throw e;
    }
  }
  try {
    registerModels(conn);
    await ensureIndexes(conn);
  } catch (e) {
    await conn.close().catch(() => undefined);
    await stopEmbedded();
    throw e;
  }
  const cipher = new TokenCipher({ current: config.TOKEN_ENCRYPTION_KEY ?? randomBytes(32).toString('base64') });
  return {
    conn,
    repos: createRepositories(conn, { cipher }),
    where,
    close: async () => {
      await conn.close().catch(() => undefined);
      await stopEmbedded();
    },
  };
}
