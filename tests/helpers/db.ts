/**
 * A fresh database per test file on the shared test server. Call at the top level of a test file:
 *
 *   const db = useTestDatabase();
 *   it('…', async () => { const conn = db.connection; … });
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { connectDatabase, ensureIndexes, type Connection } from '../../src/db/connection.ts';

export interface TestDatabase {
  readonly connection: Connection;
  readonly uri: string;
  readonly dbName: string;
  /** Register models before this runs: ensures indexes for every model registered on the connection. */
  ensureIndexes(): Promise<void>;
}

export function useTestDatabase(options: { register?: (conn: Connection) => void } = {}): TestDatabase {
  const uri = inject('mongoUri');
  const dbName = `t_${randomBytes(6).toString('hex')}`;
  let connection: Connection | undefined;
  beforeAll(async () => {
    connection = await connectDatabase({ uri, dbName, attempts: 3 });
    options.register?.(connection);
    await ensureIndexes(connection);
  });
  afterAll(async () => {
    if (!connection) return;
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  });
  return {
    get connection() {
      if (!connection) throw new Error('useTestDatabase: connection is only available inside tests/hooks');
      return connection;
    },
    uri,
    dbName,
    ensureIndexes: () => ensureIndexes(connection!),
  };
}
