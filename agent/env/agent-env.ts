/**
 * The coaching loop on twin athletes, exactly as the service runs it on real ones: each morning the
 * twin's observations are appended to the athlete's history, the state engine computes the state, the
 * safety mask blocks unsafe sessions, a policy picks an action, the catalogue turns it into a session
 * (type + minutes), and the twin simulates the day. Used by the evaluation harness (any Policy) and by
 * DQN training (ε-greedy over the same inputs). The twin's action really changes the next state — there
 * is no logged-data replay anywhere.
 */
import { materialize } from '../actions/index.ts';
import { computeMask, type Constraint } from '../mask/index.ts';
import { addDays, computeState, encodeState, FEATURE_COUNT } from '../state/index.ts';
import type { PolicyInput } from '../baselines/policy.ts';
import { ACTION_COUNT } from '../actions/index.ts';
import { periodizedSession, SESSION_INDEX, TwinEnv, type AthleteParams, type DailyObservation, type TwinEnvOptions, type TwinTruth } from '../../twin/index.ts';

export interface AgentEnvOptions extends Omit<TwinEnvOptions, 'seed'> {
  seed: number;
  /**
   * Days simulated before the season on the twin's habitual periodised plan, so the state engine starts
   * with the training history a real athlete brings (the service backfills up to 2 years from wearables).
   * Default 42 (the CTL time constant). `horizonDays` counts the season only.
   */
  warmupDays?: number;
  /** Goal / event date per athlete index (optional), passed to the state engine as days-to-goal. */
  goalDate?: (i: number, seasonStart: string, seasonEnd: string) => string | undefined;
  /** Coach constraints per athlete index (optional). */
  constraints?: (i: number) => readonly Constraint[] | undefined;
}

export interface AgentStep {
  rewards: Float32Array;
  done: boolean;
  /** 1 where the twin forced REST (injured / ill) regardless of the action. */
  overridden: Uint8Array;
  injured: Uint8Array;
  ill: Uint8Array;
}

export class AgentEnv {
  readonly twin: TwinEnv;
  private params: readonly AthleteParams[] = [];
  private histories: DailyObservation[][] = [];
  private inputs: PolicyInput[] = [];
  private day = 0;
  private types = new Uint8Array(0);
  private minutes = new Float32Array(0);
  private readonly options: AgentEnvOptions;
  /** Row-major features (n × FEATURE_COUNT) and masks (n × ACTION_COUNT) of the current morning. */
  features = new Float32Array(0);
  masks = new Uint8Array(0);

  /** Truth at the first morning of the season (after warm-up), to measure the season alone. */
  seasonStart: { performance: Float64Array; marker: Float64Array; injuries: Uint32Array; illnesses: Uint32Array; forcedRestDays: Uint32Array } | undefined;
  readonly warmupDays: number;
  readonly seasonDays: number;

  constructor(options: AgentEnvOptions) {
    this.options = options;
    this.warmupDays = options.warmupDays ?? 42;
    this.seasonDays = options.horizonDays ?? 168;
    const { warmupDays: _w, constraints: _c, ...twinOptions } = options;
    this.twin = new TwinEnv({ ...twinOptions, horizonDays: this.warmupDays + this.seasonDays });
  }

  get size(): number {
    return this.params.length;
  }

  get dayIndex(): number {
    return this.day;
  }

  get athletes(): readonly AthleteParams[] {
    return this.params;
  }

  history(i: number): readonly DailyObservation[] {
    return this.histories[i]!;
  }

