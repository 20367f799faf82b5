/**
 * npm run bench:workers [-- --workers 2 --athletes 500 --partitions 16 --team-size 25 --kill true]
 *
 * Several partitioned workers on one database (tests/e2e/support/morning-instance.ts with its `partitions`
 * argument, bench/morning-fleet.ts as bench:crash uses it): N athletes (Discord DM each; teams of
 * `team-size` athletes, one Slack channel per team), W worker processes started together, each taking its
 * share of the partitions and sending through the shared per-bot-token limits. With --kill, worker 1 is
 * SIGKILLed mid-morning (after half of its share of deliveries); its partitions must move to the others.
 *
 * The loopback fakes enforce the real limits — Discord 50 requests/s global per bot (429 global beyond),
 * Slack 1 post/s per channel (burst 2) — and count what arrived. Printed: duplicates and missed (both must
 * be 0), how many athletes were sent by exactly one worker, the combined Discord request rate (mean and
 * the busiest second) and the 429s each fake answered.
 *
 * Database: MONGODB_URI when set, else one embedded FerretDB (temp dir).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { FakeDiscordApi } from '../tests/fakes/discord-api.ts';
import { FakeSlackApi } from '../tests/fakes/slack-api.ts';
import { machineFacts } from './machine.ts';
import { seedMorning, startInstance, type Instance, openBenchDatabase } from './morning-fleet.ts';

const START = '2026-06-01T08:00:00Z';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    athletes: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '16' },
    'team-size': { type: 'string', default: '25' },
    'partition-lease-ms': { type: 'string', default: '3000' },
    'lease-ttl-ms': { type: 'string', default: '5000' },
    'deadline-ms': { type: 'string', default: '1800000' },
    concurrency: { type: 'string', default: '4' },
    kill: { type: 'string', default: 'true' },
  },
});
const W = Math.max(1, Math.min(16, Number(values.workers)));
const N = Math.max(1, Number(values.athletes));
const P = Math.max(1, Number(values.partitions));
const TEAM = Math.max(1, Number(values['team-size']));
const KILL = values.kill !== 'false' && W > 1;

const database = await openBenchDatabase('workers');
const uri = database.uri;
console.log(`# bench:workers — ${machineFacts({ db: database.kind })}`);
const channels = Array.from({ length: Math.ceil(N / TEAM) }, (_, t) => `C_W${t}`);
console.log(
  `workers ${W} · athletes ${N} (1 Discord DM + 1 Slack team line each, ${channels.length} channels of ≤ ${TEAM}) · partitions ${P} (lease ${values['partition-lease-ms']} ms) · ${KILL ? 'worker 1 SIGKILLed mid-morning' : 'no kill'}`,
);

let ok = false;
try {
  const dbName = `workers_${randomBytes(4).toString('hex')}`;
  const userIds = await seedMorning(uri, dbName, N, channels, 'wk');
  // the real limits: Discord 50/s global per bot, Slack 1/s per channel (burst 2)
  const discord = await new FakeDiscordApi({ routeLimit: 1_000_000, globalLimitPerSecond: 50 }).start();
  const slack = await new FakeSlackApi({ channels, perChannelPerSecond: 1, burst: 2 }).start();
  const base = {
    mongoUri: uri,
    dbName,
    discordApi: discord.apiUrl,
    slackApi: slack.apiUrl,
    discordToken: discord.token,
    slackToken: slack.token,
    leaseTtlMs: Number(values['lease-ttl-ms']),
    key: Buffer.alloc(32, 3).toString('base64'),
    start: START,
    deadlineMs: Number(values['deadline-ms']),
    concurrency: Number(values.concurrency),
    slackIntervalMs: 1_100,
    partitions: P,
    partitionLeaseMs: Number(values['partition-lease-ms']),
  };
  const started = performance.now();
  const perSecond: number[] = [];
  let last = 0;
  const sampler = setInterval(() => {
    perSecond.push(discord.counters.received - last);
    last = discord.counters.received;
  }, 1_000);
  const killAfter = Math.max(1, Math.floor((2 * N) / W / 2));
  let killedAt: number | undefined;
  const instances: Instance[] = [];
  for (let w = 1; w <= W; w++)
    instances.push(
      startInstance({ ...base, label: `w${w}` }, (i) => {
        if (KILL && w === 1 && killedAt === undefined && i.deliveries >= killAfter) {
          killedAt = performance.now() - started;
          i.child.kill('SIGKILL');
        }
      }),
    );
  const codes = await Promise.all(instances.map((i) => i.exit));
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;

  const dms = userIds.map((u) => discord.messagesIn(discord.dmChannelOf(u) ?? 'none').length);
  const perKey = new Map<string, number>();
  for (const c of channels)
    for (const m of slack.messagesIn(c)) {
      const k = String(m.metadata?.event_payload.key ?? '?');
      perKey.set(k, (perKey.get(k) ?? 0) + 1);
    }
  const duplicateDms = dms.reduce((a, n) => a + Math.max(0, n - 1), 0);
  const duplicateLines = [...perKey.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
  const duplicates = duplicateDms + duplicateLines;
  const missed = dms.filter((n) => n === 0).length + Math.max(0, N - perKey.size);
  // which workers reported sending each athlete's messages (delivery key `<athlete>:<date>:<channel>`)
  const workersOf = new Map<string, Set<string>>();
  instances.forEach((inst, k) => {
    for (const key of inst.sent) {
      const athlete = key.split(':')[0]!;
      const set = workersOf.get(athlete) ?? new Set<string>();
      set.add(`w${k + 1}`);
      workersOf.set(athlete, set);
    }
  });
  const byOne = [...workersOf.values()].filter((s) => s.size === 1).length;
  const byTwo = [...workersOf.values()].filter((s) => s.size > 1).length;
  const unreported = N - workersOf.size;
  const share = instances.map((inst, k) => `w${k + 1} ${inst.sent.length} sent${codes[k] === null ? ' (killed)' : codes[k] === 0 ? '' : ` (exit ${codes[k]})`}`).join(', ');
  const busiest = Math.max(0, ...perSecond);
  console.log(`deliveries: ${share}${killedAt !== undefined ? ` · w1 killed at ${(killedAt / 1000).toFixed(1)} s` : ''}`);
  console.log(
    `athletes sent by exactly one worker: ${byOne}/${N} · split between two (in flight when their partition moved: the kill, or the start-up rebalance): ${byTwo} · sends not reported (killed before its report line): ${unreported}`,
  );
  console.log(
    `Discord: ${discord.counters.received} requests in ${seconds.toFixed(1)} s = ${(discord.counters.received / seconds).toFixed(1)}/s mean, busiest second ${busiest} (limit 50) · 429 global ${discord.counters.globalRateLimited} · Slack: ${slack.counters.received} requests, 429 ${slack.counters.rateLimited}`,
  );
  console.log(`DMs ${dms.reduce((a, b) => a + b, 0)}/${N}, team lines ${perKey.size}/${N} · duplicates ${duplicates} (DMs ${duplicateDms}, team lines ${duplicateLines}; Discord nonce-deduplicated ${discord.counters.deduplicated}) · missed ${missed} (both must be 0) · ${seconds.toFixed(1)} s, ${(N / seconds).toFixed(1)} athletes/s`);
  ok = duplicates === 0 && missed === 0 && codes.every((c, k) => c === 0 || (KILL && k === 0 && c === null));
  await discord.stop();
  await slack.stop();
} finally {
  await database.close();
}
process.exit(ok ? 0 : 1);
