/**
 * The composition root: builds every piece by hand from the config, in dependency order, and tears it
 * down in the reverse order. No module-level singletons read config at import time; everything is passed.
 *
 * Start:   database (embedded FerretDB unless MONGODB_URI) → models + indexes → TF.js → policy (the active
 *          model in the database, else models/dqn-default.json, else the HRV baseline — logged) → decision
 *          engine → repositories + use cases → HTTP (/healthz, /metrics) → outbox + senders per configured
 *          platform → command dispatcher → local mode (simulated squad) → chat adapters (console REPL,
 *          Discord gateway) → jobs + scheduler (real time, or a virtual clock the caller advances).
 * Stop:    schedules (in-flight runs finish) → in-flight deliveries → chat clients → HTTP → database →
 *          embedded server. Every step is logged and a failing step never skips the next.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Counter } from 'prom-client';
import type { Policy } from '../agent/baselines/policy.ts';
import { DecisionEngine as AgentDecisionEngine } from '../agent/engine.ts';
import { DEFAULT_MODEL_PATH, loadPolicy } from '../agent/policies.ts';
import { initTf, type TfRuntime } from '../agent/tf-backend.ts';
import { CommandDispatcher, ConfirmTokens, createRegistry, type DispatchResult } from '../commands/index.ts';
import {
  createJobs,
  parseStoredModel,
  presenterRenderer,
  repositoryContacts,
  repositoryDayFacts,
  repositoryHistory,
  repositorySchedules,
  Scheduler,
  SharedSchedules,
  type AthleteIngest,
  type DeliveryResult,
  type DeliveryTarget,
  type MessageDelivery,
  type RetrainBudget,
  type ServiceJobs,
  type TokenRenewal,
} from '../jobs/index.ts';
import type { AthleteParams } from '../twin/index.ts';
import { createChartRenderer } from './chat/chart-renderer.ts';
import { ConsoleRepl, type ConsoleCommand } from './chat/console/repl.ts';
import { ConsoleSender } from './chat/console/sender.ts';
import { DiscordInteractions } from './chat/discord/interactions.ts';
import { DiscordSender } from './chat/discord/sender.ts';
import { InMemoryDeliveryLeases } from './chat/memory.ts';
import { Outbox, type OutboxOptions } from './chat/outbox.ts';
import type { ChatSender } from './chat/ports.ts';
import { SlackApp } from './chat/slack/app.ts';
import { SlackSender } from './chat/slack/sender.ts';
import { describeConfig, type Config } from './config.ts';
import { agentDecisionEngine } from './core/agent-engine.ts';
import type { ChatMessage, CommandInput, Platform } from './core/chat.ts';
import { OffsetClock, systemClock, type Clock, type SettableClock } from './core/clock.ts';
import { CalibratingTwinUpdater, createUseCases, TokenCipher, type UseCases } from './core/index.ts';
import { createConnectFlow, PROVIDER_NAMES, type ConnectFlow } from './core/connect-flow.use-case.ts';
import { presentConnected } from './core/presenters/index.ts';
import { athleteIngestPort, createIngestService, type IngestService } from './core/ingest.use-case.ts';
import type { ProviderId } from './core/metrics.ts';
import { presentInvitation } from './core/presenters/index.ts';
import type { CoreDeps, CoreEvent, DecisionEngine, Notifier, Repositories, VendorAccount } from './core/ports.ts';
import { connectDatabase, ensureIndexes, pingDatabase, safeUri, type Connection } from './db/connection.ts';
import { partitionedWorker } from './partitioned-worker.ts';
import { embeddedDataDir, startEmbeddedDatabase, type EmbeddedDatabase } from './db/ferretdb.ts';
import { createRepositories, registerModels } from './db/index.ts';
import { LeaseRepository } from './db/lease.repository.ts';
import { MongoNonceStore } from './db/oauth-nonce.repository.ts';
import { oauthRoutes } from './http/oauth.routes.ts';
import { createMetricsRegistry, startHttpServer, type Route, type RunningHttpServer } from './http/server.ts';
import { webhookRoutes } from './http/webhooks.routes.ts';
import { localConsoleCommands } from './local/console-commands.ts';
import { FileExportPublisher } from './local/file-export.ts';
import { InProcessMutex } from './local/in-process-mutex.ts';
import { createMemoryRepositories } from './local/memory-store.ts';
import { DEFAULT_SIMULATION, Simulation, type SimulationOptions } from './local/simulation.ts';
import type { Logger } from './logger.ts';
import { AppError } from './errors.ts';
import { createServiceMetrics, type ServiceMetrics } from './service-metrics.ts';
import { readVersion } from './version.ts';
import { mergeSourceDays } from './wearables/merge.ts';
import { buildProviders, createOAuthGateway, createVendorAccess, createWearableSources } from './wearables/registry.ts';
import { PolarProvider } from './wearables/polar.ts';
import { ensurePolarWebhook } from './wearables/polar-webhook.ts';
import { OuraSubscriptions } from './wearables/oura-webhooks.ts';
import { MongoWebhookSecretStore } from './db/webhook-secret.repository.ts';

/** Provider tokens are refreshed when they expire within this window (the hourly renewals job). */
const RENEW_WINDOW_MS = 2 * 3_600_000;

/** Version of the privacy notice athletes agree to in /register. */
export const CONSENT_VERSION = '2026-11';