  /** Start a season for these athletes; returns the first morning's inputs. */
  reset(params: readonly AthleteParams[], seed = this.options.seed): PolicyInput[] {
    this.params = params;
    this.twin.reset(params, seed);
    this.histories = params.map(() => []);
    this.day = 0;
    this.types = new Uint8Array(params.length);
    this.minutes = new Float32Array(params.length);
    this.features = new Float32Array(params.length * FEATURE_COUNT);
    this.masks = new Uint8Array(params.length * ACTION_COUNT);
    for (let d = 0; d < this.warmupDays; d++) {
      for (let i = 0; i < params.length; i++) {
        this.histories[i]!.push(this.twin.observeMorning(i));
        const s = periodizedSession(params[i]!, d);
        this.types[i] = SESSION_INDEX[s.type];
        this.minutes[i] = s.minutes;
      }
      this.twin.step(this.types, this.minutes);
      for (let i = 0; i < params.length; i++) {
        const h = this.histories[i]!;
        h[h.length - 1] = this.twin.observe(i);
      }
    }
    const t = this.twin.truth();
    this.seasonStart = {
      performance: Float64Array.from(t.performance),
      marker: Float64Array.from(t.marker),
      injuries: Uint32Array.from(t.injuries),
      illnesses: Uint32Array.from(t.illnesses),
      forcedRestDays: Uint32Array.from(t.forcedRestDays),
    };
    this.morning();
    return this.inputs;
  }

  /** The inputs of the current morning (state, features, mask, context) for every athlete. */
  currentInputs(): PolicyInput[] {
    return this.inputs;
  }

  /** Simulate today with one catalogue action per athlete; returns rewards and moves to the next morning. */
  step(actions: ArrayLike<number>): AgentStep {
    const n = this.params.length;
    if (actions.length !== n) throw new Error(`AgentEnv.step: ${actions.length} actions for ${n} athletes`);
    for (let i = 0; i < n; i++) {
      const a = actions[i]!;
      if (!this.masks[i * ACTION_COUNT + a]) throw new Error(`AgentEnv.step: athlete ${i} was given blocked action ${a}`);
      const s = materialize(a, { sport: this.params[i]!.sport, ctl: this.inputs[i]!.state.ctl });
      this.types[i] = SESSION_INDEX[s.type];
      this.minutes[i] = s.minutes;
    }
    const r = this.twin.step(this.types, this.minutes);
    for (let i = 0; i < n; i++) {
      const h = this.histories[i]!;
      h[h.length - 1] = this.twin.observe(i); // the full day replaces this morning's partial readings
    }
    this.day += 1;
    if (!r.done) this.morning();
    return { rewards: r.reward, done: r.done, overridden: r.overridden, injured: r.injuredToday, ill: r.illToday };
  }

  truth(): TwinTruth {
    return this.twin.truth();
  }

  private morning(): void {
    const n = this.params.length;
    const inputs: PolicyInput[] = new Array(n);
    const seasonStart = this.histories[0]?.[this.warmupDays]?.date;
    for (let i = 0; i < n; i++) {
      const obs = this.twin.observeMorning(i);
      const h = this.histories[i]!;
      h.push(obs);
      const goalDate = seasonStart ? this.options.goalDate?.(i, seasonStart, addDays(seasonStart, this.seasonDays - 1)) : undefined;
      const state = computeState(h, obs.date, { ...(seasonStart ? { seasonStart } : {}), ...(goalDate ? { goalDate } : {}) });
      const constraints = this.options.constraints?.(i);
      const mask = computeMask(constraints ? { state, sport: this.params[i]!.sport, constraints } : { state, sport: this.params[i]!.sport }).mask;
      const features = encodeState(state, this.features, i * FEATURE_COUNT).subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT);
      for (let a = 0; a < ACTION_COUNT; a++) this.masks[i * ACTION_COUNT + a] = mask[a] ? 1 : 0;
      inputs[i] = {
        state,
        features,
        mask,
        context: {
          sport: this.params[i]!.sport,
          level: this.params[i]!.level,
          dayIndex: this.day,
          date: obs.date,
          athleteId: this.params[i]!.id,
          ...(seasonStart ? { seasonStart } : {}),
          ...(goalDate ? { goalDate } : {}),
        },
      };
    }
    this.inputs = inputs;
  }
}
