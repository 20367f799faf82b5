/**
 * Read-only views the chat commands need (added for commands/, issue 8): who the actor is (profile, teams,
 * roles), an athlete's recent history as daily series for the chart, a team's roster, and an athlete's
 * week. Nothing here writes; authorization follows context.ts (self, or a coach of the athlete's team).
 */
import { dayLoad } from '../../agent/state/index.ts';
import type { SessionPlan } from '../../agent/decision.ts';
import { loadProfile, optionsOf, requireSelfOrCoach, requireTeamRole, todayIn } from './context.ts';
import { fail } from './error-codes.ts';
import { addDays } from './local-time.ts';
import { buildHistory, morningState } from './observations.ts';
import type { CoreDeps } from './ports.ts';
import { isVisibleToAthlete } from './prescribe.use-case.ts';
import type { Actor, AthleteProfile, AthleteStatus, Completion, Person, Platform, Role, Team } from './types.ts';
import { requireDate } from './validation.ts';

export interface MyTeam {
  teamId: string;
  teamName: string;
  roles: Role[];
  approvalMode: boolean;
}

export interface Me {
  person: Person;
  /** The athlete profile, when the person trains. */
  athlete: AthleteProfile | null;
  teams: MyTeam[];
  /** Platforms with a linked chat account. */
  platforms: Platform[];
  /** The person's local calendar day now. */
  today: string;
}

/** The actor's own profile, teams and roles. */
export async function whoAmI(deps: CoreDeps, actor: Actor): Promise<Me> {
  const person = await deps.persons.get(actor.personId);
  if (!person) throw fail('PERSON.NOT_FOUND', 'I could not find your profile; please /register again.');
  const [profiles, memberships, identities] = await Promise.all([
    deps.athletes.profiles([actor.personId]),
    deps.memberships.listForPersons([actor.personId]),
    deps.identities.listForPerson(actor.personId),
  ]);
  const teams = await deps.teams.getMany(memberships.map((m) => m.teamId));
  const byId = new Map(teams.map((t) => [t.id, t]));
  return {
    person,
    athlete: profiles[0] ?? null,
    teams: memberships
      .filter((m) => byId.has(m.teamId))
      .map((m) => ({ teamId: m.teamId, teamName: byId.get(m.teamId)!.name, roles: [...m.roles], approvalMode: byId.get(m.teamId)!.settings.approvalMode }))
      .sort((a, b) => a.teamName.localeCompare(b.teamName)),
    platforms: [...new Set(identities.map((i) => i.platform))],
    today: todayIn(deps, person.timezone),
  };
}

/** Daily series (one entry per day, null = no data), ready for the athlete chart. */
export interface AthleteHistory {
  athleteId: string;
  displayName: string;
  days: string[];
  load: (number | null)[];
  ctl: (number | null)[];
  atl: (number | null)[];
  tsb: (number | null)[];
  /** 7-day mean of ln rMSSD, the day's ln rMSSD, and the normal band (baseline mean ± 0.5 SD). */
  hrv: { values: (number | null)[]; daily: (number | null)[]; bandLow: (number | null)[]; bandHigh: (number | null)[] };
  restingHr: (number | null)[];
  sleepHours: (number | null)[];
  /** Days with illness or injury reported, a coach override, or a coach constraint in force. */
  marks: { date: string; kind: 'illness' | 'override' | 'constraint' }[];
}

