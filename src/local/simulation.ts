/**
 * Local mode's simulated squad: a team with a coach (the human at the terminal, `console:coach`) and
 * SIMULATED_ATHLETES athletes, each backed by a twin (simulated-athlete.ts).
 *
 * Each simulated athlete lives through the same service a human would:
 * - created on first start through the use cases (registerPerson/createTeam/registerAthlete/joinTeam —
 *   the athlete joins by their own act, as membership takes consent; even-numbered athletes choose to show
 *   their readiness in the team channel, the others keep the default, session only),
 *   with six weeks of wearable history from the twin's habitual plan (like a real athlete's backfill);
 * - nightly data: `ingest` implements the jobs' AthleteIngest port — the twin's night becomes the
 *   'simulated' provider's SourceDays, stored with recordSourceDays;
 * - each evening (their local 18:00–19:30) the athlete does the session they were sent (sometimes
 *   shorter, sometimes not at all; their twin decides whether they got ill or injured), and usually
 *   replies with /feedback (RPE, minutes, done/partial/skipped, soreness) through the command dispatcher;
 *   when they forget, the service's 20:00 reminder often gets a late reply (they "read" their DMs:
 *   `onDelivered` sees every message the outbox delivers to them).
 *
 * State: the twin is rebuilt after a restart by replaying the session log from `stateFile` (same seeds →
 * same athletes); without a state file (tests, the demo) it lives in memory.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandInput } from '../core/chat.ts';
import type { Clock } from '../core/clock.ts';
import type { UseCases } from '../core/index.ts';
import { addDays, localDate } from '../core/local-time.ts';
import type { SourceDay } from '../core/metrics.ts';
import type { Actor } from '../core/types.ts';
import { isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { DueIndex, type SharedSchedules } from '../../jobs/due-index.ts';
import type { Job, JobSummary } from '../../jobs/job.ts';
import type { AthleteIngest } from '../../jobs/ports.ts';
import { generatePopulation, SESSION_TYPES, type SessionType } from '../../twin/index.ts';
import { DEFAULT_BEHAVIOUR, SimulatedAthlete, type Behaviour, type SimDay } from './simulated-athlete.ts';

export const SIMULATION_JOB = 'simulated-athletes';

const NAMES = ['Alex', 'Sam', 'Jordan', 'Riley', 'Casey', 'Morgan', 'Taylor', 'Jamie', 'Robin', 'Quinn', 'Avery', 'Rowan', 'Skyler', 'Parker', 'Reese', 'Emery'];
const MORNINGS = ['06:30', '06:00', '07:00', '07:15', '05:45', '06:45'];
const EVENINGS = ['18:30', '18:00', '19:00', '19:15'];

export interface SimulationOptions {
  athletes: number;
  /** Zones of the athletes, cycled (default: the configured DEFAULT_TIMEZONE for all). */
  timezones: string[];
  seed: number;
  warmupDays: number;
  behaviour: Behaviour;
  /** Probability an athlete sends feedback on their own in the evening. */
  feedbackRate: number;
  /** Probability an athlete who forgot answers the 20:00 reminder. */
  reminderReplyRate: number;
  teamName: string;
  coachUserId: string;
  coachName: string;
  /** Where the twins' session logs are kept between runs (npm start); none = memory only. */
  stateFile?: string;
  /** Morning times, cycled over the athletes. */
  mornings?: string[];
}

export const DEFAULT_SIMULATION: Omit<SimulationOptions, 'athletes' | 'timezones'> = {
  seed: 2026,
  warmupDays: 42,
  behaviour: DEFAULT_BEHAVIOUR,
  feedbackRate: 0.8,
  reminderReplyRate: 0.7,
  teamName: 'Local squad',
  coachUserId: 'coach',
  coachName: 'Coach',
};

export interface SimulationDeps {
  core: UseCases;
  /** The command dispatcher (the same one the REPL and chat platforms use). */
  dispatch: (input: CommandInput) => Promise<{ failure?: { code: string } }>;
  clock: Clock;
  logger: Logger;
  options: SimulationOptions;
}

