/**
 * The jobs' read ports (ports.ts) over the core's repository interfaces (src/core/ports.ts Repositories —
 * implemented by src/db). Read-only: every write goes through a use case. Batched: one query per
 * collection per call; identities are also cached for a few minutes.
 */
import { addDays } from '../src/core/local-time.ts';
import { buildHistory } from '../src/core/observations.ts';
import type { Repositories } from '../src/core/ports.ts';
import { DEFAULT_TEAM_CHANNEL_SHARE, type Identity, type Platform } from '../src/core/types.ts';
import type { DailyObservation } from '../twin/types.ts';
import type { AthleteContact, AthleteSchedule, ContactDirectory, DayFacts, HistorySource, Recipient, ScheduleSource } from './ports.ts';

type Repos = Pick<Repositories, 'athletes' | 'identities' | 'memberships' | 'teams' | 'prescriptions' | 'feedback' | 'dailyMetrics'>;

const CHUNK = 500;

async function chunked<T, R>(items: readonly T[], size: number, fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await fn(items.slice(i, i + size))));
  return out;
}

export function repositorySchedules(repos: Repos): ScheduleSource {
  return {
    async list(): Promise<AthleteSchedule[]> {
      const ids = await repos.athletes.listIds();
      const profiles = await chunked(ids, CHUNK, (c) => repos.athletes.profiles(c));
      return profiles.map((p) => ({
        athleteId: p.id,
        timezone: p.timezone,
        morningTime: p.morningTime,
        status: p.status,
        simulated: p.simulated,
        sport: p.sport,
        level: p.level,
      }));
    },
  };
}

export interface ContactOptions {
  /** Platforms with a configured sender, in order of preference for DMs. */
  platforms: readonly Platform[];
  /** How long identities are cached. Default 5 min (wall time). */
  identityTtlMs?: number;
}

export function repositoryContacts(repos: Repos, options: ContactOptions): ContactDirectory {
  const ttl = options.identityTtlMs ?? 5 * 60_000;
  const cache = new Map<string, { at: number; list: Identity[] }>();
  /** Identities of these persons: the cached ones, and the rest in one query. */
  const identitiesOf = async (personIds: readonly string[]): Promise<Map<string, Identity[]>> => {
    const out = new Map<string, Identity[]>();
    const missing: string[] = [];
    for (const id of personIds) {
      const hit = cache.get(id);
      if (hit && Date.now() - hit.at < ttl) out.set(id, hit.list);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const found = new Map<string, Identity[]>();
      for (const i of await repos.identities.listForPersons(missing)) found.set(i.personId, [...(found.get(i.personId) ?? []), i]);
      for (const id of missing) {
        const list = found.get(id) ?? [];
        cache.set(id, { at: Date.now(), list });
        out.set(id, list);
      }
    }
    return out;
  };
  return {
    async contacts(athleteIds) {
      const out = new Map<string, AthleteContact>();
      if (athleteIds.length === 0) return out;
      const [profiles, memberships] = await Promise.all([repos.athletes.profiles(athleteIds), repos.memberships.listForPersons(athleteIds)]);
      const athleteTeams = memberships.filter((m) => m.roles.includes('athlete'));
      const [teamList, identities] = await Promise.all([
        repos.teams.getMany([...new Set(athleteTeams.map((m) => m.teamId))]),
        identitiesOf(profiles.filter((p) => p.dmsEnabled).map((p) => p.id)),
      ]);
      const teams = new Map(teamList.map((t) => [t.id, t]));
      for (const p of profiles) {
        const recipients: Recipient[] = [];
        if (p.dmsEnabled) {
          const ids = identities.get(p.id) ?? [];
          const dm = options.platforms.map((pl) => ids.find((i) => i.platform === pl)).find((i) => i !== undefined);
          if (dm) recipients.push({ channel: 'dm', audience: 'athlete', target: { platform: dm.platform, kind: 'dm', userId: dm.userId } });
        }
        for (const m of athleteTeams.filter((x) => x.personId === p.id)) {
          const team = teams.get(m.teamId);
          for (const b of team?.bindings ?? []) {
            if (!options.platforms.includes(b.platform)) continue;
            const channel = `team:${team!.id}:${b.platform}`;
            if (recipients.some((r) => r.channel === channel)) continue;
            recipients.push({ channel, audience: 'team', teamId: team!.id, target: { platform: b.platform, kind: 'channel', channelId: b.channelId } });
          }
        }
        out.set(p.id, { athleteId: p.id, displayName: p.displayName, timezone: p.timezone, teamChannel: p.teamChannel ?? DEFAULT_TEAM_CHANNEL_SHARE, recipients });
      }
      return out;
    },
  };
}

export function repositoryDayFacts(repos: Repos): DayFacts {
  return {
    async facts(keys) {
      const out = new Map<string, { status: 'active' | 'paused'; prescription: import('../src/core/types.ts').PrescriptionRecord | null; feedbackGiven: boolean }>();
      if (keys.length === 0) return out;
      const ids = [...new Set(keys.map((k) => k.athleteId))];
      const dates = keys.map((k) => k.date).sort();
      const [profiles, rxs, feedback] = await Promise.all([
        repos.athletes.profiles(ids),
        repos.prescriptions.findMany(keys),
        repos.feedback.listRange(ids, dates[0]!, dates[dates.length - 1]!),
      ]);
      const status = new Map(profiles.map((p) => [p.id, p.status]));
      const rxBy = new Map(rxs.map((r) => [`${r.athleteId}|${r.date}`, r]));
      const given = new Set(
        feedback
          .filter((f) => f.slot === 'main' && (f.rpe !== undefined || f.minutes !== undefined || f.completion !== undefined || f.soreness !== undefined))
          .map((f) => `${f.athleteId}|${f.date}`),
      );
      for (const k of keys) {
        const key = `${k.athleteId}|${k.date}`;
        const s = status.get(k.athleteId);
        if (!s) continue;
        out.set(key, { status: s, prescription: rxBy.get(key) ?? null, feedbackGiven: given.has(key) });
      }
      return out;
    },
  };
}

export function repositoryHistory(repos: Repos): HistorySource {
  return {
    async histories(athleteIds, from, to) {
      const out = new Map<string, DailyObservation[]>();
      if (athleteIds.length === 0) return out;
      const [metrics, feedback, rxs] = await Promise.all([
        repos.dailyMetrics.listRange(athleteIds, from, to),
        repos.feedback.listRange(athleteIds, from, to),
        repos.prescriptions.listRange(athleteIds, from, to),
      ]);
      const end = addDays(to, 1); // buildHistory(date) keeps only the morning of `date`: every day up to `to` in full
      for (const id of athleteIds)
        out.set(
          id,
          buildHistory(
            end,
            metrics.filter((m) => m.athleteId === id),
            feedback.filter((f) => f.athleteId === id),
            rxs.filter((r) => r.athleteId === id),
          ).filter((o) => o.date >= from && o.date <= to),
        );
      return out;
    },
  };
}
