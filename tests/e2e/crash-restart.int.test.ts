/**
 * Exactly once under crashes and concurrency, with real processes: morning-instance.ts runs the morning
 * job against the test database and the loopback Discord (athlete DMs) and Slack (team channel) fakes.
 *
 * - crash: the first instance is killed (SIGKILL, no clean-up) in the middle of the morning run, a new
 *   one is started; the fakes must have every message exactly once — none missed, none twice;
 * - two instances: two processes start the same morning at the same time on the same database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { coachWithTeam, TEST_KEY, useCore, type CoreHarness } from '../src/core/support/harness.ts';

const SCRIPT = path.resolve(import.meta.dirname, 'support/morning-instance.ts');
const ATHLETES = 8;

const h: CoreHarness = useCore('2026-06-01T04:00:00Z');

interface Instance {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exit: Promise<number | null>;
}

function startInstance(args: Record<string, unknown>, onLine?: (l: Record<string, unknown>, i: Instance) => void): Instance {
  // node itself with the tsx loader (not the tsx CLI, which runs the script in a grandchild a kill would miss)
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const inst: Instance = {
    child,
    lines: [],
    exit: new Promise((r) =>
      child.on('exit', (code) => {
        if (code !== 0 && code !== null) process.stderr.write(`instance ${String(args.label)} exited ${code}; last lines:\n${inst.lines.slice(-15).map((l) => JSON.stringify(l)).join('\n')}\n`);
        r(code);
      }),
    ),
  };
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const l = JSON.parse(line) as Record<string, unknown>;
        inst.lines.push(l);
        onLine?.(l, inst);
      } catch {
        /* not ours */
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  return inst;
}

/** A team bound to a Slack channel with ATHLETES Discord athletes (DMs), morning 06:30 London. */
async function squad(channel: string): Promise<string[]> {
  const { teamId } = await coachWithTeam(h, `Coach ${channel}`);
  const team = (await h.deps.teams.get(teamId))!;
  // rebind the team to the Slack channel (the harness binds a Discord one)
  await h.deps.teams.replace({ ...team, bindings: [{ platform: 'slack', workspaceId: 'T1', channelId: channel }] });
  const ids: string[] = [];
  for (let i = 0; i < ATHLETES; i++) {
    // Discord user ids are snowflakes
    const platformUserId = `${BigInt(1_200_000_000_000_000_000n) + BigInt(Math.floor(Math.random() * 1e15))}`;
    const { actor } = await h.core.registerAthlete({ platform: 'discord', platformUserId, displayName: `${channel} athlete ${i}`, timezone: 'Europe/London', sport: 'running', level: 'trained', consentVersion: '2026-11' });
    await h.core.joinTeam(actor, teamId);
    ids.push(actor.personId);
  }
  return ids;
}

describe('exactly once under crashes and concurrency', () => {
  let discord: FakeDiscordApi;
  let slack: FakeSlackApi;
  const base = () => ({ mongoUri: h.db.uri, dbName: h.db.dbName, discordApi: discord.apiUrl, slackApi: slack.apiUrl, discordToken: discord.token, slackToken: slack.token, leaseTtlMs: 20_000, key: TEST_KEY });

  beforeAll(async () => {
    discord = await new FakeDiscordApi({ routeLimit: 50, globalLimitPerSecond: 200 }).start();
    slack = await new FakeSlackApi({ channels: ['C_CRASH', 'C_TWO'], perChannelPerSecond: 1, burst: 1 }).start();
  });
  afterAll(async () => {
    await discord?.stop();
    await slack?.stop();
  });

  const dmsOf = (ids: string[]) => ids.map((id) => discord.messagesIn(discord.dmChannelOf(id) ?? 'none').length);

  it('when an instance is killed mid-morning and a new one starts then every message arrives exactly once', async () => {
    // athletes of this test live in their own team and channel; identities are Discord user ids
    const ids = await squad('C_CRASH');
    const userIds = await Promise.all(ids.map(async (id) => (await h.deps.identities.listForPerson(id))[0]!.userId));

    let killedAfter = -1;
    const first = startInstance({ ...base(), start: '2026-06-01T08:00:00Z', label: 'first' }, (l, i) => {
      const delivered = i.lines.filter((x) => x.event === 'delivery').length;
      if (delivered >= 5 && killedAfter < 0) {
        killedAfter = delivered;
        i.child.kill('SIGKILL');
      }
    });
    const firstCode = await first.exit;
    expect(killedAfter).toBeGreaterThanOrEqual(5);
    expect(firstCode).toBeNull(); // killed, not finished
    const missingAfterCrash = ATHLETES * 2 - (dmsOf(userIds).reduce((a, b) => a + b, 0) + slack.messagesIn('C_CRASH').length);
    expect(missingAfterCrash).toBeGreaterThan(0); // the crash really left work undone

    const second = startInstance({ ...base(), start: '2026-06-01T08:00:00Z', label: 'second' });
    expect(await second.exit).toBe(0);
    // the crash left deliveries mid-flight: their leases were held by the dead process until they expired
    expect(second.lines.some((l) => l.event === 'delivery' && l.status === 'in_progress')).toBe(true);

    expect(dmsOf(userIds)).toEqual(userIds.map(() => 1));
    const lines = slack.messagesIn('C_CRASH');
    expect(lines).toHaveLength(ATHLETES);
    expect(new Set(lines.map((m) => m.metadata?.event_payload.key)).size).toBe(ATHLETES);
    expect(slack.counters.duplicates).toBe(0);
  }, 240_000);

  it('when two instances run the same morning at once then each message is delivered once', async () => {
    const ids = await squad('C_TWO');
    const userIds = await Promise.all(ids.map(async (id) => (await h.deps.identities.listForPerson(id))[0]!.userId));
    // only the new squad is due: the first squad's prescriptions for this date are complete already
    const a = startInstance({ ...base(), start: '2026-06-01T08:00:00Z', label: 'a' });
    const b = startInstance({ ...base(), start: '2026-06-01T08:00:00Z', label: 'b' });
    expect(await a.exit).toBe(0);
    expect(await b.exit).toBe(0);
    expect(dmsOf(userIds)).toEqual(userIds.map(() => 1));
    const lines = slack.messagesIn('C_TWO');
    expect(lines).toHaveLength(ATHLETES);
    expect(new Set(lines.map((m) => m.metadata?.event_payload.key)).size).toBe(ATHLETES);
    const sentBy = [...a.lines, ...b.lines].filter((l) => l.event === 'delivery' && l.status === 'sent');
    expect(sentBy).toHaveLength(ATHLETES * 2); // every message was sent by one of them…
    expect(new Set(sentBy.map((l) => l.key)).size).toBe(ATHLETES * 2); // …and none by both
  }, 240_000);
});

