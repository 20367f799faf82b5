import {
  SESSION_INDEX,
  TwinBatch,
  TwinEnv,
  type AthleteParams,
  type Session,
  type SessionType,
  type TwinEnvOptions,
} from '../../twin/index.ts';

/** Deterministic env: no noise, no shocks, no injury/illness draws. */
export function quietEnv(extra: Partial<TwinEnvOptions> = {}): TwinEnv {
  return new TwinEnv({ seed: 1, noise: false, shocks: false, events: false, missingRate: 0, ...extra });
}

/** Step every athlete with the same session. */
export function stepAll(env: TwinEnv, type: SessionType, minutes: number) {
  const n = env.n;
  return env.step(new Uint8Array(n).fill(SESSION_INDEX[type]), new Float32Array(n).fill(minutes));
}

/** Step with one session per athlete. */
export function stepEach(env: TwinEnv, sessions: readonly Session[]) {
  return env.stepSessions(sessions);
}

/** Run a deterministic batch (noise off) of identical athletes under per-athlete session sequences. */
export function runDeterministic(params: AthleteParams[], plan: (i: number, day: number) => Session, days: number): TwinBatch {
  const b = new TwinBatch(params);
  b.morning(null, false);
  const t = new Uint8Array(params.length);
  const m = new Float64Array(params.length);
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < params.length; i++) {
      const s = plan(i, d);
      t[i] = SESSION_INDEX[s.type];
      m[i] = s.minutes;
    }
    b.applySessions(t, m, null, false);
    b.swapDay();
    b.day++;
    b.morning(null, false);
  }
  return b;
}

export const mean = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
};

export const sd = (a: ArrayLike<number>): number => {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - m) ** 2;
  return Math.sqrt(s / (a.length - 1));
};
