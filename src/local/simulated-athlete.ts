/**
 * One simulated athlete: a twin (twin/ TwinEnv with one athlete) that lives day by day on the athlete's
 * local calendar, plus the athlete's behaviour (does the prescribed session, sometimes shorter, sometimes
 * not at all). Everything random is seeded: the twin's stream by (seed, index), the behaviour by a
 * stateless hash of (seed, index, day), so replaying the same sessions rebuilds the same athlete after a
 * restart (state file) and two runs of the demo are identical.
 *
 * Calendar: twin day 0 is `startDate`; `warmupDays` days of the twin's habitual periodised plan precede
 * the day the athlete was created (the history a real athlete brings when they connect a wearable).
 */
import { DateTime } from 'luxon';
import type { SourceDay } from '../core/metrics.ts';
import {
  HARD_SESSIONS,
  SESSION_INDEX,
  SESSION_TYPES,
  TwinEnv,
  hashUniform,
  markerFromPerformance,
  periodizedSession,
  type AthleteParams,
  type DailyObservation,
  type Session,
  type SessionType,
} from '../../twin/index.ts';
import { addDays } from '../core/local-time.ts';

export interface Behaviour {
  /** Probability of doing the prescribed session as written. */
  follow: number;
  /** Probability of doing a shorter version (60 %); the rest of the time the session is skipped. */
  partial: number;
}

export const DEFAULT_BEHAVIOUR: Behaviour = { follow: 0.82, partial: 0.1 };

/** What happened on one simulated day. */
export interface SimDay {
  date: string;
  prescribed: SessionType | null;
  done: Session;
  completion: 'done' | 'partial' | 'skipped';
  /** Full observation of the day (wearable readings, RPE, soreness, illness/injury). */
  observation: DailyObservation;
  /** Twin truth after the day. */
  truth: { performance: number; marker: number; acwr: number; hrvZ: number; injured: boolean; ill: boolean };
}

export interface SimAthleteInit {
  athleteId: string;
  userId: string;
  displayName: string;
  timezone: string;
  index: number;
  params: AthleteParams;
  seed: number;
  startDate: string;
  warmupDays: number;
  behaviour?: Behaviour;
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

export class SimulatedAthlete {
  readonly athleteId: string;
  readonly userId: string;
  readonly displayName: string;
  readonly timezone: string;
  readonly index: number;
  readonly params: AthleteParams;
  readonly startDate: string;
  readonly warmupDays: number;
  private readonly env: TwinEnv;
  private readonly seed: number;
  private readonly behaviour: Behaviour;
  /** Sessions actually done, one per twin day (the replay log). */
  readonly sessions: [number, number][] = [];
  readonly days = new Map<string, SimDay>();
  /** Last day recorded in full / last morning recorded, in the database. */
  recordedFull: string | null = null;
  recordedMorning: string | null = null;
  /** Days the athlete already gave feedback for (never twice). */
  readonly feedbackGiven = new Set<string>();
  /** Truth at the first day after warm-up (the season start). */
  seasonStart: { performance: number; marker: number; injuries: number; illnesses: number } | undefined;

  constructor(readonly init: SimAthleteInit) {
    this.athleteId = init.athleteId;
    this.userId = init.userId;
    this.displayName = init.displayName;
    this.timezone = init.timezone;
    this.index = init.index;
    this.params = { ...init.params, id: init.athleteId };
    this.seed = init.seed;
    this.startDate = init.startDate;
    this.warmupDays = init.warmupDays;
    this.behaviour = init.behaviour ?? DEFAULT_BEHAVIOUR;
    this.env = new TwinEnv({ seed: init.seed * 1009 + init.index, horizonDays: 1_000_000, missingRate: 0.05, startDate: init.startDate });
    this.env.reset([this.params]);
  }

  /** The coming (not yet simulated) day. */
  get nextDate(): string {
    return addDays(this.startDate, this.env.day);
  }

  get seasonStartDate(): string {
    return addDays(this.startDate, this.warmupDays);
  }

  /** Days simulated so far (the twin's day index of the coming day). */
  get dayIndex(): number {
    return this.env.day;
  }

  /** A fresh twin of the same athlete with the same random streams (paired comparisons). */
  twin(): SimulatedAthlete {
    return new SimulatedAthlete(this.init);
  }

  /** Simulate the warm-up (the habitual plan) up to the season start. */
  warmUp(): void {
    while (this.env.day < this.warmupDays) this.step(periodizedSession(this.params, this.env.day), null, 'done');
  }

  /** Replay a session log (restart): same seed + same sessions → the same athlete. */
  replay(sessions: readonly [number, number][], prescribed: readonly (SessionType | null)[] = []): void {
    sessions.forEach(([t, m], k) => this.step({ type: SESSION_TYPES[t]!, minutes: m }, prescribed[k] ?? null, null));
  }

