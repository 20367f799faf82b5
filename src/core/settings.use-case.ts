/**
 * A person's own settings, and pausing / resuming an athlete (by themself or their coach).
 */
import { audit, loadProfile, publish, requireSelfOrCoach, todayIn } from './context.ts';
import { fail } from './error-codes.ts';
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
  const displayName = patch.displayName === undefined ? undefined : requireDisplayName(patch.displayName);
  const timezone = patch.timezone === undefined ? undefined : requireTimezone(patch.timezone);
  const morningTime = patch.morningTime === undefined ? undefined : requireMorningTime(patch.morningTime);
  const sport = patch.sport === undefined ? undefined : requireSport(patch.sport);
  const level = patch.level === undefined ? undefined : requireLevel(patch.level);
  const teamChannel = patch.teamChannel === undefined ? undefined : requireTeamChannelShare(patch.teamChannel);

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
    const touchesAthlete = ATHLETE_KEYS.some((k) => patch[k] !== undefined);
    const athlete = await deps.athletes.get(actor.personId);
    if (touchesAthlete && !athlete) throw fail('ATHLETE.NOT_REGISTERED', 'Those settings are for athletes. Register as an athlete first (/register).');
    const goalDate = patch.goalDate === undefined || patch.goalDate === null ? patch.goalDate : requireGoalDate(patch.goalDate, todayIn(deps, nextPerson.timezone));
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
