/**
 * npm run bench:deliver — 2,000 messages through the outbox and the real chat senders (discord.js REST,
 * Slack WebClient) against the loopback fakes, exactly once via leases.
 *
 * Leases (`--leases db|memory`): with MONGODB_URI the outbox uses LeaseRepository on that database; without it
 * the in-memory port (InMemoryDeliveryLeases, what local mode wires), because on the embedded FerretDB the
 * lease store itself is the bottleneck: `latest(key)` reads the whole `leases` collection (only `{_id}`
 * filters are indexed there), so every delivery costs time proportional to every delivery ever made. The
 * bench then measures that cost on the embedded database at growing collection sizes (`--lease-probe`).
 *
 * Workload (defaults):
 *   - Discord: 1,000 morning DMs (embed + 12 KB chart + buttons) to 1,000 users — each is POST
 *     /users/@me/channels (open the DM) + POST /channels/:dm/messages, so 2,000 requests under the 50/s
 *     global limit: ≥ 40 s. 1 % of users have DMs closed → the mention fallback in the team channel.
 *   - Slack: 1,000 one-line team summaries round-robin into N = 10 channels. At ~1 msg/s per channel
 *     the floor is 1,000 / N = 100 s; the sender paces 1.1 s per channel, so expect ≈ 1,000 / N × 1.1 s
 *     ≈ 110 s. (N = 20 would halve it; N = 10 keeps ~100 messages per channel, a real backlog.)
 *   Both platforms run at the same time, like the morning job.
 *
 * Exactly once is exercised, not assumed: every message is delivered by TWO outboxes at once (two owners,
 * as two service instances would), racing for the same lease; then a third outbox replays every key and
 * must send nothing. Duplicates are counted by the fakes (nonce / metadata key seen before) and by
 * grouping every message the fakes hold by its delivery key.
 *
 * Fake limits: Discord — global token bucket 50/s (+ X-RateLimit-Global 429s), per-route buckets of 5
 * requests per route + major parameter refilled every `--route-window` ms (default 100: Discord's
 * message bucket is 5 per 5 s per channel, which never binds here since each DM channel gets one message;
 * the fake has one setting for every route, and the DM-open route is one bucket for the whole bot —
 * 5 per 5 s there would make 1,000 opens take 1,000 s, and Discord doesn't publish that limit). Slack —
 * a token bucket per channel, 1/s, burst 1, 429 + Retry-After.
 *
 * Options: --discord 1000 --slack 1000 --channels 10 --discord-concurrency 16 --slack-concurrency 2×channels
 *          --route-window 100 --closed-dm-share 0.01
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { ChatMessage } from '../src/core/chat.ts';
import { DiscordSender } from '../src/chat/discord/sender.ts';
import { discordNonce } from '../src/chat/idempotency.ts';
import { InMemoryDeliveryLeases, InMemoryDeliveryStatus } from '../src/chat/memory.ts';
import { Outbox, type DeliveryOutcome } from '../src/chat/outbox.ts';
import type { DeliveryLeases, DeliveryTarget } from '../src/chat/ports.ts';
import { SlackSender } from '../src/chat/slack/sender.ts';
import { LeaseRepository, registerLeaseModel } from '../src/db/lease.repository.ts';
import type { Connection } from '../src/db/connection.ts';
import { createLogger, type Logger } from '../src/logger.ts';
import { FakeDiscordApi } from '../tests/fakes/discord-api.ts';
import { FakeSlackApi } from '../tests/fakes/slack-api.ts';
import { CountingLogSink, openBenchDatabase, percentile, pool } from '../tests/bench/bench-db.ts';
import { machineFacts } from './machine.ts';

export interface DeliverBenchOptions {
  discordMessages: number;
  slackMessages: number;
  slackChannels: number;
  discordConcurrency: number;
  slackConcurrency: number;
  /** Per-route bucket window of the Discord fake (5 requests per window). */
  routeWindowMs: number;
  closedDmShare: number;
  /** Where the leases live: LeaseRepository on `conn`, or the in-memory port (local mode). */
  leases: 'db' | 'memory';
  logger: Logger;
}

export const DEFAULT_DELIVER_OPTIONS = {
  discordMessages: 1_000,
  slackMessages: 1_000,
  slackChannels: 10,
  discordConcurrency: 16,
  routeWindowMs: 100,
  closedDmShare: 0.01,
};

interface Job {
  key: string;
  target: DeliveryTarget;
  message: ChatMessage;
}

