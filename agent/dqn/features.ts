/**
 * The DQN's input: the state engine's named, normalised features (agent/state FEATURE_NAMES) followed by
 * the athlete's sport as a one-hot, because doses, trainable range and the test that matters differ by
 * sport. Personal response is already in the state features (HRV change after the last hard day, RPE
 * residuals, test trend), so the policy adapts to the athlete without their twin parameters.
 */
import { SPORTS, type Sport } from '../../twin/types.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from '../state/index.ts';

export const DQN_FEATURE_NAMES: readonly string[] = [...FEATURE_NAMES, ...SPORTS.map((s) => `sport_${s}`)];
export const DQN_INPUT_DIM = DQN_FEATURE_NAMES.length;

/** Write one row: state features (already encoded) + sport one-hot. */
export function writeDqnRow(stateFeatures: Float32Array, sport: Sport, out: Float32Array, offset: number): void {
  out.set(stateFeatures.subarray(0, FEATURE_COUNT), offset);
  for (let k = 0; k < SPORTS.length; k++) out[offset + FEATURE_COUNT + k] = SPORTS[k] === sport ? 1 : 0;
}