export interface ServiceOptions {
  /** The service's clock. Default the system clock; a ManualClock for the demo and tests. */
  clock?: Clock;
  /** Run the scheduler on real time (node-cron). Default true. False: the caller drives scheduler.advanceTo. */
  realTime?: boolean;
  /** Run nightly ingest + morning delivery once right after start (today's overdue mornings). Default = realTime. */
  catchUpOnStart?: boolean;
  /** The local-mode REPL's streams (default stdin/stdout when CONSOLE_CHAT); false = no REPL. */
  console?: { input: Readable; output: Writable; color?: boolean; width?: number } | false;
  /** Start-up progress for a person waiting (the first start's FerretDB build); the log has it anyway. */
  progress?: (line: string) => void;
  /** Called when the person at the console typed "exit". */
  onConsoleExit?: () => void;
  /** Where console-platform deliveries are printed. Default stdout. */
  consoleWrite?: (text: string) => void;
  /** Replace the platform senders (tests: senders pointed at fakes; the demo: a recording sender). */
  senders?: ChatSender[];
  /** Local mode's simulated squad: options, or false for none. Default: SIMULATED_ATHLETES athletes in DEFAULT_TIMEZONE. */
  simulation?: Partial<SimulationOptions> | false;
  /** Charts in morning DMs (PNG rendering): default true. */
  morningCharts?: boolean | ((athleteId: string) => boolean);
  /** Weekly policy retraining budget (tests: tiny); false leaves the job out. */
  retrain?: Partial<RetrainBudget> | false;
  /** Outbox knobs (lease TTL, retries) — the crash tests shorten the lease. */
  outbox?: Partial<Pick<OutboxOptions, 'leaseTtlMs' | 'maxAttempts' | 'backoffBaseMs' | 'backoffMaxMs' | 'owner'>>;
  /** How often the jobs re-read the athletes' schedules (clock time). Default 5 min. */
  schedulesTtlMs?: number;
  /** The ingest for athletes that are not simulated (default: the wearables IngestService when wired). */
  wearablesIngest?: AthleteIngest;
  /** Skip HTTP (the crash harness's child processes). Default false. */
  http?: boolean;
  /** Policy spec instead of the stored/shipped model (e.g. 'hrv' in tests). */
  policy?: string;
  /**
   * This process is the database's only user (the demo's fresh embedded database): record locks,
   * delivery leases and job claims are kept in memory instead of the leases collection, which the
   * embedded FerretDB scans on every lookup (see src/local/in-process-mutex.ts). Never with a shared database.
   */
  singleProcess?: boolean;
  /**
   * 'memory': no database at all — every repository in memory (src/local/memory-store.ts). The demo's
   * fast path; nothing survives the process. Default 'database'.
   */
  store?: 'database' | 'memory';
}

export interface Service {
  config: Config;
  /** Absent with the in-memory store. */
  connection: Connection | undefined;
  http: RunningHttpServer | undefined;
  tf: TfRuntime;
  embedded?: EmbeddedDatabase;
  clock: Clock;
  core: UseCases;
  repos: Repositories;
  scheduler: Scheduler;
  jobs: ServiceJobs;
  outbox: Outbox;
  simulation: Simulation | undefined;
  /** Run a command as a chat user would (the dispatcher + delivery of its notifications). */
  dispatch(input: CommandInput): Promise<DispatchResult>;
  /** The running policy, "name@version". */
  policyId(): string;
  /** Local mode's console commands (morning now, skip days): the REPL's extras, also run by `twincoach morning`. */
  localCommands: ConsoleCommand[];
  /** Stops everything in order; safe to call more than once. */
  stop(reason?: string): Promise<void>;
}

/**
 * After an erasure, cut the embedded database's write-ahead logs (the deleted rows' old page copies).
 * The erase itself is done by then: a failure here is logged loudly, not shown to the person.
 */
async function checkpointAfterErase(db: EmbeddedDatabase, logger: Logger): Promise<void> {
  try {
    const { files, busy } = await db.checkpoint();
    if (busy > 0) logger.warn({ component: 'privacy', files, busy }, 'after an erasure, a database file stayed busy: its WAL was not truncated');
  } catch (err) {
    logger.error({ component: 'privacy', err }, 'after an erasure, the WAL checkpoint failed');
  }
}

/** Core events → in-process listeners (the morning job's approval signal, the twin cache) and the log. */
class EventNotifier implements Notifier {
  private readonly listeners: ((e: CoreEvent) => void)[] = [];
  constructor(private readonly log: Logger) {}
  on(fn: (e: CoreEvent) => void): void {
    this.listeners.push(fn);
  }
  async publish(event: CoreEvent): Promise<void> {
    this.log.debug({ event }, `core event ${event.type}`);
    for (const fn of this.listeners) {
      try {
        fn(event);
      } catch (err) {
        this.log.warn({ err, event: event.type }, 'event listener failed');
      }
    }
  }
}

