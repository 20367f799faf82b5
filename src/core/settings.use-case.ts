/**
 * A person's own settings, and pausing / resuming an athlete (by themself or their coach).
 */
import { audit, loadProfile, publish, requireSelfOrCoach, todayIn } from './context.ts';
import { fail, type ErrorCode } from './error-codes.ts';
import { isAppError, type AppError } from '../errors.ts';
import type { CoreDeps } from './ports.ts';
import type { Actor, AthleteProfile, TeamChannelShare } from './types.ts';
import {
  requireDisplayName,
  requireGoalDate,
  requireLevel,
  requireMorningTime,
  requireSport,
  requireTeamChannelShare,
  requireTimezone,
} from './validation.ts';
import type { Level, Sport } from '../../twin/types.ts';

export interface SettingsPatch {
  displayName?: string;
  timezone?: string;
  dmsEnabled?: boolean;
  morningTime?: string;
  sport?: Sport;
  level?: Level;
  /** null clears the goal. */
  goalDate?: string | null;
  goalName?: string | null;
  /** What team channels show of you: 'session' (the default) or 'readiness' too. */
  teamChannel?: TeamChannelShare;
}

const ATHLETE_KEYS = ['morningTime', 'sport', 'level', 'goalDate', 'goalName', 'teamChannel'] as const;

/** Change your own settings. Athlete fields need an athlete profile. Returns the person (and profile). */
export async function updateSettings(deps: CoreDeps, actor: Actor, patch: SettingsPatch): Promise<{ displayName: string; timezone: string; dmsEnabled: boolean; athlete?: AthleteProfile }> {
  if (Object.values(patch).every((v) => v === undefined)) throw fail('SETTINGS.EMPTY', 'Tell me which setting to change.');
  // Every field is checked before anything is refused, so one reply names every problem.
  const problems: AppError[] = [];
  const check = <T>(value: unknown, require: (v: never) => T): T | undefined => {
    if (value === undefined) return undefined;
    try {
      return require(value as never);
    } catch (err) {
      if (!isAppError(err)) throw err;
      problems.push(err);
      return undefined;
    }
  };
  const displayName = check(patch.displayName, requireDisplayName);
  const timezone = check(patch.timezone, requireTimezone);
  const morningTime = check(patch.morningTime, requireMorningTime);
  const sport = check(patch.sport, requireSport);
  const level = check(patch.level, requireLevel);
  const teamChannel = check(patch.teamChannel, requireTeamChannelShare);

  return deps.mutex.withLock(`person:${actor.personId}`, async () => {
    const person = await deps.persons.get(actor.personId);
    if (!person) throw fail('PERSON.NOT_FOUND', 'I could not find your profile; please /register again.');
    const now = deps.clock.now();
    const nextPerson = {
      ...person,
      displayName: displayName ?? person.displayName,
      timezone: timezone ?? person.timezone,
      dmsEnabled: patch.dmsEnabled ?? person.dmsEnabled,
      updatedAt: now,
    };
    const goalDate = patch.goalDate === null ? null : check(patch.goalDate, (d: unknown) => requireGoalDate(d, todayIn(deps, nextPerson.timezone)));
    if (problems.length > 0) {
      const [first] = problems;
      throw problems.length === 1 ? first! : fail(first!.code as ErrorCode, problems.map((p) => p.userMessage).join('\n'), { issues: problems.map((p) => ({ code: p.code, message: p.userMessage })) });
    }
    const touchesAthlete = ATHLETE_KEYS.some((k) => patch[k] !== undefined);
    const athlete = await deps.athletes.get(actor.personId);
    if (touchesAthlete && !athlete) throw fail('ATHLETE.NOT_REGISTERED', 'Those settings are for athletes. Register as an athlete first (/register).');
    await deps.persons.replace(nextPerson);
    if (athlete && touchesAthlete) {
      const next = { ...athlete, morningTime: morningTime ?? athlete.morningTime, sport: sport ?? athlete.sport, level: level ?? athlete.level, updatedAt: now };
      if (teamChannel !== undefined) next.teamChannel = teamChannel;
      if (goalDate === null) delete next.goalDate;
      else if (goalDate !== undefined) next.goalDate = goalDate;
      if (patch.goalName === null) delete next.goalName;
      else if (patch.goalName !== undefined) next.goalName = patch.goalName.slice(0, 80);
      await deps.athletes.replace(next);
      if (teamChannel !== undefined && teamChannel !== (athlete.teamChannel ?? 'session'))
        await audit(deps, actor, 'athlete.team_channel', { kind: 'athlete', athleteId: actor.personId }, { before: athlete.teamChannel ?? 'session', after: teamChannel });
    }
    const [profile] = athlete ? await deps.athletes.profiles([actor.personId]) : [];
    return { displayName: nextPerson.displayName, timezone: nextPerson.timezone, dmsEnabled: nextPerson.dmsEnabled, ...(profile ? { athlete: profile } : {}) };
  });
}

async function setStatus(deps: CoreDeps, actor: Actor, athleteId: string, status: 'active' | 'paused'): Promise<AthleteProfile> {
  const verb = status === 'paused' ? 'pause coaching' : 'resume coaching';
  const profile = await loadProfile(deps, athleteId);
  const who = await requireSelfOrCoach(deps, actor, athleteId, verb);
  const updated = await deps.mutex.withLock(`person:${athleteId}`, async () => {
    const a = (await deps.athletes.get(athleteId))!;
    if (a.status === status) return false;
    const next = { ...a, status, updatedAt: deps.clock.now() };
    if (status === 'paused') next.pausedAt = deps.clock.now();
    else delete next.pausedAt;
    await deps.athletes.replace(next);
    return true;
  });
  if (updated) {
    if (who === 'coach') await audit(deps, actor, `athlete.${status === 'paused' ? 'paused' : 'resumed'}`, { kind: 'athlete', athleteId }, { before: profile.status, after: status });
    await publish(deps, { type: status === 'paused' ? 'athlete.paused' : 'athlete.resumed', athleteId, by: actor.personId });
  }
  return loadProfile(deps, athleteId);
}

/** Stop daily sessions (holiday, illness). The athlete themself or a coach of their team. */
export function pauseAthlete(deps: CoreDeps, actor: Actor, athleteId: string = actor.personId): Promise<AthleteProfile> {
  return setStatus(deps, actor, athleteId, 'paused');
}

export function resumeAthlete(deps: CoreDeps, actor: Actor, athleteId: string = actor.personId): Promise<AthleteProfile> {
  return setStatus(deps, actor, athleteId, 'active');
}
