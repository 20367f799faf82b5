/**
 * npm run bench:crash [-- --trials 20 --athletes 1000 --lease-ttl-ms 5000 --slack-interval-ms 5 --seed 1]
 *
 * Crash trials with real processes, reusing the e2e harness (tests/e2e/support/morning-instance.ts, with
 * its deadline, concurrency and Slack spacing arguments): per trial, a fresh database with N athletes
 * (Discord DMs, one Slack team channel), a morning-delivery worker process is started and killed with
 * SIGKILL after a random number of deliveries (1 … 2N−1), then a new worker is started and runs until
 * every DM and team line is recorded as sent. The loopback Discord and Slack fakes (rate limits
 * effectively off) count what arrived: duplicates and missed must both be 0. Prints each trial and the total.
 *
 * Database: MONGODB_URI when set, else one embedded FerretDB (temp dir) with a fresh database per trial.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connectDatabase } from '../src/db/connection.ts';
import { FakeDiscordApi } from '../tests/fakes/discord-api.ts';
import { FakeSlackApi } from '../tests/fakes/slack-api.ts';
import { machineFacts } from './machine.ts';
import { seedMorning, startInstance, openBenchDatabase } from './morning-fleet.ts';

const START = '2026-06-01T08:00:00Z';
const CHANNEL = 'C_CRASH';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    athletes: { type: 'string', default: '1000' },
    'lease-ttl-ms': { type: 'string', default: '5000' },
    'deadline-ms': { type: 'string', default: '1800000' },
    concurrency: { type: 'string', default: '4' },
    /** The Slack sender's spacing of posts to one channel (Slack asks ~1/s; the fake here enforces nothing). */
    'slack-interval-ms': { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
  },
});
const TRIALS = Math.max(1, Math.min(100, Number(values.trials)));
const N = Math.max(1, Number(values.athletes));
const TTL = Number(values['lease-ttl-ms']);
let rnd = Number(values.seed) >>> 0 || 1;
const random = () => ((rnd = (Math.imul(rnd, 1664525) + 1013904223) >>> 0) / 2 ** 32);

const database = await openBenchDatabase('crash');
const uri = database.uri;
const kind = database.kind;
console.log(`# bench:crash — ${machineFacts({ db: kind })}`);
console.log(`trials ${TRIALS} · athletes ${N} (each: 1 Discord DM + 1 Slack team line) · SIGKILL after a random delivery · lease TTL ${TTL} ms · Slack spacing ${values['slack-interval-ms']} ms per channel · seed ${values.seed}`);

const totals = { duplicates: 0, missed: 0, ms: 0, trials: 0 };
try {
  for (let trial = 1; trial <= TRIALS; trial++) {
    const started = performance.now();
    const dbName = `crash_${randomBytes(4).toString('hex')}`;
    const userIds = await seedMorning(uri, dbName, N, [CHANNEL]);
    // limits effectively off: this bench is about exactly-once, bench:deliver is about pacing
    const discord = await new FakeDiscordApi({ routeLimit: 1_000_000, globalLimitPerSecond: 1_000_000 }).start();
    const slack = await new FakeSlackApi({ channels: [CHANNEL], perChannelPerSecond: 1_000_000, burst: 1_000_000 }).start();
    const base = { mongoUri: uri, dbName, discordApi: discord.apiUrl, slackApi: slack.apiUrl, discordToken: discord.token, slackToken: slack.token, leaseTtlMs: TTL, key: Buffer.alloc(32, 3).toString('base64'), start: START, deadlineMs: Number(values['deadline-ms']), concurrency: Number(values.concurrency), slackIntervalMs: Number(values['slack-interval-ms']) };
    const killAt = 1 + Math.floor(random() * (2 * N - 1));
    let killed = false;
    const first = startInstance({ ...base, label: `t${trial}-first` }, (i) => {
      if (!killed && i.deliveries >= killAt) {
        killed = true;
        i.child.kill('SIGKILL');
      }
    });
    const firstCode = await first.exit;
    const seenBeforeKill = discord.counters.received + slack.counters.received;
    const restartedAt = performance.now();
    const second = startInstance({ ...base, label: `t${trial}-second` });
    const secondCode = await second.exit;

    const dms = userIds.map((u) => discord.messagesIn(discord.dmChannelOf(u) ?? 'none').length);
    const lines = slack.messagesIn(CHANNEL);
    const perKey = new Map<string, number>();
    for (const m of lines) {
      const k = String(m.metadata?.event_payload.key ?? '?');
      perKey.set(k, (perKey.get(k) ?? 0) + 1);
    }
    const duplicates = dms.reduce((a, n) => a + Math.max(0, n - 1), 0) + [...perKey.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
    const missed = dms.filter((n) => n === 0).length + Math.max(0, N - perKey.size);
    const ms = performance.now() - started;
    totals.duplicates += duplicates;
    totals.missed += missed;
    totals.ms += ms;
    totals.trials += 1;
    const how = firstCode === null ? `killed after delivery ${killAt}/${2 * N} (platform had ${seenBeforeKill} requests)` : `NOT killed (exit ${firstCode}: finished before delivery ${killAt})`;
    console.log(
      `trial ${String(trial).padStart(2)}: ${how} · restart ${secondCode === 0 ? 'completed' : `FAILED (exit ${secondCode})`} in ${((performance.now() - restartedAt) / 1000).toFixed(1)} s (${second.statuses.in_progress ?? 0} in_progress, ${second.statuses.already_sent ?? 0} already_sent, ${second.statuses.sent ?? 0} sent) · DMs ${dms.reduce((a, b) => a + b, 0)}/${N}, team lines ${lines.length}/${N} · duplicates ${duplicates} · missed ${missed} · ${(ms / 1000).toFixed(1)} s`,
    );
    await discord.stop();
    await slack.stop();
    const conn = await connectDatabase({ uri, dbName, attempts: 3 });
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  }
  console.log(`total: ${totals.trials} trials · duplicates ${totals.duplicates} · missed ${totals.missed} (both must be 0) · ${(totals.ms / 1000).toFixed(1)} s, ${(totals.ms / 1000 / Math.max(1, totals.trials)).toFixed(1)} s per trial`);
} finally {
  await database.close();
}
process.exit(totals.duplicates === 0 && totals.missed === 0 ? 0 : 1);
