/**
 * npm run bench:morning [-- --athletes N --days D --policy dqn --compute-only]
 *
 * A whole morning for N athletes (default 10,000) with D days of history (default 120) each:
 *
 * 1. compute — the engine alone (state → mask → policy → explanation with twin what-ifs) on N requests
 *    built in memory, through the core's engine port (chunks of 500, as the service runs it);
 * 2. seeding — persons, athletes, identities, teams (100 athletes each), memberships and N × D
 *    daily_metrics documents written with insertMany in chunks; timed separately, not part of the path;
 * 3. whole path — the real morning-delivery job (Scheduler.runNow on a manual clock after everyone's
 *    morning): prescribeMany over the repositories → presenters → Outbox with LeaseRepository leases →
 *    recordDelivery, every athlete's DM and their team's channel line. Messages go to an in-process
 *    counting sender (platform 'console', no rate limit): the rate-limited platform path is bench:deliver's.
 *
 * Database: MONGODB_URI when set, else the embedded FerretDB started into a temp dir (tests/bench/bench-db.ts).
 * Every database command is counted per collection and operation (mongoose's connection debug hook), so
 * the round-trips per athlete are printed. Targets (read, not asserted): compute ≥ 1,000 athletes/s,
 * whole path ≥ 200 athletes/s, peak RSS < 1.5 GB.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { DecisionRequest } from '../agent/decision.ts';
import { DecisionEngine as AgentDecisionEngine } from '../agent/engine.ts';
import { AgentEnv } from '../agent/env/agent-env.ts';
import { loadPolicy } from '../agent/policies.ts';
import { initTf } from '../agent/tf-backend.ts';
import { SharedSchedules } from '../jobs/due-index.ts';
import { morningDeliveryJob } from '../jobs/morning-delivery.job.ts';
import { presenterRenderer } from '../jobs/morning-messages.ts';
import type { DeliveryResult, DeliveryTarget, MessageDelivery } from '../jobs/ports.ts';
import { repositoryContacts, repositorySchedules } from '../jobs/read-models.ts';
import { Scheduler } from '../jobs/scheduler.ts';
import { Outbox } from '../src/chat/outbox.ts';
import type { ChatSender, SendOptions, SentMessage } from '../src/chat/ports.ts';
import type { ChatMessage } from '../src/core/chat.ts';
import { ManualClock } from '../src/core/clock.ts';
import { agentDecisionEngine } from '../src/core/agent-engine.ts';
import { createUseCases, TokenCipher } from '../src/core/index.ts';
import { addDays } from '../src/core/local-time.ts';
import { createRepositories, registerModels } from '../src/db/index.ts';
import { LeaseRepository } from '../src/db/lease.repository.ts';
import { createLogger } from '../src/logger.ts';
import { mergeSourceDays } from '../src/wearables/merge.ts';
import { generatePopulation } from '../twin/index.ts';
import type { DailyObservation } from '../twin/types.ts';
import { openBenchDatabase, percentile } from '../tests/bench/bench-db.ts';
import { machineFacts } from './machine.ts';

export interface MorningBenchOptions {
  athletes: number;
  days: number;
  policy: string;
  /** Athletes per team (one console channel each). */
  teamSize: number;
  insertChunk: number;
  print: (line: string) => void;
  /** Stop after the compute part (no database). */
  computeOnly?: boolean;
}

export interface MorningBenchResult {
  compute: { athletes: number; seconds: number; perSecond: number };
  seeding: { documents: number; seconds: number };
  path: { athletes: number; seconds: number; perSecond: number; prescribeSeconds: number; p50Ms: number; p99Ms: number };
  messages: { dm: number; team: number; duplicates: number; missed: number };
  roundTrips: Record<string, number>;
  peakRssMiB: number;
}

const DATE = '2026-06-01';
const KEY = Buffer.alloc(32, 7).toString('base64');