export interface PlatformStats {
  platform: 'discord' | 'slack';
  messages: number;
  wallMs: number;
  /** Winner outcomes (the outbox that held the lease). */
  sent: number;
  fallback: number;
  failed: number;
  failedCodes: Record<string, number>;
  /** Loser outcomes of the racing outbox. */
  loserInProgress: number;
  loserAlreadySent: number;
  /** Both racers sent (one after the other released) — must be 0 for the racing pair to be exactly once. */
  bothSent: number;
  latencyMs: number[];
  /** From the fake. */
  requests: number;
  rateLimited: number;
  globalRateLimited?: number;
  fakeDuplicates: number;
  deduplicated?: number;
  /** Delivery keys with more than one message on the platform / with none. */
  keysWithSeveralMessages: number;
  keysWithNoMessage: number;
  /** Replay pass by a third outbox: outcomes other than already_sent, and platform requests it caused. */
  replayNotAlreadySent: number;
  replayRequests: number;
  /** The binding limit, for the rate comparison. */
  limit: string;
  achieved: string;
}

export interface DeliverBenchResult {
  discord: PlatformStats;
  slack: PlatformStats;
  wallMs: number;
  leaseDocs: number;
}

const DISCORD_TEAM = '2000000000000000001';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(12 * 1024, 7)]);

function morningDm(i: number): ChatMessage {
  const date = '2026-11-24';
  return {
    title: `Tuesday 24 Nov — ENDURANCE ${45 + (i % 4) * 15} min`,
    summary: `Athlete ${i}: your HRV is inside its normal range and fatigue has settled, so today is a steady aerobic session.`,
    sections: [
      { title: 'Why today', text: `• HRV 4.${20 + (i % 10)} (normal 4.12–4.32)\n• Form (TSB) −${i % 9}, fatigue falling for 3 days` },
      { title: 'Session', fields: [{ label: 'Duration', value: '60 min', inline: true }, { label: 'Intensity', value: 'Z2 · HR 130–145', inline: true }] },
    ],
    buttons: [
      { id: `feedback:done:${date}`, label: 'Done', style: 'success' },
      { id: `feedback:skipped:${date}`, label: 'Skipped', style: 'secondary' },
      { id: `why:${date}`, label: 'Why?', style: 'primary' },
    ],
    image: { png: PNG, filename: `athlete-${i}-${date}.png`, alt: 'Load, fitness and HRV over the last 6 weeks' },
    tone: 'green',
    footer: 'policy dqn@3 · reply /why for the full explanation',
  };
}

function teamLine(i: number): ChatMessage {
  return { title: `Athlete ${i} — ENDURANCE 60 min`, summary: `Athlete ${i}: HRV normal, TSB −${i % 9}; steady aerobic hour.`, tone: 'neutral' };
}

const isWinner = (o: DeliveryOutcome) => o.status === 'sent' || o.status === 'fallback' || o.status === 'failed';

