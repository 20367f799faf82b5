/**
 * Option specs several commands share. They keep their literal types (name, type, required, choice
 * values) so a command defined with defineCommand reads them typed: `ctx.values.athlete` is a string,
 * `ctx.values.session` a SessionType.
 */
import { isValidZone } from '../src/core/local-time.ts';
import { PROVIDERS, type ProviderId } from '../src/core/metrics.ts';
import type { Completion, TeamChannelShare } from '../src/core/types.ts';
import { LEVELS, SESSION_TYPES, SPORTS, type Level, type SessionType, type Sport } from '../twin/types.ts';
import { sessionName } from '../src/core/presenters/index.ts';
import type { OptionChoice, OptionSpec } from './types.ts';

export const dateOption = (description = 'Which day: yyyy-mm-dd, today or yesterday (default today)') => ({ name: 'date', description, type: 'date' }) as const satisfies OptionSpec;

export const SPORT_CHOICES: readonly OptionChoice<Sport>[] = SPORTS.map((s) => ({ value: s, label: { running: 'Running', cycling: 'Cycling', sprint400: '400 m sprint', team: 'Team sport' }[s] }));
export const LEVEL_CHOICES: readonly OptionChoice<Level>[] = LEVELS.map((l) => ({ value: l, label: l.charAt(0).toUpperCase() + l.slice(1) }));
export const SESSION_CHOICES: readonly OptionChoice<SessionType>[] = SESSION_TYPES.map((t) => ({ value: t, label: sessionName(t) }));
export const PROVIDER_CHOICES: readonly OptionChoice<ProviderId>[] = PROVIDERS.filter((p) => p !== 'simulated').map((p) => ({
  value: p,
  label: { oura: 'Oura', whoop: 'WHOOP', intervals: 'intervals.icu', polar: 'Polar' }[p as 'oura'],
}));
export const COMPLETION_CHOICES: readonly OptionChoice<Completion>[] = [
  { value: 'done', label: 'Done' },
  { value: 'partial', label: 'Partly' },
  { value: 'skipped', label: 'Skipped' },
];

export const TEAM_CHANNEL_CHOICES: readonly OptionChoice<TeamChannelShare>[] = [
  { value: 'session', label: 'My session only' },
  { value: 'readiness', label: 'My session and readiness' },
];

export const athleteOption = (description = 'The athlete (mention them, or their name)') => ({ name: 'athlete', description, type: 'user', required: true }) as const satisfies OptionSpec;
export const hiddenTeamOption = { name: 'team', description: 'Team id', type: 'string', hidden: true, max: 64 } as const satisfies OptionSpec;

/** An IANA time zone, checked with the other options (the use case checks it again). */
export const timezoneOption = {
  name: 'timezone',
  label: 'Time zone',
  description: 'IANA zone, like Europe/Berlin',
  type: 'string',
  max: 64,
  check: (v: string) => (isValidZone(v) ? undefined : `Time zone must be an IANA zone like Europe/Berlin or America/New_York; you sent "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`),
} as const satisfies OptionSpec;