/** Counts every message by delivery key (platform 'console': no rate limit, no network). */
class CountingSender implements ChatSender {
  readonly platform = 'console' as const;
  readonly byKey = new Map<string, number>();
  dm = 0;
  team = 0;
  async send(target: DeliveryTarget, _message: ChatMessage, { idempotencyKey }: SendOptions): Promise<SentMessage> {
    this.byKey.set(idempotencyKey, (this.byKey.get(idempotencyKey) ?? 0) + 1);
    if (target.kind === 'dm') this.dm += 1;
    else this.team += 1;
    const id = target.kind === 'dm' ? target.userId : target.channelId;
    return { platform: 'console', channelId: id, messageId: String(this.dm + this.team), via: target.kind === 'dm' ? 'dm' : 'channel' };
  }
  async findDelivered(): Promise<'unknown'> {
    return 'unknown';
  }
}

const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

/** 64 twin athletes lived for `days` days (42 warm-up + the rest in season on the HRV baseline), as in bench:decide. */
async function twinHistories(days: number): Promise<{ histories: DailyObservation[][]; sports: string[] }> {
  const pop = generatePopulation({ n: 64, seed: 5150 });
  const season = Math.max(1, days - 42);
  const env = new AgentEnv({ seed: 77, horizonDays: season + 2, warmupDays: 42 });
  let inputs = env.reset(pop);
  const hrv = await loadPolicy('hrv');
  for (let d = 0; d < season; d++) {
    env.step(hrv.decide(inputs));
    inputs = env.currentInputs();
  }
  return { histories: pop.map((_, i) => env.history(i).slice(-days)), sports: pop.map((p) => p.sport) };
}

