/**
 * Finding an athlete from the command line by what a person actually sees: the athlete id, a chat user
 * id (the console shows "sim-alex"; Discord and Slack ids work too) or the name ("Alex", any case).
 *
 *   listAthletes: every athlete with their name, chat ids, time zone and sport (`twincoach athletes`)
 *   findAthlete:  id → chat id → unique name; a miss or an ambiguous name is an error that lists the
 *                 athletes to choose from (up to 20), so nobody has to guess an id.
 */
import type { Platform } from '../core/chat.ts';
import type { Repositories } from '../core/ports.ts';
import type { AthleteProfile } from '../core/types.ts';

export interface AthleteRow {
  profile: AthleteProfile;
  /** "console:sim-alex", "discord:123…" */
  handles: string[];
}

const PLATFORMS: readonly Platform[] = ['console', 'discord', 'slack'];
const LISTED = 20;

type Repos = Pick<Repositories, 'athletes' | 'identities'>;

export async function listAthletes(repos: Repos): Promise<AthleteRow[]> {
  const profiles = await repos.athletes.profiles(await repos.athletes.listIds());
  const identities = await repos.identities.listForPersons(profiles.map((p) => p.id));
  const rows = profiles.map((profile) => ({ profile, handles: identities.filter((i) => i.personId === profile.id).map((i) => `${i.platform}:${i.userId}`) }));
  return rows.sort((a, b) => a.profile.displayName.localeCompare(b.profile.displayName) || a.profile.id.localeCompare(b.profile.id));
}

/** One line per athlete: name, id, chat ids, zone, sport, status. */
export function formatAthletes(rows: readonly AthleteRow[]): string {
  if (rows.length === 0) return 'No athletes yet (start the service once: local mode creates its simulated squad).';
  return rows
    .map(({ profile: p, handles }) => `${p.displayName.padEnd(16)} ${p.id}  ${(handles.join(', ') || '—').padEnd(24)} ${p.timezone} · ${p.sport} · ${p.status}${p.simulated ? ' · simulated' : ''}`)
    .join('\n');
}

export type AthleteLookup = { profile: AthleteProfile } | { error: string };

export async function findAthlete(repos: Repos, ref: string, where?: string): Promise<AthleteLookup> {
  const wanted = ref.trim();
  const [byId] = await repos.athletes.profiles([wanted]);
  if (byId) return { profile: byId };
  for (const platform of PLATFORMS) {
    const identity = await repos.identities.find(platform, wanted);
    if (!identity) continue;
    const [p] = await repos.athletes.profiles([identity.personId]);
    if (p) return { profile: p };
  }
  const rows = await listAthletes(repos);
  const named = rows.filter((r) => r.profile.displayName.toLowerCase() === wanted.toLowerCase());
  if (named.length === 1) return { profile: named[0]!.profile };
  const list = (rs: readonly AthleteRow[]) =>
    `${formatAthletes(rs.slice(0, LISTED))
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}${rs.length > LISTED ? `\n  … and ${rs.length - LISTED} more (twincoach athletes lists them all)` : ''}`;
  if (named.length > 1) return { error: `${named.length} athletes are called "${wanted}"; give the id instead:\n${list(named)}` };
  const inWhere = where ? ` in ${where}` : '';
  if (rows.length === 0) return { error: `no athlete "${wanted}"${inWhere}: there are no athletes yet (start the service once: local mode creates its simulated squad).` };
  return { error: `no athlete "${wanted}"${inWhere} (by id, chat id or name). The athletes are:\n${list(rows)}` };
}