/** The outbox with a count of deliveries in flight (shutdown waits for them) and a hook for local mode. */
class TrackedDelivery implements MessageDelivery {
  private readonly inFlight = new Set<Promise<unknown>>();
  constructor(
    private readonly outbox: Outbox,
    private readonly onDelivered?: (key: string, target: DeliveryTarget) => void,
    private readonly metrics?: ServiceMetrics,
  ) {}
  deliver(key: string, target: DeliveryTarget, message: ChatMessage): Promise<DeliveryResult> {
    this.metrics?.inFlight(1);
    const p = this.outbox.deliver(key, target, message).then(
      (out) => {
        this.metrics?.inFlight(-1);
        this.metrics?.delivery(target.platform, target.kind, out.status);
        if (out.status === 'sent' || out.status === 'fallback') this.onDelivered?.(key, target);
        return out as DeliveryResult;
      },
      (err: unknown) => {
        this.metrics?.inFlight(-1);
        this.metrics?.delivery(target.platform, target.kind, 'error');
        throw err;
      },
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }
  async drain(timeoutMs: number): Promise<number> {
    const pending = [...this.inFlight];
    if (pending.length > 0) await Promise.race([Promise.allSettled(pending), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    return pending.length;
  }
}

/** The virtual clock's offset from an earlier run (0 when there is none or it is unreadable). */
function readClockOffset(file: string): number {
  try {
    const v = (JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown }).offsetMs;
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
  } catch {
    return 0;
  }
}

function isAthleteParams(p: Record<string, unknown> | undefined): p is AthleteParams & Record<string, unknown> {
  return !!p && typeof p.sport === 'string' && typeof p.tau1 === 'number' && typeof p.capacityLoad === 'number' && typeof p.lnRmssdBase === 'number';
}

export async function startService(config: Config, logger: Logger, options: ServiceOptions = {}): Promise<Service> {
  const started = performance.now();
  const version = readVersion();
  const realTime = options.realTime ?? true;
  // Local mode runs on a virtual clock (real time + an offset the console's `skip 1d` grows, kept in
  // DATA_DIR/local/clock.json so a restart does not go back to days already lived).
  const clockFile = path.join(config.dataDir, 'local', 'clock.json');
  const clock: Clock = options.clock ?? (config.localMode ? new OffsetClock(readClockOffset(clockFile)) : systemClock);
  const cleanups: { name: string; run: () => Promise<unknown> }[] = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) {
      try {
        logger.debug({ component: c.name }, `stopping ${c.name}`);
        await c.run();
      } catch (err) {
        logger.error({ err, component: c.name }, 'error during shutdown');
      }
    }
    cleanups.length = 0;
  };