/** `conn` is needed for `leases: 'db'` only. */
export async function runDeliverBench(conn: Connection | undefined, opts: DeliverBenchOptions): Promise<DeliverBenchResult> {
  const { logger } = opts;
  if (opts.leases === 'db' && !conn) throw new Error('runDeliverBench: leases "db" needs a database connection');
  if (conn) registerLeaseModel(conn);
  const discordUsers = Array.from({ length: opts.discordMessages }, (_, i) => String(400_000_000_000_000_000n + BigInt(i)));
  const closed = discordUsers.filter((_, i) => opts.closedDmShare > 0 && i % Math.round(1 / opts.closedDmShare) === 0);
  const slackChannels = Array.from({ length: opts.slackChannels }, (_, i) => `C0BENCH${String(i).padStart(3, '0')}`);

  const discord = await new FakeDiscordApi({ channels: [DISCORD_TEAM], closedDmUserIds: closed, globalLimitPerSecond: 50, routeLimit: 5, routeWindowMs: opts.routeWindowMs }).start();
  const slack = await new FakeSlackApi({ channels: slackChannels, users: [], perChannelPerSecond: 1, burst: 1 }).start();
  // Production settings (defaults), pointed at the fakes.
  const discordSender = new DiscordSender({ token: discord.token, apiBaseUrl: discord.apiUrl, teamChannelId: DISCORD_TEAM, logger });
  const slackSender = new SlackSender({ token: slack.token, apiUrl: slack.apiUrl, logger });
  const senders = [discordSender, slackSender];
  const leases: DeliveryLeases = opts.leases === 'db' ? new LeaseRepository(conn!) : new InMemoryDeliveryLeases();
  const outboxA = new Outbox({ leases, senders, logger, owner: 'bench-a', status: new InMemoryDeliveryStatus() });
  const outboxB = new Outbox({ leases, senders, logger, owner: 'bench-b', status: new InMemoryDeliveryStatus() });

  const runId = Date.now().toString(36);
  const discordJobs: Job[] = discordUsers.map((userId, i) => ({ key: `rx_${runId}_d${i}:discord-dm`, target: { platform: 'discord', kind: 'dm', userId }, message: morningDm(i) }));
  const slackJobs: Job[] = Array.from({ length: opts.slackMessages }, (_, i) => ({
    key: `rx_${runId}_s${i}:slack-team`,
    target: { platform: 'slack', kind: 'channel', channelId: slackChannels[i % slackChannels.length]! },
    message: teamLine(i),
  }));

  const empty = (platform: 'discord' | 'slack', messages: number): PlatformStats => ({
    platform, messages, wallMs: 0, sent: 0, fallback: 0, failed: 0, failedCodes: {}, loserInProgress: 0, loserAlreadySent: 0, bothSent: 0, latencyMs: [],
    requests: 0, rateLimited: 0, fakeDuplicates: 0, keysWithSeveralMessages: 0, keysWithNoMessage: 0, replayNotAlreadySent: 0, replayRequests: 0, limit: '', achieved: '',
  });
  const stats = { discord: empty('discord', discordJobs.length), slack: empty('slack', slackJobs.length) };

  const runPlatform = async (jobs: Job[], s: PlatformStats, concurrency: number) => {
    const started = performance.now();
    await pool(jobs, concurrency, async (job) => {
      const t0 = performance.now();
      let winnerMs = 0;
      const timed = (box: Outbox) =>
        box.deliver(job.key, job.target, job.message).then((o) => {
          if (isWinner(o)) winnerMs = performance.now() - t0;
          return o;
        });
      const [a, b] = await Promise.all([timed(outboxA), timed(outboxB)]);
      const winners = [a, b].filter(isWinner);
      if (winners.length > 1 && winners.every((o) => o.status !== 'failed')) s.bothSent += 1;
      for (const o of [a, b]) {
        if (o.status === 'sent') s.sent += 1;
        else if (o.status === 'fallback') s.fallback += 1;
        else if (o.status === 'failed') {
          s.failed += 1;
          s.failedCodes[o.error.code] = (s.failedCodes[o.error.code] ?? 0) + 1;
        } else if (o.status === 'in_progress') s.loserInProgress += 1;
        else if (o.status === 'already_sent') s.loserAlreadySent += 1;
      }
      if (winners.length > 0) s.latencyMs.push(winnerMs);
    });
    s.wallMs = performance.now() - started;
  };

  const started = performance.now();
  await Promise.all([
    runPlatform(discordJobs, stats.discord, opts.discordConcurrency),
    runPlatform(slackJobs, stats.slack, opts.slackConcurrency),
  ]);
  const wallMs = performance.now() - started;

  // Counters and exactly-once checks from what the fakes hold.
  const d = stats.discord;
  d.requests = discord.counters.received;
  d.rateLimited = discord.counters.rateLimited;
  d.globalRateLimited = discord.counters.globalRateLimited;
  d.fakeDuplicates = discord.counters.duplicates;
  d.deduplicated = discord.counters.deduplicated;
  const byNonce = new Map<string, number>();
  for (const m of discord.messages) if (m.nonce !== undefined) byNonce.set(String(m.nonce), (byNonce.get(String(m.nonce)) ?? 0) + 1);
  for (const j of discordJobs) {
    const n = (byNonce.get(discordNonce(j.key)) ?? 0) + (byNonce.get(discordNonce(`${j.key}:fallback`)) ?? 0);
    if (n > 1) d.keysWithSeveralMessages += 1;
    if (n === 0) d.keysWithNoMessage += 1;
  }
  const s = stats.slack;
  s.requests = slack.counters.received;
  s.rateLimited = slack.counters.rateLimited;
  s.fakeDuplicates = slack.counters.duplicates;
  const byKey = new Map<string, number>();
  for (const m of slack.messages) {
    const k = m.metadata?.event_payload?.key;
    if (typeof k === 'string') byKey.set(k, (byKey.get(k) ?? 0) + 1);
  }
  for (const j of slackJobs) {
    const n = byKey.get(j.key) ?? 0;
    if (n > 1) s.keysWithSeveralMessages += 1;
    if (n === 0) s.keysWithNoMessage += 1;
  }

  // Replay: a third outbox (another instance, later) delivers every key again → nothing may be sent.
  const outboxC = new Outbox({ leases, senders, logger, owner: 'bench-replay' });
  const before = { discord: discord.counters.received, slack: slack.counters.received };
  await pool([...discordJobs, ...slackJobs], 32, async (job) => {
    const o = await outboxC.deliver(job.key, job.target, job.message);
    if (o.status !== 'already_sent') (job.target.platform === 'discord' ? d : s).replayNotAlreadySent += 1;
  });
  d.replayRequests = discord.counters.received - before.discord;
  s.replayRequests = slack.counters.received - before.slack;

  // Rates against the binding limits.
  const accepted = d.requests - d.rateLimited;
  d.limit = '50 requests/s global (a DM = open + post → ≤ 25 DMs/s)';
  d.achieved = `${(accepted / (d.wallMs / 1000)).toFixed(1)} accepted requests/s, ${((d.sent + d.fallback) / (d.wallMs / 1000)).toFixed(1)} messages/s`;
  s.limit = `${opts.slackChannels} channels × 1 msg/s = ${opts.slackChannels} msgs/s (the sender waits 1.1 s after each post's answer per channel → < ${(opts.slackChannels / 1.1).toFixed(1)}/s)`;
  s.achieved = `${((s.sent + s.fallback) / (s.wallMs / 1000)).toFixed(2)} messages/s (floor ${Math.ceil(opts.slackMessages / opts.slackChannels)} s at the limit)`;

  const leaseDocs = opts.leases === 'db' ? await conn!.model('Lease').countDocuments({ key: { $regex: `^rx_${runId}_` } }) : 0;
  discordSender.close();
  await Promise.all([discord.stop(), slack.stop()]);
  return { ...stats, wallMs, leaseDocs };
}

