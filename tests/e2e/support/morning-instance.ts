/**
 * One service instance running only the morning job, as a child process the crash tests can kill:
 *
 *   tsx tests/e2e/support/morning-instance.ts '<json: { mongoUri, dbName, discordApi, slackApi, start, leaseTtlMs, label, … }>'
 *
 * bench:crash runs it too, with the optional arguments: deadlineMs (default 60 s; a 1,000-athlete morning on
 * the embedded database takes longer), concurrency (DMs in flight, default 3) and slackIntervalMs (the Slack
 * sender's per-channel spacing: 1,000 team lines in one channel at Slack's ~1/s would make every trial last
 * 17 minutes, and pacing is bench:deliver's subject).
 *
 * Real repositories on the test database, the real use cases (with the tests' deterministic fake engine),
 * the real outbox with LeaseRepository leases, the real Discord and Slack senders pointed at the parent's
 * loopback fakes. A virtual clock starts after everyone's morning (so the start-up catch-up delivers
 * them all) and moves one minute per half second of wall time, so in-progress retries come round. Prints
 * one JSON line per delivery outcome; exits 0 once every athlete's DM and team line is recorded as sent.
 */
import { randomUUID } from 'node:crypto';
import { SharedSchedules } from '../../../jobs/due-index.ts';
import { morningDeliveryJob } from '../../../jobs/morning-delivery.job.ts';
import { presenterRenderer } from '../../../jobs/morning-messages.ts';
import type { DeliveryResult, DeliveryTarget, MessageDelivery } from '../../../jobs/ports.ts';
import { repositoryContacts, repositorySchedules } from '../../../jobs/read-models.ts';
import { Scheduler } from '../../../jobs/scheduler.ts';
import { DiscordSender } from '../../../src/chat/discord/sender.ts';
import { Outbox } from '../../../src/chat/outbox.ts';
import { SlackSender } from '../../../src/chat/slack/sender.ts';
import type { ChatMessage } from '../../../src/core/chat.ts';
import { ManualClock } from '../../../src/core/clock.ts';
import { createUseCases, TokenCipher } from '../../../src/core/index.ts';
import { connectDatabase } from '../../../src/db/connection.ts';
import { createRepositories, registerModels } from '../../../src/db/index.ts';
import { LeaseRepository } from '../../../src/db/lease.repository.ts';
import { partitionedWorker } from '../../../src/partitioned-worker.ts';
import { createLogger } from '../../../src/logger.ts';
import { mergeSourceDays } from '../../../src/wearables/merge.ts';
import { FakeEngine } from '../../src/core/support/fake-engine.ts';

const args = JSON.parse(process.argv[2]!) as { mongoUri: string; dbName: string; discordApi: string; slackApi: string; discordToken: string; slackToken: string; start: string; leaseTtlMs: number; label: string; key: string; deadlineMs?: number; concurrency?: number; slackIntervalMs?: number; partitions?: number; partitionLeaseMs?: number };
const logger = createLogger({ level: 'silent' });
const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ instance: args.label, ...o })}\n`);

const conn = await connectDatabase({ uri: args.mongoUri, dbName: args.dbName, attempts: 3 });
registerModels(conn);
const repos = createRepositories(conn, { cipher: new TokenCipher({ current: args.key }), mutex: { waitMs: 60_000 } });
const clock = new ManualClock(args.start);
// bench:workers: a partitioned worker (its share of the athletes, shared Discord/Slack rate limits)
const fleet = args.partitions ? partitionedWorker(conn, { partitions: args.partitions, workerId: args.label, leaseMs: args.partitionLeaseMs, discordToken: args.discordToken, slackToken: args.slackToken, logger }) : undefined;
const schedules = new SharedSchedules(repositorySchedules(repos), 3_600_000);
if (fleet) schedules.partition(fleet.view);
const core = createUseCases({ ...repos, clock, newId: randomUUID, engine: new FakeEngine(), twin: { update: async () => null }, notifier: { publish: async () => undefined }, mergeDays: mergeSourceDays });
const discord = new DiscordSender({ token: args.discordToken, apiBaseUrl: args.discordApi, logger, ...(fleet?.discordGate ? { rateGate: fleet.discordGate } : {}) });
const slack = new SlackSender({ token: args.slackToken, apiUrl: args.slackApi, logger, ...(args.slackIntervalMs !== undefined ? { perChannelIntervalMs: args.slackIntervalMs } : {}), ...(fleet?.slackGate ? { rateGate: fleet.slackGate } : {}) });
const outbox = new Outbox({ leases: new LeaseRepository(conn), senders: [discord, slack], logger, leaseTtlMs: args.leaseTtlMs, owner: `${args.label}:${process.pid}` });
const delivery: MessageDelivery = {
  async deliver(key: string, target: DeliveryTarget, message: ChatMessage): Promise<DeliveryResult> {
    const out = (await outbox.deliver(key, target, message)) as DeliveryResult;
    say({ event: 'delivery', key, status: out.status, ...(out.status === 'failed' ? { error: out.error } : {}) });
    return out;
  },
};
const job = morningDeliveryJob({
  core,
  schedules,
  contacts: repositoryContacts(repos, { platforms: ['discord', 'slack'] }),
  renderer: presenterRenderer(),
  delivery,
  options: { defaultMorningTime: '06:30', catchUpYesterday: false, retryAfterMs: 60_000, concurrency: args.concurrency ?? 3 },
});
const scheduler = new Scheduler({ jobs: [job], logger, clock });
say({ event: 'started', pid: process.pid });

const date = args.start.slice(0, 10);
const deadline = Date.now() + (args.deadlineMs ?? 60_000);
await fleet?.start((held) => {
  schedules.invalidate();
  say({ event: 'partitions', held: held.length });
});
await scheduler.runNow(job.name);
for (;;) {
  const ids = await repos.athletes.listIds({ status: 'active' });
  const rxs = await repos.prescriptions.listForDate(ids, date);
  const complete = rxs.length === ids.length && rxs.every((r) => Object.keys(r.delivery).length >= 2 && Object.values(r.delivery).every((d) => d.status === 'sent'));
  if (complete) break;
  if (Date.now() > deadline) {
    say({ event: 'timeout', athletes: ids.length, prescriptions: rxs.length, delivery: rxs.map((r) => Object.fromEntries(Object.entries(r.delivery).map(([k, d]) => [k.split(':')[0], d.status]))), stats: scheduler.getStats() });
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 500));
  await scheduler.advanceTo(new Date(clock.now().getTime() + 60_000), clock);
}
say({ event: 'complete' });
await scheduler.stop();
discord.close();
await conn.close();
process.exit(0);