interface StateFile {
  version: 1;
  seed: number;
  athletes: { athleteId: string; index: number; startDate: string; sessions: [number, number][]; prescribed: (string | null)[]; recordedFull: string | null; recordedMorning: string | null; feedback: string[] }[];
}

export const CONSOLE_WORKSPACE = 'local';
export const CONSOLE_TEAM_CHANNEL = 'team';

export class Simulation {
  readonly athletes = new Map<string, SimulatedAthlete>();
  coach: Actor | undefined;
  teamId: string | undefined;
  private readonly log: Logger;
  private readonly replies = new Map<string, { athleteId: string; date: string }>();
  private readonly evening = new DueIndex({ timeOf: (s) => (this.athletes.has(s.athleteId) ? EVENINGS[this.athletes.get(s.athleteId)!.index % EVENINGS.length]! : null) });
  private stats = { feedback: 0, lateFeedback: 0, forgot: 0, checkins: 0, overrides: 0 };

  constructor(private readonly deps: SimulationDeps) {
    this.log = deps.logger.child({ component: 'simulation' });
  }

  get options(): SimulationOptions {
    return this.deps.options;
  }

  get counters(): Readonly<typeof this.stats> {
    return this.stats;
  }

  /** Create the team and athletes on first start; rebuild the twins on later starts. Idempotent. */
  async setup(): Promise<{ created: number; resumed: number }> {
    const { core, options } = this.deps;
    const now = this.deps.clock.now();
    const coachTz = options.timezones[0]!;
    const { actor: coach } = await core.registerPerson({ platform: 'console', platformUserId: options.coachUserId, displayName: options.coachName, timezone: coachTz }, coachTz);
    this.coach = coach;
    let teamId: string;
    try {
      teamId = (await core.findTeamByChannel('console', CONSOLE_WORKSPACE, CONSOLE_TEAM_CHANNEL)).id;
    } catch (err) {
      if (!isAppError(err, 'TEAM.NOT_FOUND')) throw err;
      teamId = (await core.createTeam(coach, { name: options.teamName, binding: { platform: 'console', workspaceId: CONSOLE_WORKSPACE, channelId: CONSOLE_TEAM_CHANNEL } })).id;
    }
    this.teamId = teamId;

    const state = this.readState();
    const population = generatePopulation({ n: options.athletes, seed: options.seed });
    let created = 0;
    let resumed = 0;
    for (let i = 0; i < options.athletes; i++) {
      const name = i < NAMES.length ? NAMES[i]! : `${NAMES[i % NAMES.length]} ${Math.floor(i / NAMES.length) + 1}`;
      const userId = `sim-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
      const timezone = options.timezones[i % options.timezones.length]!;
      const params = population[i]!;
      let actor: Actor;
      let isNew = false;
      try {
        actor = await core.resolveActor('console', userId);
      } catch (err) {
        if (!isAppError(err, 'AUTH.UNKNOWN_USER')) throw err;
        const mornings = options.mornings ?? MORNINGS;
        actor = (
          await core.registerAthlete({
            platform: 'console',
            platformUserId: userId,
            displayName: name,
            timezone,
            morningTime: mornings[i % mornings.length]!,
            sport: params.sport,
            level: params.level,
            consentVersion: 'simulated',
            simulated: true,
          })
        ).actor;
        isNew = true;
      }
      // Each athlete joins by their own act, as a human would; every other one chooses to show their
      // readiness in the team channel, so the demo shows both choices (the default is session only).
      await core.joinTeam(actor, teamId, isNew ? { teamChannel: i % 2 === 0 ? 'readiness' : 'session' } : {});
      const saved = state?.athletes.find((a) => a.athleteId === actor.personId);
      const today = localDate(now, timezone);
      const sim = new SimulatedAthlete({
        athleteId: actor.personId,
        userId,
        displayName: name,
        timezone,
        index: i,
        params,
        seed: options.seed,
        startDate: saved && !isNew ? saved.startDate : addDays(today, -options.warmupDays),
        warmupDays: options.warmupDays,
        behaviour: options.behaviour,
      });
      if (saved && !isNew) {
        sim.replay(saved.sessions, saved.prescribed as (SessionType | null)[]);
        sim.recordedFull = saved.recordedFull;
        sim.recordedMorning = saved.recordedMorning;
        for (const d of saved.feedback) sim.feedbackGiven.add(d);
        resumed += 1;
      } else {
        sim.warmUp();
        await this.record(sim, today);
        created += 1;
      }
      this.athletes.set(actor.personId, sim);
    }
    this.saveState();
    this.log.info({ team: options.teamName, athletes: this.athletes.size, created, resumed }, `simulated squad ready: ${[...this.athletes.values()].map((a) => `${a.displayName} (${a.params.sport}, ${a.params.level})`).join(', ')}`);
    return { created, resumed };
  }

  isSimulated(athleteId: string): boolean {
    return this.athletes.has(athleteId);
  }

  /** Simulate every day before `date` (exclusive), using what the athlete was sent. */
  private async simulateUntil(sim: SimulatedAthlete, date: string): Promise<SimDay[]> {
    const out: SimDay[] = [];
    while (sim.nextDate < date) {
      const day = sim.nextDate;
      const view = await this.deps.core.sessionFor({ personId: sim.athleteId, platform: 'console' }, sim.athleteId, day).catch(() => ({ status: 'none' as const }));
      const rx = view.status === 'ready' ? view.prescription : null;
      const seen = rx && Object.values(rx.delivery).some((d) => d.status === 'sent');
      const prescribed = rx && seen ? { type: rx.session.type, minutes: rx.session.minutes } : null;
      const { session, completion } = sim.choose(prescribed);
      out.push(sim.step(session, prescribed?.type ?? null, prescribed ? completion : null));
    }
    return out;
  }

  /** Store what the wearable saw through `date`'s morning. */
  private async record(sim: SimulatedAthlete, date: string): Promise<number> {
    const days: SourceDay[] = [];
    for (let d = sim.recordedFull ? addDays(sim.recordedFull, 1) : sim.startDate; d < date && d < sim.nextDate; d = addDays(d, 1)) {
      const s = sim.sourceDay(d, true);
      if (s) days.push(s);
      sim.recordedFull = d;
    }
    if ((sim.recordedMorning ?? '') < date && sim.nextDate === date) {
      const s = sim.sourceDay(date, false);
      if (s) days.push(s);
      sim.recordedMorning = date;
    }
    if (days.length > 0) await this.deps.core.recordSourceDays(sim.athleteId, days);
    return days.length;
  }

  /** The jobs' ingest port for simulated athletes: the night that ended on `date`. */
  readonly ingest: AthleteIngest = {
    ingestAthlete: async (athleteId, { date }) => {
      const sim = this.athletes.get(athleteId);
      if (!sim) return { days: 0 };
      await this.simulateUntil(sim, date);
      const days = await this.record(sim, date);
      this.saveState();
      return { days, sources: ['simulated'] };
    },
  };

  /** The outbox delivered something: athletes read their DMs (a reminder may get a late reply). */
  onDelivered(deliveryKey: string, target: { platform: string; kind: string; userId?: string }): void {
    const m = /^reminder:([^:]+):(\d{4}-\d{2}-\d{2}):dm$/.exec(deliveryKey);
    if (!m || target.platform !== 'console') return;
    const sim = this.athletes.get(m[1]!);
    if (!sim || sim.coin(m[2]!, 2) >= this.deps.options.reminderReplyRate) return;
    this.replies.set(`${m[1]}|${m[2]}`, { athleteId: m[1]!, date: m[2]! });
  }

  private async sendFeedback(sim: SimulatedAthlete, rec: SimDay, late: boolean): Promise<boolean> {
    if (sim.feedbackGiven.has(rec.date)) return false;
    const o = rec.observation;
    const options: Record<string, string> = { date: rec.date, completion: rec.completion };
    if (rec.completion === 'skipped') options.minutes = '0';
    else {
      options.minutes = String(Math.max(1, Math.round(rec.done.minutes)));
      if (o.rpe !== undefined) options.rpe = String(Math.min(10, Math.max(1, Math.round(o.rpe))));
      if (o.soreness !== undefined) options.soreness = String(Math.min(5, Math.max(1, Math.round(o.soreness))));
    }
    const r = await this.deps.dispatch({ platform: 'console', platformUserId: sim.userId, displayName: sim.displayName, command: 'feedback', options, source: 'text' });
    if (r.failure) {
      this.log.warn({ athlete: sim.displayName, date: rec.date, code: r.failure.code }, 'simulated feedback refused');
      return false;
    }
    sim.feedbackGiven.add(rec.date);
    if (late) this.stats.lateFeedback += 1;
    else this.stats.feedback += 1;
    if (o.illness || o.injury) {
      await this.deps.dispatch({ platform: 'console', platformUserId: sim.userId, command: 'checkin', options: { date: rec.date, ...(o.illness ? { ill: 'true' } : {}), ...(o.injury ? { injured: 'true' } : {}) }, source: 'text' });
      this.stats.checkins += 1;
    }
    return true;
  }

  /** The evening job: each athlete lives their day at their local evening time and (usually) reports it. */
  job(schedules: SharedSchedules): Job {
    let loadedVersion = -1;
    return {
      name: SIMULATION_JOB,
      schedule: '* * * * *',
      due: (now) => this.replies.size > 0 || schedules.stale(now) || loadedVersion !== schedules.version || this.evening.due(now),
      run: async (ctx): Promise<JobSummary> => {
        const { now } = ctx;
        const list = await schedules.list(now);
        if (loadedVersion !== schedules.version) {
          this.evening.load(list, now);
          loadedVersion = schedules.version;
        }
        const c = { lived: 0, feedback: 0, forgot: 0, lateReplies: 0 };
        for (const it of this.evening.take(now)) {
          const sim = this.athletes.get(it.athleteId);
          if (!sim) continue;
          try {
            await this.simulateUntil(sim, addDays(it.date, 1));
            const rec = sim.days.get(it.date);
            c.lived += 1;
            // Feedback for sessions they were sent and trained (or skipped); nothing to say on a rest day.
            if (rec && rec.prescribed && rec.prescribed !== 'REST') {
              if (sim.coin(it.date, 1) < this.deps.options.feedbackRate) {
                if (await this.sendFeedback(sim, rec, false)) c.feedback += 1;
              } else {
                c.forgot += 1;
                this.stats.forgot += 1;
              }
            }
            this.evening.done(it.athleteId, it.date);
          } catch (err) {
            ctx.logger.warn({ err, athlete: sim.displayName, date: it.date }, 'simulated day failed; will retry');
            this.evening.retry(it.athleteId, it.date, new Date(now.getTime() + 10 * 60_000));
          }
        }
        for (const [k, r] of [...this.replies]) {
          this.replies.delete(k);
          const sim = this.athletes.get(r.athleteId);
          const rec = sim?.days.get(r.date);
          if (sim && rec && (await this.sendFeedback(sim, rec, true))) c.lateReplies += 1;
        }
        this.saveState();
        const summary: JobSummary = {};
        for (const [k, v] of Object.entries(c)) if (v > 0) summary[k] = v;
        return summary;
      },
    };
  }

  private readState(): StateFile | null {
    const file = this.deps.options.stateFile;
    if (!file || !existsSync(file)) return null;
    try {
      const s = JSON.parse(readFileSync(file, 'utf8')) as StateFile;
      if (s.version !== 1 || s.seed !== this.deps.options.seed) return null;
      return s;
    } catch (err) {
      this.log.warn({ err, file }, 'simulation state unreadable; starting the twins afresh');
      return null;
    }
  }

  saveState(): void {
    const file = this.deps.options.stateFile;
    if (!file) return;
    const s: StateFile = {
      version: 1,
      seed: this.deps.options.seed,
      athletes: [...this.athletes.values()].map((a) => ({
        athleteId: a.athleteId,
        index: a.index,
        startDate: a.startDate,
        sessions: a.sessions,
        prescribed: [...a.days.values()].map((d) => d.prescribed),
        recordedFull: a.recordedFull,
        recordedMorning: a.recordedMorning,
        feedback: [...a.feedbackGiven],
      })),
    };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(s));
    renameSync(`${file}.tmp`, file);
  }
}

export { SESSION_TYPES };