  try {
    logger.debug({ config: describeConfig(config) }, 'configuration');

    // --- database ---------------------------------------------------------------------------------
    const memoryStore = options.store === 'memory';
    let embedded: EmbeddedDatabase | undefined;
    let uri = config.MONGODB_URI;
    let connection: Connection | undefined;
    if (!memoryStore) {
      if (!uri) {
        embedded = await startEmbeddedDatabase({ dataDir: embeddedDataDir(config.dataDir), cacheDir: config.cacheDir, logger: logger.child({ component: 'ferretdb' }), ...(options.progress ? { progress: options.progress } : {}) });
        cleanups.push({ name: 'embedded database', run: () => embedded!.stop() });
        uri = embedded.uri;
      }
      const conn = await connectDatabase({ uri: uri!, dbName: config.MONGODB_DB_NAME, logger });
      connection = conn;
      cleanups.push({ name: 'database connection', run: () => conn.close() });
      registerModels(conn);
      await ensureIndexes(conn, logger);
    }

    // --- TF.js and the policy ---------------------------------------------------------------------
    const tf = await initTf(config.TF_BACKEND);
    logger.info({ component: 'tf', backend: tf.backend, notes: tf.notes }, `TF.js backend: ${tf.backend}`);

    let cipherKey = config.TOKEN_ENCRYPTION_KEY;
    if (!cipherKey) {
      cipherKey = randomBytes(32).toString('base64');
      logger.info({ component: 'crypto' }, 'TOKEN_ENCRYPTION_KEY is not set: using a throw-away key for this run (no wearable provider can be connected)');
    }
    const cipher = new TokenCipher({ current: cipherKey, ...(config.TOKEN_ENCRYPTION_KEY_PREVIOUS ? { previous: config.TOKEN_ENCRYPTION_KEY_PREVIOUS } : {}) });
    const dbRepos = connection ? createRepositories(connection, { cipher, ...(embedded ? { afterErase: () => checkpointAfterErase(embedded!, logger) } : {}) }) : undefined;
    const repos: Repositories = dbRepos ?? createMemoryRepositories(randomUUID);
    if (options.singleProcess && connection) {
      if (!embedded) throw new Error('singleProcess needs the embedded database (nobody else may use it)');
      repos.mutex = new InProcessMutex();
    }
    const leases = options.singleProcess || !connection ? new InMemoryDeliveryLeases() : new LeaseRepository(connection);

    const twinCache = new Map<string, AthleteParams>();
    const twinParamsFor = (athleteId: string) => twinCache.get(athleteId);
    const loadTwin = async (athleteId: string) => {
      const latest = await repos.twinParams.latest(athleteId);
      if (latest && isAthleteParams(latest.params)) twinCache.set(athleteId, latest.params);
    };

    let policy: Policy;
    let policyLabel: string;
    const active = options.policy ? null : await repos.policyModels.active().catch(() => null);
    if (options.policy) {
      policy = await loadPolicy(options.policy, { backend: config.TF_BACKEND });
      policyLabel = `${options.policy} (requested)`;
    } else if (active) {
      policy = await loadPolicy('dqn', { backend: config.TF_BACKEND, model: parseStoredModel(active.model.weights) });
      policyLabel = `active model ${active.model.name}@${active.model.version} from the database`;
    } else {
      try {
        policy = await loadPolicy('dqn', { backend: config.TF_BACKEND });
        policyLabel = `shipped model ${path.relative(process.cwd(), DEFAULT_MODEL_PATH)}`;
      } catch (err) {
        logger.warn({ component: 'policy', err: (err as Error).message }, 'the default DQN model could not be loaded: falling back to the HRV-guided baseline');
        policy = await loadPolicy('hrv');
        policyLabel = 'HRV-guided baseline (fallback)';
      }
    }
    let agent = new AgentDecisionEngine({ policy, twinParams: twinParamsFor });
    let port = agentDecisionEngine(agent);
    const engine: DecisionEngine = { decide: (requests) => port.decide(requests) };
    const swapPolicy = (next: Policy, label: string) => {
      agent = new AgentDecisionEngine({ policy: next, twinParams: twinParamsFor });
      port = agentDecisionEngine(agent);
      policyLabel = label;
      logger.info({ component: 'policy', policy: agent.policyId }, `policy switched to ${label}`);
    };
    logger.info({ component: 'policy', policy: agent.policyId }, `policy: ${agent.policyId} — ${policyLabel}`);

    // --- use cases --------------------------------------------------------------------------------
    const notifier = new EventNotifier(logger.child({ component: 'events' }));
    const twinUpdater = new CalibratingTwinUpdater();
    // Vendor clients (pure construction); revocation and key checks reach the core through VendorAccess.
    const registry = buildProviders(config, { onSkippedDocument: (d) => logger.warn({ component: 'wearables', ...d }, 'provider document left out: it does not match the vendor’s documented shape') });
    const vendorAccess = connection ? createVendorAccess({ registry, secretsSurviveRestart: config.TOKEN_ENCRYPTION_KEY !== undefined }) : undefined;
    const coreDeps: CoreDeps = { ...repos, clock, newId: randomUUID, engine, twin: twinUpdater, notifier, mergeDays: mergeSourceDays, logger: logger.child({ component: 'core' }), ...(vendorAccess ? { vendorAccess } : {}) };
    const core = createUseCases(coreDeps);

    // --- wearables: provider clients, token manager, ingest service, connect flow, OAuth + webhook routes --
    let ingestService: IngestService | undefined;
    let connectFlow: ConnectFlow | undefined;
    let tokenRenewal: TokenRenewal | undefined;
    let webhookSecrets: MongoWebhookSecretStore | undefined;
    let webhookRenewal: OuraSubscriptions | undefined;
    const wearableRoutes: Route[] = [];
    if (connection && dbRepos) {
      const lostAccess = (athleteId: string, provider: ProviderId, reason: string) => void ingestService?.reportLostAccess(athleteId, provider, reason).catch(() => undefined);
      const { sources } = createWearableSources(registry, dbRepos.connectionStore, { onNeedsReauth: lostAccess });
      const service = createIngestService({ ...coreDeps, sources });
      ingestService = service;
      // A second token manager whose skew is the renewal window: the hourly job refreshes ahead of expiry.
      const renewer = createWearableSources(registry, dbRepos.connectionStore, { refreshSkewMs: RENEW_WINDOW_MS, onNeedsReauth: lostAccess }).tokens;
      tokenRenewal = {
        async renewExpiring(before) {
          const due = (await repos.connections.listByStatus('active')).filter((c) => registry.providers[c.provider] && c.tokens.refreshToken && c.tokens.expiresAt !== undefined && c.tokens.expiresAt < before.getTime());
          const r = { checked: due.length, renewed: 0, failed: 0, needsReauth: 0 };
          for (const c of due) {
            try {
              await renewer.getConnection(c.athleteId, c.provider);
              r.renewed += 1;
            } catch (err) {
              const now = await repos.connections.get(c.athleteId, c.provider);
              if (now?.status === 'needs_reauth') r.needsReauth += 1;
              else r.failed += 1;
              logger.warn({ component: 'renewals', provider: c.provider, athleteId: c.athleteId, err: (err as Error).message }, 'token renewal failed');
            }
          }
          return r;
        },
      };
      if (config.OAUTH_STATE_SECRET && config.PUBLIC_BASE_URL) {
        const nonceStore = new MongoNonceStore(connection);
        await ensureIndexes(connection);
        const oauth = createOAuthGateway({ registry, stateSecret: config.OAUTH_STATE_SECRET, publicBaseUrl: config.PUBLIC_BASE_URL, nonceStore, logger });
        connectFlow = createConnectFlow({ ...coreDeps, oauth, onConnected: (athleteId, provider) => service.enqueue(athleteId, [provider]) });
        wearableRoutes.push(...oauthRoutes({ flow: connectFlow, providers: registry.oauthProviders, logger }));
      }
      // Oura subscriptions expire: the hourly renewals job creates the missing ones and renews the rest.
      if (config.OURA_CLIENT_ID && config.OURA_CLIENT_SECRET && config.OURA_WEBHOOK_VERIFICATION_TOKEN && config.PUBLIC_BASE_URL) {
        webhookRenewal = new OuraSubscriptions({
          clientId: config.OURA_CLIENT_ID,
          clientSecret: config.OURA_CLIENT_SECRET,
          verificationToken: config.OURA_WEBHOOK_VERIFICATION_TOKEN,
          callbackUrl: `${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/webhooks/oura`,
          ...(config.OURA_API_BASE_URL ? { baseUrl: config.OURA_API_BASE_URL } : {}),
        });
      }
      // Polar's signing key is stored when the webhook is created (after the HTTP server is up, below).
      const secrets = new MongoWebhookSecretStore(connection, cipher);
      webhookSecrets = secrets;
      const polarSecret = config.POLAR_WEBHOOK_SECRET ?? (async () => (await secrets.get('polar'))?.secret);
      wearableRoutes.push(
        ...webhookRoutes({
          ingest: service,
          logger,
          ...(config.OURA_CLIENT_SECRET ? { oura: { clientSecret: config.OURA_CLIENT_SECRET, ...(config.OURA_WEBHOOK_VERIFICATION_TOKEN ? { verificationToken: config.OURA_WEBHOOK_VERIFICATION_TOKEN } : {}) } } : {}),
          ...(config.WHOOP_CLIENT_SECRET ? { whoop: { clientSecret: config.WHOOP_CLIENT_SECRET } } : {}),
          ...(registry.providers.polar ? { polar: { signatureSecret: polarSecret } } : {}),
        }),
      );
    }

    // --- HTTP -------------------------------------------------------------------------------------
    const metrics = createMetricsRegistry();
    const serviceMetrics = createServiceMetrics(metrics);
    const jobRuns = new Counter({ name: 'twincoach_job_runs_total', help: 'Scheduled job runs by outcome', labelNames: ['job', 'outcome'] as const, registers: [metrics] });
    const startedAt = Date.now();
    let scheduler: Scheduler | undefined;
    let http: RunningHttpServer | undefined;
    if (options.http !== false) {
      http = await startHttpServer({
        host: config.HTTP_HOST,
        port: config.HTTP_PORT,
        logger,
        metrics,
        routes: wearableRoutes,
        health: async () => {
          const db = connection ? await pingDatabase(connection) : { ok: true, store: 'memory' };
          return {
            status: db.ok ? 'ok' : 'degraded',
            version,
            uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
            db: { ...db, embedded: embedded !== undefined },
            tfBackend: tf.backend,
            mode: config.localMode ? 'local' : 'connected',
            policy: agent.policyId,
            jobs: scheduler ? Object.fromEntries(Object.entries(scheduler.getStats()).map(([k, v]) => [k, { runs: v.runs, failures: v.failures }])) : {},
          };
        },
      });
      cleanups.push({ name: 'http', run: () => http!.close() });
      // Polar PINGs the route while the webhook is being created, so this runs once the server listens.
      const polar = registry.providers.polar;
      if (polar instanceof PolarProvider && webhookSecrets && config.PUBLIC_BASE_URL && !config.POLAR_WEBHOOK_SECRET) {
        const url = `${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/webhooks/polar`;
        void ensurePolarWebhook({ client: polar, store: webhookSecrets, url })
          .then((out) => logger.info({ component: 'webhooks', provider: 'polar', ...out }, `Polar webhook ${out.status}`))
          .catch((err: unknown) => logger.warn({ component: 'webhooks', provider: 'polar', err: (err as Error).message }, 'Polar webhook could not be created; the nightly sync still runs'));
      }
    }

    // --- outbound chat ----------------------------------------------------------------------------
    const consoleWrite = options.consoleWrite ?? ((t: string) => void process.stdout.write(t));
    const names = new Map<string, string>();
    const senders: ChatSender[] = [];
    const workers =
      connection && !options.singleProcess && config.WORKER_PARTITIONS > 0
        ? partitionedWorker(connection, { partitions: config.WORKER_PARTITIONS, discordToken: config.DISCORD_TOKEN, slackToken: config.SLACK_BOT_TOKEN, logger })
        : undefined;
    if (options.senders) senders.push(...options.senders);
    else {
      if (config.discordEnabled) {
        const discord = new DiscordSender({
          token: config.DISCORD_TOKEN!,
          ...(config.DISCORD_API_BASE_URL ? { apiBaseUrl: config.DISCORD_API_BASE_URL } : {}),
          ...(config.DISCORD_TEAM_CHANNEL_ID ? { teamChannelId: config.DISCORD_TEAM_CHANNEL_ID } : {}),
          ...(workers?.discordGate ? { rateGate: workers.discordGate } : {}),
          logger,
        });
        senders.push(discord);
        cleanups.push({ name: 'discord sender', run: async () => discord.close() });
      }
      if (config.slackEnabled)
        senders.push(
          new SlackSender({
            token: config.SLACK_BOT_TOKEN!,
            ...(config.SLACK_API_BASE_URL ? { apiUrl: config.SLACK_API_BASE_URL } : {}),
            ...(workers?.slackGate ? { rateGate: workers.slackGate } : {}),
            logger,
          }),
        );
      if (config.localMode || config.CONSOLE_CHAT)
        senders.push(
          new ConsoleSender({
            write: consoleWrite,
            color: process.stdout.isTTY === true,
            imageDir: path.join(config.dataDir, 'charts'),
            describe: (t) => (t.kind === 'dm' ? `${names.get(t.userId) ?? t.userId} (DM)` : `#${t.channelId}`),
          }),
        );
    }
    const platforms = (['discord', 'slack', 'console'] as Platform[]).filter((p) => senders.some((s) => s.platform === p));
    const outbox = new Outbox({ leases, senders, logger, ...(options.outbox ?? {}) });
    let simulation: Simulation | undefined;
    const schedules = new SharedSchedules(repositorySchedules(repos), options.schedulesTtlMs ?? 5 * 60_000);
    const contacts = repositoryContacts(repos, { platforms });
    if (workers) {
      schedules.partition(workers.view);
      await workers.start(() => schedules.invalidate());
      cleanups.push({ name: 'partitioned worker', run: () => workers.stop() });
    }
    const delivery = new TrackedDelivery(outbox, (key, target) => simulation?.onDelivered(key, target), serviceMetrics);

    // --- commands ---------------------------------------------------------------------------------
    const charts = createChartRenderer();
    const dispatcher = new CommandDispatcher({
      registry: createRegistry(),
      deps: {
        core,
        clock,
        charts,
        confirm: new ConfirmTokens(config.OAUTH_STATE_SECRET),
        consentVersion: CONSENT_VERSION,
        defaultTimezone: config.DEFAULT_TIMEZONE,
        // local mode: the person at the terminal is the operator — /privacy export writes a file
        ...(config.localMode ? { exports: new FileExportPublisher(path.join(config.dataDir, 'exports')) } : {}),
        ...(connectFlow ? { connectLinks: { authorizeUrl: connectFlow.authorizeUrl } } : {}),
      },
      logger,
    });
    /** Commands may notify other people (an override tells the athlete): delivered to their DM. */
    const dispatch = async (input: CommandInput): Promise<DispatchResult> => {
      const result = await dispatcher.dispatch(input);
      serviceMetrics.command(input.command, input.platform, result.failure?.code ?? 'ok');
      for (const n of result.notify ?? []) {
        const contact = (await contacts.contacts([n.personId])).get(n.personId);
        const dm = contact?.recipients.find((r) => r.audience === 'athlete');
        if (dm) await delivery.deliver(`notify:${randomUUID()}`, dm.target, n.message).catch((err) => logger.warn({ err }, 'notification failed'));
      }
      return result;
    };
    const inbound = { dispatch, describe: dispatcher.describe.bind(dispatcher), parseLine: dispatcher.parseLine.bind(dispatcher), checkOption: dispatcher.checkOption.bind(dispatcher) };

    // --- local mode: the simulated squad ------------------------------------------------------------
    if (config.localMode && options.simulation !== false && config.SIMULATED_ATHLETES > 0) {
      simulation = new Simulation({
        core,
        dispatch,
        clock,
        logger,
        options: {
          ...DEFAULT_SIMULATION,
          athletes: config.SIMULATED_ATHLETES,
          timezones: [config.DEFAULT_TIMEZONE],
          stateFile: path.join(config.dataDir, 'local', 'simulation.json'),
          ...(options.simulation || {}),
        },
      });
      await simulation.setup();
      for (const a of simulation.athletes.values()) names.set(a.userId, a.displayName);
      schedules.invalidate();
    }
    // the console coach reads their name from the identity
    names.set(simulation?.options.coachUserId ?? 'coach', simulation?.options.coachName ?? 'Coach');
    for (const id of await repos.athletes.listIds()) await loadTwin(id).catch(() => undefined);

    // --- jobs ---------------------------------------------------------------------------------------
    const sim = simulation;
    const wearables = options.wearablesIngest ?? (ingestService ? athleteIngestPort(ingestService) : undefined);
    const ingest: AthleteIngest = {
      async ingestAthlete(athleteId, opts) {
        if (sim?.isSimulated(athleteId)) return sim.ingest.ingestAthlete(athleteId, opts);
        if (wearables) return wearables.ingestAthlete(athleteId, opts);
        return { days: 0 };
      },
    };
    const chartsFor = options.morningCharts ?? true;
    const renderer = presenterRenderer({
      history: (athleteId, date) => core.athleteHistory({ personId: athleteId, platform: 'console' }, athleteId, { days: 42, endDate: date }),
      charts,
      chartsFor: typeof chartsFor === 'function' ? chartsFor : () => chartsFor,
      personName: async (id) => (await repos.persons.get(id))?.displayName,
    });
    const jobs = createJobs({
      core,
      config,
      schedules,
      contacts,
      renderer,
      delivery,
      ingest,
      facts: repositoryDayFacts(repos),
      history: repositoryHistory(repos),
      twin: twinUpdater,
      claims: leases,
      owner: outbox.owner,
      retrain:
        options.retrain === false
          ? null
          : {
              activeModel: async () => {
                const a = await repos.policyModels.active();
                return a ? { id: a.model.id, name: a.model.name, version: a.model.version, weights: a.model.weights } : null;
              },
              tf: async () => tf.tf,
              defaultModelPath: DEFAULT_MODEL_PATH,
              ...(options.retrain ? { budget: options.retrain } : {}),
              onActivated: async ({ file }) => swapPolicy(await loadPolicy('dqn', { backend: config.TF_BACKEND, model: file }), `retrained model ${file.name}@${file.version}`),
            },
      ...(tokenRenewal ? { tokens: tokenRenewal } : {}),
      ...(webhookRenewal ? { webhooks: webhookRenewal } : {}),
      onCalibrated: (athleteId, params) => {
        if (isAthleteParams(params)) twinCache.set(athleteId, params);
      },
      extra: simulation ? [simulation.job(schedules)] : [],
    });
    /** A coach changed a session the athlete has already been sent: send the new version (once per revision). */
    const tellOverride = async (athleteId: string, date: string) => {
      const rx = await repos.prescriptions.get(athleteId, date);
      if (!rx || rx.delivery.dm?.status !== 'sent' || rx.delivery.dm.revision === rx.revision) return;
      const contact = (await contacts.contacts([athleteId])).get(athleteId);
      const dm = contact?.recipients.find((r) => r.audience === 'athlete');
      if (!contact || !dm) return;
      const message = await renderer.render({ prescription: rx, contact, audience: 'athlete' });
      const out = await delivery.deliver(`${rx.id}:dm:r${rx.revision}`, dm.target, { ...message, title: `Changed by your coach — ${message.title}` });
      if (out.status === 'sent' || out.status === 'fallback' || out.status === 'already_sent')
        await core.recordDelivery(athleteId, date, 'dm', { status: 'sent', revision: rx.revision, ...(out.message?.messageId ? { messageRef: out.message.messageId } : {}) });
    };
    /** A coach invited a person: DM them who, to which team, with Join / Decline buttons (once per code). */
    const tellInvitation = async (e: Extract<CoreEvent, { type: 'team.invited' }>) => {
      const dm = (await contacts.contacts([e.personId])).get(e.personId)?.recipients.find((r) => r.audience === 'athlete');
      if (!dm) return; // DMs off: the coach got the code to pass on, and /join in a DM lists open invitations
      await delivery.deliver(`invite:${e.teamId}:${e.personId}:${e.code}`, dm.target, presentInvitation({ teamName: e.teamName, invitedByName: e.byName, code: e.code, expiresAt: e.expiresAt }));
    };
    /** After a sign-in link was used: which vendor account is now attached, with a one-press undo (issue #16). */
    const tellConnected = async (athleteId: string, provider: ProviderId, account: VendorAccount | undefined) => {
      const contact = (await contacts.contacts([athleteId])).get(athleteId);
      const dm = contact?.recipients.find((r) => r.audience === 'athlete');
      if (!dm) return;
      await delivery.deliver(`connected:${provider}:${athleteId}:${clock.now().getTime()}`, dm.target, presentConnected({ provider, providerName: PROVIDER_NAMES[provider] ?? provider, account }));
    };
    notifier.on((e) => {
      if (e.type === 'team.invited') void tellInvitation(e).catch((err) => logger.warn({ err, personId: e.personId }, 'could not tell the person about the invitation'));
      if (e.type === 'prescription.approved' || e.type === 'prescription.overridden') jobs.morning.approvalsChanged();
      if (e.type === 'prescription.overridden') void tellOverride(e.athleteId, e.date).catch((err) => logger.warn({ err, athleteId: e.athleteId }, 'could not tell the athlete about the override'));
      if (e.type === 'feedback.recorded') void loadTwin(e.athleteId).catch(() => undefined);
      if (e.type === 'athlete.paused' || e.type === 'athlete.resumed') schedules.invalidate();
      if (e.type === 'connection.connected' && e.via === 'oauth') void tellConnected(e.athleteId, e.provider, e.account).catch((err) => logger.warn({ err, athleteId: e.athleteId }, 'could not tell the athlete which account was connected'));
    });
    const sched = new Scheduler({ jobs: jobs.all, logger, clock, onRun: (job, outcome) => jobRuns.inc({ job, outcome }) });
    scheduler = sched;
    /** The console's `skip`: walk the jobs over the next stretch of virtual time (local mode's clock only). */
    const advanceClock = async (ms: number) => {
      if (!('set' in clock)) throw new AppError('LOCAL.NO_VIRTUAL_CLOCK', 'This service runs on real time; skipping days is for local mode.');
      const from = clock.now();
      await sched.advanceTo(new Date(from.getTime() + ms), clock as SettableClock);
      if (clock instanceof OffsetClock) {
        mkdirSync(path.dirname(clockFile), { recursive: true });
        writeFileSync(clockFile, `${JSON.stringify({ offsetMs: clock.offset })}\n`);
      }
      return { from, to: clock.now() };
    };

    const localCommands = config.localMode
      ? localConsoleCommands({
          core,
          ingest,
          contacts,
          renderer,
          now: () => clock.now(),
          athletes: () => (simulation ? [...simulation.athletes.values()].map((a) => ({ userId: a.userId, displayName: a.displayName, athleteId: a.athleteId, timezone: a.timezone })) : []),
          advance: (ms) => advanceClock(ms),
        })
      : [];

    // --- inbound chat (REPL, Discord gateway) ---------------------------------------------------
    let repl: ConsoleRepl | undefined;
    let replDone: Promise<void> | undefined;
    let replInput: { end(): void } | undefined;
    if (config.localMode && config.CONSOLE_CHAT && options.console !== false) {
      const io: { input: Readable; output: Writable; color?: boolean; width?: number } = options.console ?? { input: process.stdin, output: process.stdout, color: process.stdout.isTTY === true };
      const { PassThrough } = await import('node:stream');
      const input = new PassThrough();
      io.input.pipe(input);
      replInput = { end: () => (io.input.unpipe(input), input.end()) };
      const coach = { userId: simulation?.options.coachUserId ?? 'coach', displayName: simulation?.options.coachName ?? 'Coach' };
      /** Who `as <name>` can become: the coach and the simulated athletes (by name or console id). */
      const consolePeople = () => [coach, ...(simulation ? [...simulation.athletes.values()].map((a) => ({ userId: a.userId, displayName: a.displayName })) : [])];
      repl = new ConsoleRepl({
        dispatcher: inbound,
        input,
        output: io.output,
        userId: simulation?.options.coachUserId ?? 'coach',
        displayName: simulation?.options.coachName ?? 'Coach',
        workspaceId: 'local',
        channelId: 'team',
        ...(io.color !== undefined ? { color: io.color } : {}),
        ...(io.width !== undefined ? { width: io.width } : {}),
        imageDir: path.join(config.dataDir, 'charts'),
        resolveUser: (name) => consolePeople().find((p) => [p.displayName.toLowerCase(), p.userId.toLowerCase()].includes(name.toLowerCase())),
        people: () => consolePeople().map((p) => p.displayName),
        extraCommands: localCommands,
        helpNotes: [
          `Every start catches up today's mornings that are due (a first start sends today's messages at once); afterwards each athlete's morning arrives at their local ${config.DEFAULT_MORNING_TIME} unless they chose another time.`,
          `Charts are saved as PNG files in ${path.join(config.dataDir, 'charts')}; the log is ${path.join(config.dataDir, 'twincoach.log')}.`,
        ],
      });
      replDone = repl.run().then(() => options.onConsoleExit?.());
      cleanups.push({
        name: 'console chat',
        run: async () => {
          replInput?.end();
          if (io.input === process.stdin) process.stdin.pause();
          await replDone;
        },
      });
    }
    if (config.discordEnabled && !options.senders) {
      const discord = new DiscordInteractions({ dispatcher: inbound, logger, token: config.DISCORD_TOKEN!, ...(config.DISCORD_API_BASE_URL ? { apiBaseUrl: config.DISCORD_API_BASE_URL } : {}) });
      await discord.start();
      cleanups.push({ name: 'discord gateway', run: () => discord.stop() });
    }
    if (config.slackEnabled && !options.senders) {
      // Slash commands, buttons, modals and App Home through Bolt: HTTP mode is one route on our HTTP
      // front (body limit there, signature and replay checks in slack/receiver.ts), Socket Mode connects out.
      const slack = new SlackApp({
        dispatcher: inbound,
        logger,
        botToken: config.SLACK_BOT_TOKEN!,
        ...(config.SLACK_API_BASE_URL ? { apiUrl: config.SLACK_API_BASE_URL } : {}),
        transport:
          config.SLACK_MODE === 'socket'
            ? { mode: 'socket', appToken: config.SLACK_APP_TOKEN! }
            : { mode: 'http', signingSecret: config.SLACK_SIGNING_SECRET!, path: '/slack/events' },
      });
      if (config.SLACK_MODE === 'socket') await slack.start();
      else if (http && slack.route) http.addRoute(slack.route);
      else logger.warn({ component: 'slack' }, 'Slack HTTP mode needs the HTTP server: inbound Slack commands are off');
      cleanups.push({ name: 'slack app', run: () => slack.stop() });
    }

    // --- deliveries in flight, then the schedules (stopped first) ---------------------------------
    cleanups.push({
      name: 'deliveries',
      run: async () => {
        const n = await delivery.drain(30_000);
        if (n > 0) logger.info({ deliveries: n }, 'in-flight deliveries finished');
        if (ingestService) await Promise.race([ingestService.idle(), new Promise((r) => setTimeout(r, 30_000).unref())]);
      },
    });
    cleanups.push({ name: 'scheduler', run: () => sched.stop() });
    if (realTime) sched.start();
    if (options.catchUpOnStart ?? realTime) {
      // Today's overdue mornings: sync first, then prescribe and deliver (not awaited: start-up stays fast).
      void sched.runNow('nightly-ingest').then(() => sched.runNow('morning-delivery'));
    }

    const dbWhere = memoryStore ? 'in memory (nothing is kept)' : embedded ? `embedded FerretDB at ${embedded.uri} (data in ${embeddedDataDir(config.dataDir)})` : safeUri(uri!);
    const chat = [
      ...platforms.map((p) => (p === 'console' ? 'console (this terminal)' : p)),
      ...(repl ? ['REPL as coach'] : []),
    ].join(', ');
    const squad = simulation ? `${simulation.athletes.size} simulated athletes in "${simulation.options.teamName}"` : 'no simulated athletes';
    logger.info(
      { version, mode: config.localMode ? 'local' : 'connected', http: http?.url, startupMs: Math.round(performance.now() - started), policy: agent.policyId, scheduler: realTime ? 'real time' : 'virtual clock' },
      `twincoach ${version} running in ${config.localMode ? 'local' : 'connected'} mode — HTTP ${http ? `${http.url} (health: ${http.url}/healthz)` : 'off'}, database: ${dbWhere}, TF.js: ${tf.backend}, policy ${agent.policyId}, chat: ${chat || 'none'}, ${squad}, jobs on ${realTime ? 'real time' : 'a virtual clock'}`,
    );

    let stopping: Promise<void> | undefined;
    return {
      config,
      connection,
      http,
      tf,
      ...(embedded ? { embedded } : {}),
      clock,
      core,
      repos,
      scheduler: sched,
      jobs,
      outbox,
      simulation,
      dispatch,
      policyId: () => agent.policyId,
      localCommands,
      stop: (reason?: string) =>
        (stopping ??= (async () => {
          logger.info({ reason }, 'shutting down');
          await stopAll();
          logger.info('stopped');
        })()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

