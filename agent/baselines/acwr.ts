import { ACTIONS, ACTION_COUNT, ACTION_ID, actionLoad } from '../actions/catalogue.ts';
import { projectedAcwr } from '../state/compute.ts';
import { fallbackAction } from './fallback.ts';
import type { Policy, PolicyInput } from './policy.ts';

export interface AcwrPolicyOptions {
  /** ACWR the policy steers toward (default 1.1, the middle of the 0.8–1.3 sweet spot). */
  target?: number;
  /** Upper end of the sweet spot 0.8–1.3 (Gabbett 2016): above it the policy steps down. Default 1.3. */
  high?: number;
  /** Days between hard sessions (default 2: hard day, easy day). */
  hardEvery?: number;
}

/**
 * ACWR-steering baseline: keep the EWMA ACWR inside 0.8–1.3.
 *
 * 1. Pick today's type: a hard day every `hardEvery` days (INTERVALS, alternating with TEMPO after an
 *    INTERVALS day), ENDURANCE otherwise.
 * 2. Among the allowed doses of that type, take the one whose projected ACWR (today's planned load
 *    added to the EWMAs) is closest to the target (1.1). If even that one stays below 0.8, keep it: the
 *    hard/easy pattern is not broken to chase load.
 * 3. If every allowed dose of that type would push ACWR above 1.3, take the allowed action of any type
 *    whose projection is closest to the target (ties: the lower load): shorter, easier, or REST.
 * Cold start (ACWR undefined): ENDURANCE standard, the conservative default.
 */
export class AcwrPolicy implements Policy {
  readonly name = 'acwr';
  readonly version = '1';
  readonly target: number;
  readonly high: number;
  readonly hardEvery: number;

  constructor(options: AcwrPolicyOptions = {}) {
    this.target = options.target ?? 1.1;
    this.high = options.high ?? 1.3;
    this.hardEvery = options.hardEvery ?? 2;
  }

  decide(inputs: readonly PolicyInput[]): number[] {
    return inputs.map((x) => this.decideOne(x));
  }

  private decideOne(x: PolicyInput): number {
    const s = x.state;
    if (s.acwrColdStart || s.acwr === undefined) return fallbackAction(ACTION_ID.ENDURANCE_STANDARD!, x.mask);
    const hardDay = s.daysSinceHard === undefined || s.daysSinceHard >= this.hardEvery;
    const type = !hardDay ? 'ENDURANCE' : s.lastHardType === 'INTERVALS' ? 'TEMPO' : 'INTERVALS';

    let best = -1; // closest dose of today's type
    let bestDist = Infinity;
    let bestP = Number.NaN;
    let any = -1; // closest allowed action of any type (ties: lower load)
    let anyDist = Infinity;
    let anyLoad = Infinity;
    for (let id = 0; id < ACTION_COUNT; id++) {
      if (!x.mask[id]) continue;
      const load = actionLoad(id, x.context.sport, s.ctl);
      const p = projectedAcwr(s, load);
      if (p === undefined) continue;
      const dist = Math.abs(p - this.target);
      if (dist < anyDist - 1e-12 || (Math.abs(dist - anyDist) <= 1e-12 && load < anyLoad)) {
        any = id;
        anyDist = dist;
        anyLoad = load;
      }
      if (ACTIONS[id]!.type === type && dist < bestDist - 1e-12) {
        best = id;
        bestDist = dist;
        bestP = p;
      }
    }
    // In the band, or below it (the biggest dose of today's type is as far as the pattern allows): keep the type.
    if (best >= 0 && bestP <= this.high) return best;
    // Above the band with every dose of today's type: whatever brings ACWR closest to the target (rest, recovery…).
    if (any >= 0) return any;
    return fallbackAction(ACTION_ID.ENDURANCE_STANDARD!, x.mask);
  }
}
