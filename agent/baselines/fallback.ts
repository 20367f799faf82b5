import type { SessionType } from '../../twin/types.ts';
import { ACTIONS, ACTION_COUNT, DOSE_INDEX, REST_ACTION } from '../actions/catalogue.ts';

/** Types to step down through when a type is blocked (always ending in REST). */
const STEP_DOWN: Readonly<Record<SessionType, readonly SessionType[]>> = {
  REST: ['REST'],
  ACTIVE_RECOVERY: ['ACTIVE_RECOVERY', 'REST'],
  ENDURANCE: ['ENDURANCE', 'ACTIVE_RECOVERY', 'REST'],
  TEMPO: ['TEMPO', 'ENDURANCE', 'ACTIVE_RECOVERY', 'REST'],
  INTERVALS: ['INTERVALS', 'TEMPO', 'ENDURANCE', 'ACTIVE_RECOVERY', 'REST'],
  STRENGTH: ['STRENGTH', 'ENDURANCE', 'ACTIVE_RECOVERY', 'REST'],
};

/**
 * For each action, the actions to try in order when it is blocked: the same type at the same or a
 * smaller dose, then each easier type (at the same dose or smaller, largest first), then REST. Never a
 * harder type or a bigger dose than preferred.
 */
export const FALLBACK_ORDER: readonly (readonly number[])[] = Object.freeze(
  ACTIONS.map((pref) => {
    const order: number[] = [];
    const d = DOSE_INDEX[pref.dose];
    for (const type of STEP_DOWN[pref.type]) {
      const candidates = ACTIONS.filter((a) => a.type === type && (type === 'REST' || DOSE_INDEX[a.dose] <= d)).sort(
        (a, b) => DOSE_INDEX[b.dose] - DOSE_INDEX[a.dose],
      );
      for (const a of candidates) order.push(a.id);
    }
    return Object.freeze(order);
  }),
);

/**
 * The preferred action if allowed, otherwise the most similar allowed one (FALLBACK_ORDER), otherwise
 * REST. Every baseline funnels its choice through this.
 */
export function fallbackAction(preferred: number, mask: readonly boolean[]): number {
  const order = FALLBACK_ORDER[preferred];
  if (order !== undefined) {
    for (const id of order) if (mask[id] === true) return id;
  }
  if (mask[REST_ACTION] === true) return REST_ACTION;
  for (let id = 0; id < ACTION_COUNT; id++) if (mask[id] === true) return id;
  return REST_ACTION;
}
