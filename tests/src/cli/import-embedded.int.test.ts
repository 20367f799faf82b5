/**
 * `twincoach import` and `twincoach athletes` without MONGODB_URI open the database the service keeps in
 * DATA_DIR/ferretdb. The athlete is stored the way `npm start` stores it (an embedded FerretDB started on
 * DATA_DIR/ferretdb, spelled out here independently of the code under test); the command must find them.
 * Before, import opened DATA_DIR itself, created a second empty database and answered "no athlete".
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { athletesMain } from '../../../src/cli/athletes.ts';
import { importMain } from '../../../src/cli/import.ts';
import { connectDatabase, ensureIndexes } from '../../../src/db/connection.ts';
import { startEmbeddedDatabase } from '../../../src/db/ferretdb.ts';
import { createRepositories } from '../../../src/db/index.ts';
import { registerModels } from '../../../src/db/models.ts';
import { TokenCipher } from '../../../src/core/crypto.ts';
import { TEST_KEY } from '../core/support/harness.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-import-embedded-'));
const dataDir = path.join(dir, 'data');
const cacheDir = path.resolve('.cache');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function seedLikeTheService(): Promise<string> {
  const embedded = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'ferretdb'), cacheDir });
  const conn = await connectDatabase({ uri: embedded.uri, dbName: 'twincoach', attempts: 3 });
  try {
    registerModels(conn);
    await ensureIndexes(conn);
    const repos = createRepositories(conn, { cipher: new TokenCipher({ current: TEST_KEY }) });
    const id = randomUUID();
    const at = new Date('2026-11-20T10:00:00Z');
    await repos.persons.insert({ id, displayName: 'Alex', timezone: 'Europe/London', dmsEnabled: true, createdAt: at, updatedAt: at });
    await repos.identities.insert({ platform: 'console', userId: 'sim-alex', personId: id, linkedAt: at });
    await repos.athletes.insert({ id, sport: 'running', level: 'trained', morningTime: '06:30', status: 'active', consent: { givenAt: at, version: '2026-11' }, simulated: true, createdAt: at, updatedAt: at });
    return id;
  } finally {
    await conn.close();
    await embedded.stop();
  }
}

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => ((out.stdout += s), true) },
      stderr: { write: (s: string) => ((out.stderr += s), true) },
      env: { DATA_DIR: dataDir, CACHE_DIR: cacheDir },
    },
  };
}

describe('twincoach import on the service\'s embedded database', () => {
  it('when the service stored an athlete in DATA_DIR/ferretdb then import finds them by "sim-alex" and "Alex", and athletes lists them', async () => {
    const id = await seedLikeTheService();
    const csv = path.join(dir, 'days.csv');
    writeFileSync(csv, 'date,hrv_rmssd,resting_hr,sleep_hours\n2026-11-18,62,48,7.5\n2026-11-19,58,50,6.8\n');

    const byChatId = io();
    expect(await importMain([csv, '--athlete', 'sim-alex'], byChatId.io), byChatId.out.stderr).toBe(0);
    expect(byChatId.out.stdout).toContain(`Stored 2 days for Alex (${id}), time zone Europe/London.`);

    const byName = io();
    expect(await importMain([csv, '--athlete', 'Alex', '--dry-run'], byName.io), byName.out.stderr).toBe(0);

    const list = io();
    expect(await athletesMain([], list.io)).toBe(0);
    expect(list.out.stdout).toMatch(new RegExp(`^Alex +${id} +console:sim-alex +Europe/London · running · active · simulated\\n$`));
    expect(list.out.stderr).toContain(`1 athlete in the embedded database in ${path.join(dataDir, 'ferretdb')}`);
    // no second database next to the service's
    expect(readdirSync(dataDir)).toEqual(['ferretdb']);
  }, 120_000);
});
