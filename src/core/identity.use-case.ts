/**
 * Who is who: resolve a chat account to an actor, register people and athletes, link a second chat
 * account (Discord ↔ Slack) to the same person with a one-time code.
 *
 * Crash safety without transactions: a new person's documents are written first and the identity — the
 * pointer that makes them reachable — last. A crash in between leaves an unreachable orphan, never a
 * half-registered user; losing the identity race deletes the orphan at once.
 */
import { randomInt } from 'node:crypto';
import { fail } from './error-codes.ts';
import { optionsOf, publish, todayIn } from './context.ts';
import type { CoreDeps } from './ports.ts';
import type { Actor, Athlete, AthleteProfile, Person, Platform } from './types.ts';
import {
  requireDisplayName,
  requirePlatformUserId,
  requireGoalDate,
  requireLevel,
  requireMorningTime,
  requireSport,
  requireTimezone,
  shown,
} from './validation.ts';
import type { Level, Sport } from '../../twin/types.ts';

const PLATFORM_NAMES: Record<Platform, string> = { discord: 'Discord', slack: 'Slack', console: 'console' };

/** The person behind a chat account. AUTH.UNKNOWN_USER when the account is not registered. */
export async function resolveActor(deps: CoreDeps, platform: Platform, platformUserId: string): Promise<Actor> {
  const identity = await deps.identities.find(platform, platformUserId);
  if (!identity || !(await deps.persons.get(identity.personId)))
    throw fail('AUTH.UNKNOWN_USER', 'I don’t know you yet. Use /register to sign up, or /link with a code from your other chat account.');
  return { personId: identity.personId, platform };
}

export interface RegisterPersonInput {
  platform: Platform;
  platformUserId: string;
  displayName: string;
  timezone?: string;
  dmsEnabled?: boolean;
}

/** Register (or find) the person behind a chat account. Idempotent per chat account. */
export async function registerPerson(deps: CoreDeps, input: RegisterPersonInput, defaultTimezone = 'UTC'): Promise<{ actor: Actor; person: Person; created: boolean }> {
  requirePlatformUserId(input.platformUserId);
  const displayName = requireDisplayName(input.displayName);
  const timezone = requireTimezone(input.timezone ?? defaultTimezone);
  const existing = await deps.identities.find(input.platform, input.platformUserId);
  if (existing) {
    const person = await deps.persons.get(existing.personId);
    if (person) return { actor: { personId: person.id, platform: input.platform }, person, created: false };
  }
  const now = deps.clock.now();
  const person: Person = { id: deps.newId(), displayName, timezone, dmsEnabled: input.dmsEnabled ?? true, createdAt: now, updatedAt: now };
  await deps.persons.insert(person);
  const claim = await deps.identities.insert({ platform: input.platform, userId: input.platformUserId, personId: person.id, linkedAt: now });
  if (claim === 'duplicate') {
    await deps.persons.delete(person.id); // the orphan nobody can reach
    const winner = await deps.identities.find(input.platform, input.platformUserId);
    const winnerPerson = winner ? await deps.persons.get(winner.personId) : null;
    if (!winnerPerson) throw fail('IDENTITY.ALREADY_REGISTERED', 'This chat account is being registered right now; please try again in a moment.');
    return { actor: { personId: winnerPerson.id, platform: input.platform }, person: winnerPerson, created: false };
  }
  return { actor: { personId: person.id, platform: input.platform }, person, created: true };
}

export interface RegisterAthleteInput {
  platform: Platform;
  platformUserId: string;
  displayName: string;
  timezone: string;
  morningTime?: string;
  sport: Sport;
  level: Level;
  goalDate?: string;
  goalName?: string;
  /** Version of the privacy notice the athlete agreed to; registration is refused without it. */
  consentVersion: string | null | undefined;
  dmsEnabled?: boolean;
  simulated?: boolean;
}