/**
 * The lease work of one delivery (acquire + complete; a racing or replaying outbox adds another acquire) at
 * growing sizes of the `leases` collection. Every delivery key and every LeaseMutex key keeps a document
 * there; on FerretDB 1.24 only `{_id}` filters use an index, so `latest(key)` (find by key, sort by gen)
 * reads the whole collection.
 */
export async function probeLeaseCost(conn: Connection, sizes: readonly number[], samples = 20): Promise<string[]> {
  const leases = new LeaseRepository(conn);
  const model = conn.model('Lease');
  const tag = `probe_${Date.now().toString(36)}`;
  let filled = 0;
  const out: string[] = [];
  for (const size of [...sizes].sort((a, b) => a - b)) {
    const add = size - filled;
    for (let i = 0; i < add; i += 500) {
      const n = Math.min(500, add - i);
      await model.insertMany(
        Array.from({ length: n }, (_, k) => {
          const key = `${tag}_fill_${filled + i + k}:discord-dm`;
          return { _id: `${key}#0`, key, gen: 0, owner: 'probe', state: 'done', leaseUntil: new Date(), createdAt: new Date() };
        }),
      );
    }
    filled = Math.max(filled, size);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const key = `${tag}_s${size}_${i}:discord-dm`;
      const t0 = performance.now();
      const r = await leases.acquire(key, 'probe', 120_000);
      if (r.acquired) await leases.complete(key, r.gen);
      times.push(performance.now() - t0);
    }
    out.push(`  ${String(size).padStart(6)} documents: p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms per acquire + complete (sequential, ${samples} samples)`);
  }
  await model.deleteMany({ key: { $regex: `^${tag}_` } });
  return out;
}