  /** What the athlete does with a prescription (or, without one, their habitual plan). */
  choose(prescribed: Session | null): { session: Session; completion: 'done' | 'partial' | 'skipped' } {
    const day = this.env.day;
    if (!prescribed) return { session: periodizedSession(this.params, day), completion: 'done' };
    if (prescribed.type === 'REST') return { session: { type: 'REST', minutes: 0 }, completion: 'done' };
    const u = hashUniform(this.seed, this.index, day, 7);
    if (u < this.behaviour.follow) return { session: { ...prescribed }, completion: 'done' };
    if (u < this.behaviour.follow + this.behaviour.partial) return { session: { type: prescribed.type, minutes: Math.max(10, Math.round(prescribed.minutes * 0.6)) }, completion: 'partial' };
    return { session: { type: 'REST', minutes: 0 }, completion: 'skipped' };
  }

  /** A stateless coin for this athlete and day (feedback given? reply to a reminder?). */
  coin(day: string, purpose: number): number {
    return hashUniform(this.seed, this.index, DateTime.fromISO(day, { zone: 'UTC' }).toSeconds() / 86_400, 100 + purpose);
  }

  /** Simulate the coming day with `session`. Returns the day's record. */
  step(session: Session, prescribed: SessionType | null, completion: SimDay['completion'] | null): SimDay {
    const date = this.nextDate;
    const r = this.env.stepSessions([session]);
    const forced = r.overridden[0] === 1;
    this.sessions.push([SESSION_INDEX[session.type], session.minutes]);
    const observation = this.env.observe(0);
    const t = this.env.truth();
    const done: Session = forced ? { type: 'REST', minutes: 0 } : { ...session };
    const rec: SimDay = {
      date,
      prescribed,
      done,
      completion: forced ? 'skipped' : (completion ?? (session.type === 'REST' && prescribed !== 'REST' && prescribed !== null ? 'skipped' : 'done')),
      observation,
      truth: {
        performance: t.performance[0]!,
        marker: t.marker[0]!,
        acwr: t.acwr[0]!,
        hrvZ: t.hrvZ[0]!,
        injured: t.injuredDaysLeft[0]! > 0 || observation.injury === true,
        ill: t.illDaysLeft[0]! > 0 || observation.illness === true,
      },
    };
    this.days.set(date, rec);
    if (this.env.day === this.warmupDays) {
      this.seasonStart = { performance: t.performance[0]!, marker: t.marker[0]!, injuries: t.injuries[0]!, illnesses: t.illnesses[0]! };
    }
    return rec;
  }

  /** The wearable's view of a simulated day (full: with the day's workout). */
  sourceDay(date: string, full: boolean): SourceDay | null {
    let o: DailyObservation | undefined;
    if (full) o = this.days.get(date)?.observation;
    else if (date === this.nextDate) o = this.env.observeMorning(0);
    else o = this.days.get(date)?.observation;
    if (!o) return null;
    const metrics: SourceDay['metrics'] = {};
    if (o.hrvRmssd !== undefined) metrics.hrvRmssd = round(o.hrvRmssd, 1);
    if (o.restingHr !== undefined) metrics.restingHr = round(o.restingHr, 1);
    if (o.sleepHours !== undefined) metrics.sleepHours = round(o.sleepHours, 2);
    if (o.sleepScore !== undefined) metrics.sleepScore = Math.round(o.sleepScore);
    const workouts: SourceDay['workouts'] = [];
    if (full && o.load !== undefined && o.load > 0 && o.sessionType && o.sessionType !== 'REST') {
      metrics.load = round(o.load, 1);
      const start = DateTime.fromISO(`${date}T17:30:00`, { zone: this.timezone }).toISO() ?? `${date}T17:30:00Z`;
      workouts.push({
        source: 'simulated',
        externalId: `sim-${this.athleteId}-${date}`,
        date,
        start,
        sport: o.sessionType,
        minutes: Math.round(o.minutes ?? 0),
        load: round(o.load, 1),
        loadMethod: 'tss',
      });
    } else if (full) metrics.load = 0;
    if (Object.keys(metrics).length === 0 && workouts.length === 0) return null;
    return { source: 'simulated', date, metrics, raw: { twin: 1 }, workouts };
  }

  /** Truth now (for reports). */
  currentTruth(): { performance: number; marker: number; injuries: number; illnesses: number } {
    const t = this.env.truth();
    return { performance: t.performance[0]!, marker: t.marker[0]!, injuries: t.injuries[0]!, illnesses: t.illnesses[0]! };
  }

  markerAt(performance: number): number {
    return markerFromPerformance(this.params, performance);
  }

  static isHard(type: SessionType): boolean {
    return HARD_SESSIONS.has(type);
  }
}
