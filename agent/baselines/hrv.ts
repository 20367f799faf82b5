import { ACTION_ID } from '../actions/catalogue.ts';
import type { AthleteState } from '../state/types.ts';
import { fallbackAction } from './fallback.ts';
import type { Policy, PolicyInput } from './policy.ts';

export interface HrvPolicyOptions {
  /** Falling-days count that triggers Kiviniemi's "low intensity or rest" (default 2). */
  fallingDays?: number;
}

const ID = ACTION_ID as Readonly<Record<string, number>>;

/**
 * HRV-guided baseline (Vesterinen 2016 / Javaloyes 2019, plus Kiviniemi 2007):
 * - baseline not ready (fewer than 14 HRV days) or no 7-day mean: ENDURANCE standard (predefined easy work
 *   while the baseline builds, as in the trials' run-in);
 * - 7-day lnRMSSD inside baseline ± 0.5 SD and not falling two days running: hard session (INTERVALS
 *   standard, TEMPO standard after an INTERVALS day);
 * - inside but falling two days running: ENDURANCE short (Kiviniemi: low intensity);
 * - above the band: ENDURANCE standard (low intensity);
 * - below the band: ACTIVE_RECOVERY standard, or REST when also falling two days running.
 */
export class HrvPolicy implements Policy {
  readonly name = 'hrv';
  readonly version = '1';
  readonly fallingDays: number;

  constructor(options: HrvPolicyOptions = {}) {
    this.fallingDays = options.fallingDays ?? 2;
  }

  /** The unmasked choice for a state. */
  preferred(s: AthleteState): number {
    if (!s.hrvBaselineReady || s.hrvBand === 'unknown') return ID.ENDURANCE_STANDARD!;
    const falling = s.hrvFallingDays >= this.fallingDays;
    switch (s.hrvBand) {
      case 'below':
        return falling ? ID.REST! : ID.ACTIVE_RECOVERY_STANDARD!;
      case 'above':
        return ID.ENDURANCE_STANDARD!;
      case 'inside':
        if (falling) return ID.ENDURANCE_SHORT!;
        return s.lastHardType === 'INTERVALS' ? ID.TEMPO_STANDARD! : ID.INTERVALS_STANDARD!;
    }
  }

  decide(inputs: readonly PolicyInput[]): number[] {
    return inputs.map((x) => fallbackAction(this.preferred(x.state), x.mask));
  }
}
