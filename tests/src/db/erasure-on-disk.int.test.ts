/**
 * Issue 16, finding 4: after /privacy delete, the embedded database's files must not hold the athlete any
 * more — not in the tables, not in freed pages, not in old page copies in the write-ahead log — and the
 * data directory must be readable by the service's user only.
 *
 * Starts an embedded FerretDB of its own (its own data directory, so the raw files can be read), wired
 * like the composition root: the personal-data store's afterErase is the database's WAL checkpoint.
 * Only on the embedded database (a real MongoDB's storage is the operator's).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenCipher } from '../../../src/core/crypto.ts';
import { createUseCases, type UseCases } from '../../../src/core/index.ts';
import { connectDatabase, ensureIndexes, type Connection } from '../../../src/db/connection.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../../src/db/ferretdb.ts';
import { createRepositories, registerModels } from '../../../src/db/index.ts';
import { mergeSourceDays } from '../../../src/wearables/merge.ts';
import { FakeEngine } from '../core/support/fake-engine.ts';
import { datesBefore, FakeTwin, ouraDays, RecordingNotifier, TEST_KEY, TestClock } from '../core/support/harness.ts';

const embeddedRun = !process.env.MONGODB_URI;
const TODAY = '2026-11-22';

/** Every file under dir (recursively) with its bytes. */
function files(dir: string): { path: string; bytes: Buffer; mode: number }[] {
  const out: { path: string; bytes: Buffer; mode: number }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p));
    else if (e.isFile()) out.push({ path: p, bytes: readFileSync(p), mode: statSync(p).mode & 0o777 });
  }
  return out;
}

/** Which needles occur in which files (UTF-8 bytes, as `grep -a` would find them). */
function grep(dir: string, needles: string[]): string[] {
  const hits: string[] = [];
  for (const f of files(dir)) for (const n of needles) if (f.bytes.includes(Buffer.from(n, 'utf8'))) hits.push(`${path.basename(f.path)}: ${n}`);
  return hits;
}

describe.runIf(embeddedRun)('erasure reaches the disk (embedded FerretDB)', () => {
  let dataDir: string;
  let db: EmbeddedDatabase;
  let conn: Connection;
  let core: UseCases;
  const tag = randomBytes(4).toString('hex');
  const secret = {
    name: `Quentin Erasable${tag}`,
    discordId: `erasable-discord-${tag}`,
    override: `override text ${tag} — knee pain`,
    notes: `feedback notes ${tag}`,
  };
  let athleteId = '';
  const checkpoints: { files: number; busy: number }[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-erasure-'));
    db = await startEmbeddedDatabase({ dataDir, cacheDir: path.resolve('.cache') });
    conn = await connectDatabase({ uri: db.uri, dbName: 'erasure', attempts: 3 });
    registerModels(conn);
    await ensureIndexes(conn);
    const repos = createRepositories(conn, { cipher: new TokenCipher({ current: TEST_KEY }), afterErase: async () => void checkpoints.push(await db.checkpoint()) });
    core = createUseCases({ ...repos, clock: new TestClock(`${TODAY}T07:00:00Z`), newId: randomUUID, engine: new FakeEngine(), twin: new FakeTwin(), notifier: new RecordingNotifier(), mergeDays: mergeSourceDays });
  }, 120_000);

  afterAll(async () => {
    await conn?.close();
    await db?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('when an athlete deletes their data then no file under the data directory holds their id, name, chat id, override text or notes', async () => {
    const { actor: coach } = await core.registerPerson({ platform: 'discord', platformUserId: `coach-${tag}`, displayName: 'Disk Coach', timezone: 'Europe/London' });
    const team = await core.createTeam(coach, { name: 'Disk squad', binding: { platform: 'discord', workspaceId: `g-${tag}`, channelId: `c-${tag}` } });
    const { actor } = await core.registerAthlete({ platform: 'discord', platformUserId: secret.discordId, displayName: secret.name, timezone: 'Europe/London', sport: 'running', level: 'trained', consentVersion: '2026-11' });
    athleteId = actor.personId;
    await core.joinTeam(actor, team.id);
    await core.recordSourceDays(athleteId, ouraDays(datesBefore(TODAY, 5).concat(TODAY)));
    await core.recordFeedback(actor, { date: TODAY, rpe: 6, notes: secret.notes });
    await core.prescribeForDay(athleteId, TODAY);
    await core.applyOverride(coach, { athleteId, date: '2026-11-23', type: 'REST', reason: secret.override });
    // the test can fail: before the erasure the files do hold all of it
    expect(grep(dataDir, [athleteId, secret.name, secret.discordId, secret.override, secret.notes]).length).toBeGreaterThanOrEqual(5);

    await core.deleteMyData(actor, { confirm: true });
    expect(checkpoints).toEqual([{ files: expect.any(Number), busy: 0 }]);

    expect(grep(dataDir, [athleteId, secret.name, secret.discordId, secret.override, secret.notes])).toEqual([]);
    // the service keeps working on the same files, and the coach's own records are still there
    expect((await core.whoAmI(coach)).teams.map((t) => t.teamName)).toEqual(['Disk squad']);
    const wal = files(dataDir).filter((f) => f.path.endsWith('-wal'));
    expect(wal.length).toBeGreaterThan(0);
  }, 120_000);

  it('when the database has written its files then the data directory is 0700 and every file in it 0600', () => {
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const all = files(dataDir);
    expect(all.length).toBeGreaterThan(2);
    expect(all.filter((f) => f.mode !== 0o600).map((f) => `${path.basename(f.path)} ${f.mode.toString(8)}`)).toEqual([]);
  });

  it('when a checkpoint is asked for then every database file is checkpointed and none stays busy', async () => {
    const r = await db.checkpoint();
    expect(r.files).toBeGreaterThan(0);
    expect(r.busy).toBe(0);
  });
});