function printPlatform(p: PlatformStats): void {
  const delivered = p.sent + p.fallback;
  console.log(`\n## ${p.platform}: ${p.messages} messages`);
  console.log(`wall ${(p.wallMs / 1000).toFixed(1)} s · ${p.achieved} · limit ${p.limit}`);
  console.log(`outcomes: ${p.sent} sent, ${p.fallback} fallback (DMs closed → team-channel mention), ${p.failed} failed${p.failed ? ` ${JSON.stringify(p.failedCodes)}` : ''} · delivered ${delivered}/${p.messages}`);
  console.log(`racing outbox (same keys at the same time): ${p.loserInProgress} saw in_progress, ${p.loserAlreadySent} saw already_sent, both sent: ${p.bothSent}`);
  console.log(
    `platform: ${p.requests} requests received, ${p.rateLimited} × 429${p.globalRateLimited !== undefined ? ` (${p.globalRateLimited} global)` : ''}, ` +
      `duplicates ${p.fakeDuplicates}${p.deduplicated !== undefined ? ` (${p.deduplicated} answered by nonce)` : ''}, keys with > 1 message: ${p.keysWithSeveralMessages}, keys with none: ${p.keysWithNoMessage}`,
  );
  console.log(`latency per delivery (lease → send → complete): p50 ${percentile(p.latencyMs, 50).toFixed(0)} ms, p99 ${percentile(p.latencyMs, 99).toFixed(0)} ms, max ${percentile(p.latencyMs, 100).toFixed(0)} ms`);
  console.log(`replay by a third outbox: ${p.messages - p.replayNotAlreadySent}/${p.messages} already_sent, ${p.replayRequests} platform requests`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      discord: { type: 'string', default: String(DEFAULT_DELIVER_OPTIONS.discordMessages) },
      slack: { type: 'string', default: String(DEFAULT_DELIVER_OPTIONS.slackMessages) },
      channels: { type: 'string', default: String(DEFAULT_DELIVER_OPTIONS.slackChannels) },
      'discord-concurrency': { type: 'string', default: String(DEFAULT_DELIVER_OPTIONS.discordConcurrency) },
      'slack-concurrency': { type: 'string' },
      'route-window': { type: 'string', default: String(DEFAULT_DELIVER_OPTIONS.routeWindowMs) },
      'closed-dm-share': { type: 'string', default: String(DEFAULT_DELIVER_OPTIONS.closedDmShare) },
      leases: { type: 'string' },
      'lease-probe': { type: 'string', default: '0,1000,2000,4000' },
    },
  });
  const channels = Number(values.channels);
  const opts: Omit<DeliverBenchOptions, 'logger'> = {
    discordMessages: Number(values.discord),
    slackMessages: Number(values.slack),
    slackChannels: channels,
    discordConcurrency: Number(values['discord-concurrency']),
    slackConcurrency: Number(values['slack-concurrency'] ?? 2 * channels),
    routeWindowMs: Number(values['route-window']),
    closedDmShare: Number(values['closed-dm-share']),
    // On the embedded FerretDB the lease store, not the platforms, would be what this measures (see the probe below).
    leases: (values.leases ?? (process.env.MONGODB_URI ? 'db' : 'memory')) === 'db' ? 'db' : 'memory',
  };
  const sink = new CountingLogSink();
  const logger = createLogger({ level: 'warn', destination: sink });
  const db = await openBenchDatabase(registerLeaseModel);
  console.log(`# bench:deliver — ${machineFacts({ db: db.kind })}`);
  console.log(
    `${opts.discordMessages} Discord DMs to ${opts.discordMessages} users (${Math.round(opts.closedDmShare * 100)} % DMs closed) + ${opts.slackMessages} Slack posts into ${opts.slackChannels} channels; ` +
      `concurrency ${opts.discordConcurrency} / ${opts.slackConcurrency}; two racing outboxes per message; leases: ${opts.leases === 'db' ? `LeaseRepository on ${db.kind}` : 'in-memory port (InMemoryDeliveryLeases)'}`,
  );
  console.log(`fake limits: Discord 50/s global, per-route 5 per ${opts.routeWindowMs} ms; Slack 1 msg/s per channel (burst 1, 429 + Retry-After)`);
  try {
    const r = await runDeliverBench(db.conn, { ...opts, logger });
    printPlatform(r.discord);
    printPlatform(r.slack);
    const dup = r.discord.keysWithSeveralMessages + r.slack.keysWithSeveralMessages + r.discord.fakeDuplicates + r.slack.fakeDuplicates;
    console.log(`\ntotal: ${opts.discordMessages + opts.slackMessages} messages in ${(r.wallMs / 1000).toFixed(1)} s wall; duplicates ${dup} (must be 0); lease documents ${r.leaseDocs}`);
    const warnings = sink.summary();
    console.log(`log warnings/errors: ${warnings.length === 0 ? 'none' : ''}`);
    for (const w of warnings.slice(0, 12)) console.log(`  ${w}`);
    if (dup > 0) process.exitCode = 1;
    const sizes = String(values['lease-probe']).split(',').filter(Boolean).map(Number);
    if (sizes.length > 0) {
      console.log(`\n## LeaseRepository on ${db.kind}: one delivery's lease work (acquire + complete) vs documents in \`leases\``);
      for (const row of await probeLeaseCost(db.conn, sizes)) console.log(row);
    }
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
