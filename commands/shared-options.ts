/** Option specs several commands share. */
import { isValidZone } from '../src/core/local-time.ts';
import { PROVIDERS } from '../src/core/metrics.ts';
import { LEVELS, SESSION_TYPES, SPORTS } from '../twin/types.ts';
import { sessionName } from '../src/core/presenters/index.ts';
import type { OptionChoice, OptionSpec } from './types.ts';

export const dateOption = (description = 'Which day: yyyy-mm-dd, today or yesterday (default today)'): OptionSpec => ({ name: 'date', description, type: 'date' });

export const SPORT_CHOICES: readonly OptionChoice[] = SPORTS.map((s) => ({ value: s, label: { running: 'Running', cycling: 'Cycling', sprint400: '400 m sprint', team: 'Team sport' }[s] }));
export const LEVEL_CHOICES: readonly OptionChoice[] = LEVELS.map((l) => ({ value: l, label: l.charAt(0).toUpperCase() + l.slice(1) }));
export const SESSION_CHOICES: readonly OptionChoice[] = SESSION_TYPES.map((t) => ({ value: t, label: sessionName(t) }));
export const PROVIDER_CHOICES: readonly OptionChoice[] = PROVIDERS.filter((p) => p !== 'simulated').map((p) => ({
  value: p,
  label: { oura: 'Oura', whoop: 'WHOOP', intervals: 'intervals.icu', polar: 'Polar' }[p as 'oura'],
}));
export const COMPLETION_CHOICES: readonly OptionChoice[] = [
  { value: 'done', label: 'Done' },
  { value: 'partial', label: 'Partly' },
  { value: 'skipped', label: 'Skipped' },
];

export const athleteOption = (description = 'The athlete (mention them, or their name)'): OptionSpec => ({ name: 'athlete', description, type: 'user', required: true });
export const hiddenTeamOption: OptionSpec = { name: 'team', description: 'Team id', type: 'string', hidden: true, max: 64 };

/** An IANA time zone, checked with the other options (the use case checks it again). */
export const timezoneOption: OptionSpec = {
  name: 'timezone',
  label: 'Time zone',
  description: 'IANA zone, like Europe/Berlin',
  type: 'string',
  max: 64,
  check: (v) => (isValidZone(v) ? undefined : `Time zone must be an IANA zone like Europe/Berlin or America/New_York; you sent "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`),
};