const r = (v: number | undefined, digits: number): number | null => (v === undefined || !Number.isFinite(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/**
 * The athlete's last `days` days (default 42) ending `endDate` (default their today): the athlete or their
 * coaches. Each day's fitness, fatigue, form and HRV are that morning's state computed exactly as the
 * morning decision computes it (observations.ts morningState: the same window, loads up to the day
 * before), so the last point of the chart is the number the morning message and /why cite. The load bar
 * of a day is that day's own training.
 */
export async function athleteHistory(deps: CoreDeps, actor: Actor, athleteId: string, options: { days?: number; endDate?: string } = {}): Promise<AthleteHistory> {
  const profile = await loadProfile(deps, athleteId);
  await requireSelfOrCoach(deps, actor, athleteId, 'see training history');
  const { historyDays } = optionsOf(deps);
  const n = Math.max(1, Math.min(182, Math.round(options.days ?? 42)));
  const end = options.endDate === undefined ? todayIn(deps, profile.timezone) : requireDate(options.endDate);
  const start = addDays(end, -(n - 1));
  const from = addDays(start, -historyDays);
  const [metrics, feedback, prescriptions, constraints] = await Promise.all([
    deps.dailyMetrics.listRange([athleteId], from, end),
    deps.feedback.listRange([athleteId], from, end),
    deps.prescriptions.listRange([athleteId], start, end),
    deps.constraints.listActive([athleteId], start, end),
  ]);
  const overridden = new Set(prescriptions.filter((p) => p.override !== undefined).map((p) => p.date));
  // Every day up to `end` in full (buildHistory(date) keeps only the morning of `date` itself).
  const byDate = new Map(buildHistory(addDays(end, 1), metrics, feedback).map((o) => [o.date, o]));
  const out: AthleteHistory = {
    athleteId,
    displayName: profile.displayName,
    days: [],
    load: [],
    ctl: [],
    atl: [],
    tsb: [],
    hrv: { values: [], daily: [], bandLow: [], bandHigh: [] },
    restingHr: [],
    sleepHours: [],
    marks: [],
  };
  for (let i = 0; i < n; i++) {
    const day = addDays(start, i);
    const o = byDate.get(day);
    const morning = morningState(day, historyDays, metrics, feedback, profile.goalDate);
    out.days.push(day);
    out.load.push(o ? r(dayLoad(o).load, 1) : null);
    out.ctl.push(r(morning.ctl, 1));
    out.atl.push(r(morning.atl, 1));
    out.tsb.push(r(morning.tsb, 1));
    out.hrv.values.push(r(morning.lnRmssd7, 3));
    out.hrv.daily.push(r(morning.lnRmssdToday, 3));
    out.hrv.bandLow.push(r(morning.hrvBandLower, 3));
    out.hrv.bandHigh.push(r(morning.hrvBandUpper, 3));
    out.restingHr.push(r(o?.restingHr, 0));
    out.sleepHours.push(r(o?.sleepHours, 1));
    if (o?.illness || o?.injury) out.marks.push({ date: day, kind: 'illness' });
    if (overridden.has(day)) out.marks.push({ date: day, kind: 'override' });
    if (constraints.some((c) => c.from <= day && (c.to === undefined || c.to >= day))) out.marks.push({ date: day, kind: 'constraint' });
  }
  return out;
}

export interface RosterMember {
  personId: string;
  displayName: string;
  timezone: string;
  roles: Role[];
  /** Athletes only. */
  status?: AthleteStatus;
  platforms: Platform[];
}

export interface Roster {
  team: Pick<Team, 'id' | 'name' | 'settings'>;
  members: RosterMember[];
}

/** Everyone in the team with their roles: coaches and admins of the team only. */
export async function teamRoster(deps: CoreDeps, actor: Actor, teamId: string): Promise<Roster> {
  const team = await deps.teams.get(teamId);
  if (!team) throw fail('TEAM.NOT_FOUND', 'I could not find that team.');
  await requireTeamRole(deps, actor, teamId, ['coach', 'admin'], 'see the roster');
  const memberships = await deps.memberships.listForTeam(teamId);
  const ids = memberships.map((m) => m.personId);
  const [persons, profiles, identities] = await Promise.all([
    deps.persons.getMany(ids),
    deps.athletes.profiles(ids),
    deps.identities.listForPersons(ids),
  ]);
  const personBy = new Map(persons.map((p) => [p.id, p]));
  const profileBy = new Map(profiles.map((p) => [p.id, p]));
  const members: RosterMember[] = [];
  memberships.forEach((m) => {
    const p = personBy.get(m.personId);
    if (!p) return;
    const member: RosterMember = {
      personId: m.personId,
      displayName: p.displayName,
      timezone: p.timezone,
      roles: [...m.roles],
      platforms: [...new Set(identities.filter((x) => x.personId === m.personId).map((x) => x.platform))],
    };
    const a = profileBy.get(m.personId);
    if (a && m.roles.includes('athlete')) member.status = a.status;
    members.push(member);
  });
  members.sort((a, b) => a.displayName.localeCompare(b.displayName));
  return { team: { id: team.id, name: team.name, settings: team.settings }, members };
}

export interface WeekDay {
  date: string;
  /** The session the actor may see (null: none yet, or waiting for approval). */
  session: SessionPlan | null;
  awaitingApproval: boolean;
  overridden: boolean;
  feedback: { rpe?: number; minutes?: number; completion?: Completion } | null;
}

/** Seven days ending `endDate` + `ahead` (default: the last 6 days, today and tomorrow's if planned). */
export async function athleteWeek(deps: CoreDeps, actor: Actor, athleteId: string, options: { endDate?: string; days?: number } = {}): Promise<{ athleteId: string; displayName: string; today: string; days: WeekDay[] }> {
  const profile = await loadProfile(deps, athleteId);
  const who = await requireSelfOrCoach(deps, actor, athleteId, 'see the week');
  const today = todayIn(deps, profile.timezone);
  const end = options.endDate === undefined ? today : requireDate(options.endDate);
  const n = Math.max(1, Math.min(31, options.days ?? 7));
  const start = addDays(end, -(n - 1));
  const [prescriptions, feedback] = await Promise.all([
    deps.prescriptions.listRange([athleteId], start, end),
    deps.feedback.listRange([athleteId], start, end),
  ]);
  const rxBy = new Map(prescriptions.map((p) => [p.date, p]));
  const days: WeekDay[] = [];
  for (let i = 0; i < n; i++) {
    const date = addDays(start, i);
    const rx = rxBy.get(date);
    const visible = rx !== undefined && (who === 'coach' || isVisibleToAthlete(rx));
    const fb = feedback.find((f) => f.date === date && f.slot === 'main');
    const f: WeekDay['feedback'] = fb ? {} : null;
    if (fb && f) {
      if (fb.rpe !== undefined) f.rpe = fb.rpe;
      if (fb.minutes !== undefined) f.minutes = fb.minutes;
      if (fb.completion !== undefined) f.completion = fb.completion;
    }
    days.push({ date, session: visible ? { ...rx.session } : null, awaitingApproval: rx !== undefined && !visible, overridden: rx?.override !== undefined, feedback: f });
  }
  return { athleteId, displayName: profile.displayName, today, days };
}
