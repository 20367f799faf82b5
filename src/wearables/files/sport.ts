/**
 * Canonical sport names: snake_case, the same for every file format ('running', 'cycling', 'strength', …).
 */
const ALIASES: Readonly<Record<string, string>> = {
  traditional_strength_training: 'strength',
  functional_strength_training: 'strength',
  strength_training: 'strength',
  core_training: 'strength',
  run: 'running',
  ride: 'cycling',
  bike: 'cycling',
  swim: 'swimming',
  walk: 'walking',
  hike: 'hiking',
  row: 'rowing',
  indoor_rowing: 'rowing',
  indoor_cycling: 'cycling',
};

export function snakeCase(s: string): string {
  return s
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

export function canonicalSport(name: string): string {
  const s = snakeCase(name);
  return ALIASES[s] ?? s;
}

/** FIT sport + sub-sport (decoded strings, e.g. 'training' + 'strengthTraining'). */
export function fitSport(sport: unknown, subSport: unknown): string | undefined {
  const sub = typeof subSport === 'string' ? canonicalSport(subSport) : undefined;
  if (sub === 'strength' || sub === 'yoga' || sub === 'rowing' || sub === 'cycling') return sub;
  if (typeof sport !== 'string') return undefined;
  return canonicalSport(sport);
}

/** Apple's HKWorkoutActivityTypeTraditionalStrengthTraining → 'strength'. */
export function appleSport(activityType: string | undefined): string | undefined {
  if (!activityType) return undefined;
  return canonicalSport(activityType.replace(/^HKWorkoutActivityType/, ''));
}
