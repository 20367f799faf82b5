/**
 * Shared by bench:crash and bench:workers: seeding a morning's athletes in bulk and running
 * tests/e2e/support/morning-instance.ts as child processes that can be killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { connectDatabase, ensureIndexes } from '../src/db/connection.ts';
import { registerModels } from '../src/db/index.ts';

export const INSTANCE_SCRIPT = path.resolve(import.meta.dirname, '../tests/e2e/support/morning-instance.ts');

export interface Instance {
  child: ChildProcess;
  deliveries: number;
  statuses: Record<string, number>;
  /** Delivery keys this instance reported as sent. */
  sent: string[];
  exit: Promise<number | null>;
}

export function startInstance(args: Record<string, unknown>, onDelivery?: (i: Instance) => void): Instance {
  // node with the tsx loader (not the tsx CLI, whose grandchild a kill would miss) — as the e2e test does
  const child = spawn(process.execPath, ['--import', 'tsx', INSTANCE_SCRIPT, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const inst: Instance = { child, deliveries: 0, statuses: {}, sent: [], exit: new Promise((r) => child.on('exit', (code) => r(code))) };
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const l = JSON.parse(line) as { event?: string; status?: string; key?: string };
        if (l.event === 'delivery') {
          inst.deliveries += 1;
          inst.statuses[l.status ?? '?'] = (inst.statuses[l.status ?? '?'] ?? 0) + 1;
          if (l.status === 'sent' && l.key) inst.sent.push(l.key);
          onDelivery?.(inst);
        } else if (l.event === 'timeout') process.stderr.write(`${line.slice(0, 600)}\n`);
      } catch {
        /* not ours */
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  return inst;
}

/**
 * N athletes (Europe/London, 06:30) with Discord identities, in teams of `teamSize` each bound to a Slack
 * channel of `channels` (one team when channels has one entry). Bulk inserts. Returns the Discord user ids.
 */
export async function seedMorning(uri: string, dbName: string, n: number, channels: readonly string[], prefix = 'crash'): Promise<string[]> {
  const conn = await connectDatabase({ uri, dbName, attempts: 3 });
  registerModels(conn);
  await ensureIndexes(conn);
  const now = new Date('2026-05-01T00:00:00Z');
  const ids = Array.from({ length: n }, (_, k) => `${prefix}-${String(k).padStart(5, '0')}`);
  const userIds = ids.map((_, k) => String(1_200_000_000_000_000_000n + BigInt(k) * 7919n));
  const teamOf = (k: number) => k % channels.length;
  const put = async (model: string, docs: Record<string, unknown>[]) => {
    for (let i = 0; i < docs.length; i += 2000) await conn.model(model).insertMany(docs.slice(i, i + 2000), { ordered: false, lean: true });
  };
  await put('Person', ids.map((id, k) => ({ _id: id, displayName: `Athlete ${k}`, timezone: 'Europe/London', dmsEnabled: true, createdAt: now, updatedAt: now })));
  await put('Athlete', ids.map((id) => ({ _id: id, sport: 'running', level: 'trained', morningTime: '06:30', status: 'active', consent: { givenAt: now, version: '2026-11' }, simulated: false, createdAt: now, updatedAt: now })));
  await put('Identity', ids.map((id, k) => ({ _id: `discord:${userIds[k]}`, platform: 'discord', userId: userIds[k], personId: id, linkedAt: now })));
  await put(
    'Team',
    channels.map((channelId, t) => ({ _id: `team-${prefix}-${t}`, name: `Squad ${t}`, bindings: [{ platform: 'slack', workspaceId: 'T1', channelId }], settings: { approvalMode: false, units: 'metric', defaultMorningTime: '06:30' }, createdAt: now, updatedAt: now })),
  );
  await put('Membership', ids.map((id, k) => ({ _id: `team-${prefix}-${teamOf(k)}:${id}`, teamId: `team-${prefix}-${teamOf(k)}`, personId: id, roles: ['athlete'], joinedAt: now })));
  await conn.close();
  return userIds;
}

/** The benches' database: MONGODB_URI when set, else a throw-away embedded FerretDB (close() removes it). */
export async function openBenchDatabase(prefix: string): Promise<{ uri: string; kind: string; close: () => Promise<void> }> {
  const external = process.env.MONGODB_URI;
  if (external) return { uri: external, kind: 'MONGODB_URI', close: async () => undefined };
  const { mkdtempSync, rmSync } = await import('node:fs');
  const os = await import('node:os');
  const { startEmbeddedDatabase } = await import('../src/db/ferretdb.ts');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `twincoach-${prefix}-db-`));
  const db = await startEmbeddedDatabase({ dataDir, cacheDir: path.resolve('.cache') });
  return {
    uri: db.uri,
    kind: 'embedded FerretDB v1.24 (SQLite)',
    close: async () => {
      await db.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