export async function runMorningBench(o: MorningBenchOptions): Promise<MorningBenchResult> {
  const N = o.athletes;
  const { backend } = await initTf('auto');
  const { histories, sports } = await twinHistories(o.days);
  const policy = await loadPolicy(o.policy, { backend: 'auto' });
  const engine = agentDecisionEngine(new AgentDecisionEngine({ policy }));

  // ---- 1. compute: the engine on N requests (history re-dated to end the day before DATE)
  const shift = (h: DailyObservation[]) => h.map((obs, i) => ({ ...obs, date: addDays(DATE, i - h.length) }));
  const dated = histories.map(shift);
  const requests: DecisionRequest[] = Array.from({ length: N }, (_, k) => ({ athleteId: `athlete-${k}`, date: DATE, sport: sports[k % sports.length] as DecisionRequest['sport'], history: dated[k % dated.length]! }));
  await engine.decide(requests.slice(0, Math.min(200, N))); // warm-up
  let t = performance.now();
  const decisions = await engine.decide(requests);
  const computeS = (performance.now() - t) / 1000;
  if (decisions.length !== N) throw new Error(`engine returned ${decisions.length} decisions for ${N} requests`);
  o.print(`compute (engine: state → mask → ${o.policy} → explanation with what-ifs): ${N} athletes in ${computeS.toFixed(2)} s → ${(N / computeS).toFixed(0)} athletes/s (target ≥ 1,000) · backend ${backend}`);

  if (o.computeOnly) {
    o.print(`peak RSS: ${peakRssMiB().toFixed(0)} MiB (target < 1,536) · --compute-only: no database part`);
    return { compute: { athletes: N, seconds: computeS, perSecond: N / computeS }, seeding: { documents: 0, seconds: 0 }, path: { athletes: 0, seconds: 0, perSecond: 0, prescribeSeconds: 0, p50Ms: NaN, p99Ms: NaN }, messages: { dm: 0, team: 0, duplicates: 0, missed: 0 }, roundTrips: {}, peakRssMiB: peakRssMiB() };
  }

  // ---- 2. seeding
  const db = await openBenchDatabase(registerModels);
  const roundTrips = new Map<string, number>();
  let counting = false;
  db.conn.set('debug', (collection: string, method: string) => {
    if (counting) roundTrips.set(`${collection}.${method}`, (roundTrips.get(`${collection}.${method}`) ?? 0) + 1);
  });
  try {
    t = performance.now();
    const now = new Date('2026-05-01T00:00:00Z');
    const ids = Array.from({ length: N }, (_, k) => `bench-${String(k).padStart(6, '0')}`);
    const teams = Math.ceil(N / o.teamSize);
    const insert = async (model: string, docs: Record<string, unknown>[]) => {
      const m = db.conn.model(model);
      for (let i = 0; i < docs.length; i += o.insertChunk) await m.insertMany(docs.slice(i, i + o.insertChunk), { ordered: false, lean: true });
      return docs.length;
    };
    let documents = 0;
    documents += await insert('Person', ids.map((id, k) => ({ _id: id, displayName: `Athlete ${k}`, timezone: 'UTC', dmsEnabled: true, createdAt: now, updatedAt: now })));
    documents += await insert('Athlete', ids.map((id, k) => ({ _id: id, sport: sports[k % sports.length], level: 'trained', morningTime: '06:00', status: 'active', consent: { givenAt: now, version: '2026-11' }, simulated: false, createdAt: now, updatedAt: now })));
    documents += await insert('Identity', ids.map((id, k) => ({ _id: `console:u${k}`, platform: 'console', userId: `u${k}`, personId: id, linkedAt: now })));
    documents += await insert('Team', Array.from({ length: teams }, (_, j) => ({ _id: `team-${j}`, name: `Team ${j}`, bindings: [{ platform: 'console', workspaceId: 'W', channelId: `C${j}` }], settings: { approvalMode: false, units: 'metric', defaultMorningTime: '06:00' }, createdAt: now, updatedAt: now })));
    documents += await insert('Membership', ids.map((id, k) => ({ _id: `team-${Math.floor(k / o.teamSize)}:${id}`, teamId: `team-${Math.floor(k / o.teamSize)}`, personId: id, roles: ['athlete'], joinedAt: now })));
    const metricsModel = db.conn.model('DailyMetrics');
    for (let k = 0; k < N; k += Math.max(1, Math.floor(o.insertChunk / o.days))) {
      const docs: Record<string, unknown>[] = [];
      for (let a = k; a < Math.min(N, k + Math.max(1, Math.floor(o.insertChunk / o.days))); a++) {
        for (const obs of dated[a % dated.length]!) {
          const fields: Record<string, { value: number; source: string }> = {};
          for (const f of ['hrvRmssd', 'restingHr', 'sleepHours', 'sleepScore', 'load'] as const) if (obs[f] !== undefined) fields[f] = { value: obs[f]!, source: 'simulated' };
          docs.push({ _id: `${ids[a]}:${obs.date}`, athleteId: ids[a], date: obs.date, fields, sources: [], workouts: [], updatedAt: now });
        }
      }
      await metricsModel.insertMany(docs, { ordered: false, lean: true });
      documents += docs.length;
    }
    const seedS = (performance.now() - t) / 1000;
    o.print(`seeding (${db.kind}): ${documents} documents (${N} athletes × ${o.days} days of daily_metrics + people, teams of ${o.teamSize}) in ${seedS.toFixed(1)} s → ${(documents / seedS).toFixed(0)} docs/s (insertMany, chunks of ${o.insertChunk})`);

    // ---- 3. the whole path: the morning job
    const logger = createLogger({ level: 'silent' });
    const repos = createRepositories(db.conn, { cipher: new TokenCipher({ current: KEY }), mutex: { waitMs: 60_000 } });
    const clock = new ManualClock(`${DATE}T07:00:00Z`);
    const core = createUseCases({ ...repos, clock, newId: randomUUID, engine, twin: { update: async () => null }, notifier: { publish: async () => undefined }, mergeDays: mergeSourceDays });
    const sender = new CountingSender();
    const outbox = new Outbox({ leases: new LeaseRepository(db.conn), senders: [sender], logger });
    const perAthlete = new Map<string, number>(); // ms spent delivering + recording its messages
    let prescribeMs = 0;
    const timedCore = {
      prescribeMany: async (items: Parameters<typeof core.prescribeMany>[0]) => {
        const s = performance.now();
        const r = await core.prescribeMany(items);
        prescribeMs += performance.now() - s;
        return r;
      },
      deliverablePrescriptions: core.deliverablePrescriptions,
      recordDelivery: async (...a: Parameters<typeof core.recordDelivery>) => {
        const s = performance.now();
        const r = await core.recordDelivery(...a);
        perAthlete.set(a[0], (perAthlete.get(a[0]) ?? 0) + performance.now() - s);
        return r;
      },
    };
    const delivery: MessageDelivery = {
      async deliver(key: string, target: DeliveryTarget, message: ChatMessage): Promise<DeliveryResult> {
        const s = performance.now();
        const out = (await outbox.deliver(key, target, message)) as DeliveryResult;
        const athlete = key.split(':')[0]!; // delivery key = prescription id (athleteId:date) + ':' + channel
        perAthlete.set(`rx:${athlete}`, (perAthlete.get(`rx:${athlete}`) ?? 0) + performance.now() - s);
        return out;
      },
    };
    const job = morningDeliveryJob({
      core: timedCore,
      schedules: new SharedSchedules(repositorySchedules(repos), 3_600_000),
      contacts: repositoryContacts(repos, { platforms: ['console'] }),
      renderer: presenterRenderer(),
      delivery,
      options: { defaultMorningTime: '06:00', catchUpYesterday: false },
    });
    const scheduler = new Scheduler({ jobs: [job], logger, clock });
    counting = true;
    t = performance.now();
    await scheduler.runNow(job.name);
    const pathS = (performance.now() - t) / 1000;
    counting = false;
    await scheduler.stop();

    // per athlete: its share of the prescribe batches + its own outbox and recordDelivery time
    const rxs = await repos.prescriptions.listForDate(ids, DATE);
    const prescribeShare = prescribeMs / Math.max(1, rxs.length);
    const lat = rxs.map((rx) => prescribeShare + (perAthlete.get(`rx:${rx.athleteId}`) ?? 0) + (perAthlete.get(rx.athleteId) ?? 0));
    const expectedKeys = rxs.flatMap((rx) => [`${rx.id}:dm`, `${rx.id}:team:team-${Math.floor(ids.indexOf(rx.athleteId) / o.teamSize)}:console`]);
    const duplicates = [...sender.byKey.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
    const missed = N * 2 - expectedKeys.filter((k) => sender.byKey.has(k)).length;
    o.print(`whole path (morning job: prescribeMany → presenters → outbox + leases → recordDelivery, ${db.kind}): ${N} athletes in ${pathS.toFixed(1)} s → ${(N / pathS).toFixed(1)} athletes/s (target ≥ 200); prescribeMany ${(prescribeMs / 1000).toFixed(1)} s of it`);
    o.print(`per athlete (prescribe share + its outbox deliveries + recordDelivery): p50 ${percentile(lat, 50).toFixed(1)} ms · p99 ${percentile(lat, 99).toFixed(1)} ms`);
    o.print(`messages: ${sender.dm} DMs + ${sender.team} team lines to the counting sender · duplicates ${duplicates} · missed ${missed}`);
    const rt = Object.fromEntries([...roundTrips.entries()].sort((a, b) => b[1] - a[1]));
    const total = Object.values(rt).reduce((a, b) => a + b, 0);
    o.print(`round-trips: ${total} commands → ${(total / N).toFixed(1)} per athlete: ${Object.entries(rt).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    o.print(`peak RSS (this process; the FerretDB process is separate): ${peakRssMiB().toFixed(0)} MiB (target < 1,536)`);
    return {
      compute: { athletes: N, seconds: computeS, perSecond: N / computeS },
      seeding: { documents, seconds: seedS },
      path: { athletes: N, seconds: pathS, perSecond: N / pathS, prescribeSeconds: prescribeMs / 1000, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99) },
      messages: { dm: sender.dm, team: sender.team, duplicates, missed },
      roundTrips: rt,
      peakRssMiB: peakRssMiB(),
    };
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      athletes: { type: 'string', default: '10000' },
      days: { type: 'string', default: '120' },
      policy: { type: 'string', default: 'dqn' },
      'team-size': { type: 'string', default: '100' },
      'insert-chunk': { type: 'string', default: '5000' },
      'compute-only': { type: 'boolean', default: false },
    },
  });
  const athletes = Number(values.athletes);
  if (!Number.isInteger(athletes) || athletes < 1) throw new Error('--athletes must be a positive integer');
  console.log(`# bench:morning — ${machineFacts()}`);
  console.log(`athletes ${athletes} · history ${values.days} days · policy ${values.policy}`);
  await runMorningBench({ athletes, days: Number(values.days), policy: values.policy!, teamSize: Number(values['team-size']), insertChunk: Number(values['insert-chunk']), print: (l) => console.log(l), computeOnly: values['compute-only'] });
  process.exit(0);
}