/** Sign up as an athlete (creating the person when the chat account is new). */
export async function registerAthlete(deps: CoreDeps, input: RegisterAthleteInput): Promise<{ actor: Actor; profile: AthleteProfile }> {
  // validate
  if (typeof input.consentVersion !== 'string' || input.consentVersion.trim() === '')
    throw fail('CONSENT.REQUIRED', 'To coach you I store your wearable data and feedback. Please read the privacy notice and agree to it to register.');
  requirePlatformUserId(input.platformUserId);
  const displayName = requireDisplayName(input.displayName);
  const timezone = requireTimezone(input.timezone);
  const morningTime = requireMorningTime(input.morningTime ?? '06:30');
  const sport = requireSport(input.sport);
  const level = requireLevel(input.level);
  const today = todayIn(deps, timezone);
  const goalDate = input.goalDate === undefined ? undefined : requireGoalDate(input.goalDate, today);

  // load
  const now = deps.clock.now();
  const identity = await deps.identities.find(input.platform, input.platformUserId);
  const known = identity ? await deps.persons.get(identity.personId) : null;
  const personId = known?.id ?? deps.newId();
  const athlete: Athlete = {
    id: personId,
    sport,
    level,
    morningTime,
    status: 'active',
    consent: { givenAt: now, version: input.consentVersion.trim() },
    simulated: input.simulated ?? false,
    createdAt: now,
    updatedAt: now,
  };
  if (goalDate !== undefined) athlete.goalDate = goalDate;
  if (input.goalName) athlete.goalName = input.goalName.slice(0, 80);

  // save
  if (known) {
    if ((await deps.athletes.insert(athlete)) === 'duplicate')
      throw fail('ATHLETE.ALREADY_REGISTERED', 'You are already registered as an athlete. Use /settings to change your details.');
    await deps.mutex.withLock(`person:${personId}`, async () => {
      const p = (await deps.persons.get(personId))!;
      await deps.persons.replace({ ...p, displayName, timezone, dmsEnabled: input.dmsEnabled ?? p.dmsEnabled, updatedAt: now });
    });
  } else {
    const person: Person = { id: personId, displayName, timezone, dmsEnabled: input.dmsEnabled ?? true, createdAt: now, updatedAt: now };
    await deps.persons.insert(person);
    await deps.athletes.insert(athlete);
    const claim = await deps.identities.insert({ platform: input.platform, userId: input.platformUserId, personId, linkedAt: now });
    if (claim === 'duplicate') {
      await deps.personalData.erase(personId); // the orphan person + athlete nobody can reach
      throw fail('ATHLETE.ALREADY_REGISTERED', 'This chat account was registered a moment ago. Use /settings to change your details.');
    }
  }
  const [profile] = await deps.athletes.profiles([personId]);
  return { actor: { personId, platform: input.platform }, profile: profile! };
}

// ---------------------------------------------------------------------------------------------------
// Linking a second chat account

/** No 0/O, 1/I/L: read aloud and typed on a phone without mistakes. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** A one-time code (shown as XXXX-XXXX) that links another chat account to the actor. */
export async function createLinkCode(deps: CoreDeps, actor: Actor): Promise<{ code: string; expiresAt: Date }> {
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + optionsOf(deps).linkCodeTtlMinutes * 60_000);
  for (let attempt = 0; attempt < 5; attempt++) {
    const raw = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    if ((await deps.linkCodes.insert({ code: raw, personId: actor.personId, platform: actor.platform, createdAt: now, expiresAt })) === 'inserted')
      return { code: `${raw.slice(0, 4)}-${raw.slice(4)}`, expiresAt };
  }
  throw new Error('could not allocate a unique link code in 5 attempts');
}

/** Redeem a link code from another chat account: that account now belongs to the code's person. */
export async function linkIdentity(deps: CoreDeps, platform: Platform, platformUserId: string, code: string): Promise<Actor> {
  const key = normaliseCode(code);
  const stored = key.length === 8 ? await deps.linkCodes.get(key) : null;
  const now = deps.clock.now();
  if (!stored) throw fail('LINK.CODE_INVALID', `I don’t know the code ${shown(code)}. Run /link on your other account to get a new one.`);
  if (stored.usedAt) throw fail('LINK.CODE_USED', 'That code was used already. Run /link on your other account to get a new one.');
  if (stored.expiresAt.getTime() < now.getTime())
    throw fail('LINK.CODE_EXPIRED', 'That code has expired (codes last 15 minutes). Run /link on your other account to get a new one.');
  requirePlatformUserId(platformUserId);
  const taken = await deps.identities.find(platform, platformUserId);
  if (taken) {
    if (taken.personId === stored.personId) return { personId: stored.personId, platform };
    throw fail('IDENTITY.ALREADY_REGISTERED', `This ${PLATFORM_NAMES[platform]} account is already registered on its own, so it can’t be linked. Ask an admin to merge the accounts.`);
  }
  const mine = await deps.identities.listForPerson(stored.personId);
  if (mine.some((i) => i.platform === platform))
    throw fail('IDENTITY.PLATFORM_ALREADY_LINKED', `Your profile already has a ${PLATFORM_NAMES[platform]} account linked.`);
  const claim = await deps.identities.insert({ platform, userId: platformUserId, personId: stored.personId, linkedAt: now });
  if (claim === 'duplicate') {
    const again = await deps.identities.find(platform, platformUserId);
    if (again?.personId !== stored.personId)
      throw fail('IDENTITY.PLATFORM_ALREADY_LINKED', `Your profile already has a ${PLATFORM_NAMES[platform]} account linked.`);
  }
  await deps.linkCodes.markUsed(key, now);
  await publish(deps, { type: 'identity.linked', personId: stored.personId, platform });
  return { personId: stored.personId, platform };
}
