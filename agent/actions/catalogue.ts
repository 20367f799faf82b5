import type { SessionType, Sport } from '../../twin/types.ts';
import { sessionLoad } from '../../twin/load.ts';

/** Dose of a session. REST has a single dose ('standard'). */
export type Dose = 'short' | 'standard' | 'long';
export const DOSES: readonly Dose[] = ['short', 'standard', 'long'];
export const DOSE_INDEX: Readonly<Record<Dose, number>> = Object.freeze({ short: 0, standard: 1, long: 2 });

export interface ActionDef {
  /** Position in ACTIONS = output unit of the policy network. Never renumber; append only. */
  readonly id: number;
  /** Stable string key, e.g. 'INTERVALS_STANDARD'. */
  readonly key: string;
  readonly type: SessionType;
  readonly dose: Dose;
}

function def(id: number, type: SessionType, dose: Dose): ActionDef {
  return Object.freeze({ id, key: type === 'REST' ? 'REST' : `${type}_${dose.toUpperCase()}`, type, dose });
}

/**
 * The fixed, ordered action catalogue (14 actions). ACTIVE_RECOVERY and STRENGTH have no long dose: a
 * long recovery session is an endurance session, and a long gym session adds fatigue, not stimulus.
 */
export const ACTIONS: readonly ActionDef[] = Object.freeze([
  def(0, 'REST', 'standard'),
  def(1, 'ACTIVE_RECOVERY', 'short'),
  def(2, 'ACTIVE_RECOVERY', 'standard'),
  def(3, 'ENDURANCE', 'short'),
  def(4, 'ENDURANCE', 'standard'),
  def(5, 'ENDURANCE', 'long'),
  def(6, 'TEMPO', 'short'),
  def(7, 'TEMPO', 'standard'),
  def(8, 'TEMPO', 'long'),
  def(9, 'INTERVALS', 'short'),
  def(10, 'INTERVALS', 'standard'),
  def(11, 'INTERVALS', 'long'),
  def(12, 'STRENGTH', 'short'),
  def(13, 'STRENGTH', 'standard'),
]);
export const ACTION_COUNT = ACTIONS.length;
export const REST_ACTION = 0;

/** Action id by key ('REST', 'ENDURANCE_LONG', …). */
export const ACTION_ID: Readonly<Record<string, number>> = Object.freeze(Object.fromEntries(ACTIONS.map((a) => [a.key, a.id])));

/** Id of (type, dose), or undefined when that dose does not exist for the type. */
export function actionId(type: SessionType, dose: Dose): number | undefined {
  const a = ACTIONS.find((x) => x.type === type && (type === 'REST' || x.dose === dose));
  return a?.id;
}

export function getAction(id: number): ActionDef {
  const a = ACTIONS[id];
  if (a === undefined) throw new RangeError(`unknown action id ${id} (0..${ACTION_COUNT - 1})`);
  return a;
}

// ---------------------------------------------------------------------------------------------------
// Minutes and load

/** Base minutes for a running athlete at CTL 50 (scale 1), warm-up and cool-down included. */
const BASE_MINUTES: Readonly<Record<SessionType, readonly [number, number, number]>> = {
  REST: [0, 0, 0],
  ACTIVE_RECOVERY: [20, 30, 30],
  ENDURANCE: [40, 60, 90],
  TEMPO: [40, 55, 75],
  INTERVALS: [40, 55, 70],
  STRENGTH: [30, 45, 45],
};

/** Per-sport duration factors (cycling sessions run longer for the same stress; sprint/team shorter aerobic work). */
const SPORT_FACTOR: Readonly<Record<Sport, Readonly<Record<SessionType, number>>>> = {
  running: { REST: 0, ACTIVE_RECOVERY: 1, ENDURANCE: 1, TEMPO: 1, INTERVALS: 1, STRENGTH: 1 },
  cycling: { REST: 0, ACTIVE_RECOVERY: 1.5, ENDURANCE: 1.5, TEMPO: 1.3, INTERVALS: 1.2, STRENGTH: 1 },
  sprint400: { REST: 0, ACTIVE_RECOVERY: 1, ENDURANCE: 0.7, TEMPO: 0.9, INTERVALS: 1.1, STRENGTH: 1 },
  team: { REST: 0, ACTIVE_RECOVERY: 1, ENDURANCE: 0.8, TEMPO: 0.9, INTERVALS: 1, STRENGTH: 1 },
};

/** Types whose duration scales with fitness (CTL). Recovery and gym sessions do not. */
const CTL_SCALED: ReadonlySet<SessionType> = new Set(['ENDURANCE', 'TEMPO', 'INTERVALS']);
export const CTL_SCALE_MIN = 0.6;
export const CTL_SCALE_MAX = 1.5;

/** Duration scale from fitness: 0.5 + CTL/100, clamped to [0.6, 1.5] (CTL 50 → 1, CTL ≥ 100 → 1.5). */
export function ctlScale(ctl: number): number {
  const s = 0.5 + (Number.isFinite(ctl) ? ctl : 0) / 100;
  return s < CTL_SCALE_MIN ? CTL_SCALE_MIN : s > CTL_SCALE_MAX ? CTL_SCALE_MAX : s;
}

/** Planned minutes of an action for a sport and CTL (multiple of 5; 0 for REST; ≥ 10 otherwise). */
export function actionMinutes(id: number, sport: Sport, ctl: number): number {
  const a = getAction(id);
  if (a.type === 'REST') return 0;
  const base = BASE_MINUTES[a.type][DOSE_INDEX[a.dose]]!;
  const m = base * SPORT_FACTOR[sport][a.type] * (CTL_SCALED.has(a.type) ? ctlScale(ctl) : 1);
  return Math.max(10, Math.round(m / 5) * 5);
}

/** Planned load (TSS scale) of an action: the twin's sessionLoad(type, minutes). */
export function actionLoad(id: number, sport: Sport, ctl: number): number {
  const a = getAction(id);
  if (a.type === 'REST') return 0;
  return sessionLoad(a.type, actionMinutes(id, sport, ctl));
}

/** Planned loads of all actions (index = action id). */
export function actionLoads(sport: Sport, ctl: number, out: Float64Array = new Float64Array(ACTION_COUNT)): Float64Array {
  for (let id = 0; id < ACTION_COUNT; id++) out[id] = actionLoad(id, sport, ctl);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Intensity and impact

export interface Intensity {
  /** 'Z0' rest, 'Z1' recovery, 'Z2' endurance, 'Z3' tempo/threshold, 'Z4-5' intervals, 'GYM' strength. */
  zone: string;
  label: string;
  /** Session RPE (CR-10) range expected for the whole session. */
  rpe: readonly [number, number];
}

export const INTENSITY: Readonly<Record<SessionType, Intensity>> = Object.freeze({
  REST: { zone: 'Z0', label: 'rest: no training', rpe: [0, 0] },
  ACTIVE_RECOVERY: { zone: 'Z1', label: 'recovery: very easy, below 70% HRmax, RPE 1-3', rpe: [1, 3] },
  ENDURANCE: { zone: 'Z2', label: 'endurance: easy aerobic, conversational, 70-80% HRmax, RPE 3-4', rpe: [3, 4] },
  TEMPO: { zone: 'Z3', label: 'tempo/threshold: comfortably hard, 80-90% HRmax, RPE 5-6', rpe: [5, 6] },
  INTERVALS: { zone: 'Z4-5', label: 'intervals: hard repetitions above threshold, > 90% HRmax, session RPE 7-8', rpe: [7, 8] },
  STRENGTH: { zone: 'GYM', label: 'strength: heavy lifts with 2-3 reps in reserve, RPE 6-7', rpe: [6, 7] },
});

/**
 * Impact sessions (running, sprinting, jumping) per sport, blocked by a coach's no_impact constraint.
 * ACTIVE_RECOVERY is always prescribed as non-impact movement (walk, easy spin, swim); cycling has no
 * impact sessions (its strength work has no jumps); for runners, sprinters and team players every running
 * session and the plyometric strength session are impact.
 */
const IMPACT: Readonly<Record<Sport, ReadonlySet<SessionType>>> = {
  running: new Set(['ENDURANCE', 'TEMPO', 'INTERVALS', 'STRENGTH']),
  cycling: new Set(),
  sprint400: new Set(['ENDURANCE', 'TEMPO', 'INTERVALS', 'STRENGTH']),
  team: new Set(['ENDURANCE', 'TEMPO', 'INTERVALS', 'STRENGTH']),
};

export function isImpact(id: number, sport: Sport): boolean {
  return IMPACT[sport].has(getAction(id).type);
}

// ---------------------------------------------------------------------------------------------------
// Materialization

export interface MaterializedSession {
  actionId: number;
  key: string;
  type: SessionType;
  dose: Dose;
  minutes: number;
  /** Planned load, TSS scale. */
  targetLoad: number;
  intensity: Intensity;
  impact: boolean;
  /** Plain-language instruction with an example workout for the sport. */
  description: string;
}

/** Turn an action into a concrete session for an athlete of this sport and fitness (CTL). */
export function materialize(id: number, athlete: { sport: Sport; ctl: number }): MaterializedSession {
  const a = getAction(id);
  const minutes = actionMinutes(id, athlete.sport, athlete.ctl);
  const targetLoad = a.type === 'REST' ? 0 : sessionLoad(a.type, minutes);
  const intensity = INTENSITY[a.type];
  const body = a.type === 'REST' ? 'Rest day: no training. Sleep, eat well, an easy walk is fine.' : `${minutes} min, ${intensity.zone} (${intensity.label}). ${example(a.type, athlete.sport, minutes)}`;
  return {
    actionId: id,
    key: a.key,
    type: a.type,
    dose: a.dose,
    minutes,
    targetLoad,
    intensity,
    impact: IMPACT[athlete.sport].has(a.type),
    description: body,
  };
}

function clampInt(v: number, lo: number, hi: number): number {
  const r = Math.floor(v);
  return r < lo ? lo : r > hi ? hi : r;
}

/** Example workout text for a type, sport and duration (numbers follow the minutes). */
function example(type: SessionType, sport: Sport, m: number): string {
  switch (type) {
    case 'ACTIVE_RECOVERY':
      return sport === 'cycling'
        ? `Very easy spin below 55% FTP, high cadence, then 10 min mobility.`
        : `Walk, very easy spin or swim (no running), then 10 min mobility.`;
    case 'ENDURANCE':
      switch (sport) {
        case 'running':
          return `Easy run at conversational pace; finish with 4 × 20 s relaxed strides.`;
        case 'cycling':
          return `Steady ride at 56-75% FTP, cadence 85-95, fuel every 30 min.`;
        case 'sprint400':
          return `Aerobic work: easy running on grass or extensive tempo (e.g. ${clampInt((m - 10) / 3, 4, 20)} × 100 m at 65-70% with 100 m walk).`;
        case 'team':
          return `Easy run or bike at 65-75% HRmax, conversational.`;
      }
      break;
    case 'TEMPO': {
      const main = Math.max(10, m - 20);
      switch (sport) {
        case 'running': {
          const reps = clampInt(main / 10, 1, 6);
          const len = Math.max(5, Math.floor((main - 2 * (reps - 1)) / reps));
          return reps === 1
            ? `10 min easy, ${main} min continuous at half-marathon pace, 10 min easy.`
            : `10 min easy, ${reps} × ${len} min at half-marathon pace with 2 min jog, 10 min easy.`;
        }
        case 'cycling': {
          const reps = clampInt(main / 13, 1, 6);
          const len = Math.max(5, Math.floor((main - 3 * (reps - 1)) / reps));
          return `10 min easy, ${reps} × ${len} min sweet spot at 88-94% FTP with 3 min easy, 10 min easy.`;
        }
        case 'sprint400':
          return `Warm-up, ${clampInt(main / 2.5, 6, 16)} × 200 m at 75-80% with 200 m walk (extensive tempo), cool-down.`;
        case 'team':
          return `Warm-up, ${clampInt(main / 1.5, 10, 30)} × 100 m tempo runs at 70-75% with 100 m walk back, cool-down.`;
      }
      break;
    }
    case 'INTERVALS': {
      const main = Math.max(10, m - 25);
      switch (sport) {
        case 'running':
          return `15 min easy with drills, ${clampInt((main + 2) / 5, 3, 10)} × 3 min at 5 km pace with 2 min jog, 10 min easy.`;
        case 'cycling':
          return `15 min easy with 3 short openers, ${clampInt((main + 4) / 8, 3, 8)} × 4 min at 106-120% FTP with 4 min easy, 10 min easy.`;
        case 'sprint400':
          return `Warm-up with drills and strides, ${clampInt(main / 10, 2, 5)} × 300 m at 95% with 10-12 min recovery (speed endurance), cool-down.`;
        case 'team':
          return `Warm-up, ${clampInt((main + 3) / 7, 2, 6)} × 4 min at 90-95% HRmax with 3 min jog (or 3 × 6 × 30 m repeated sprints), cool-down.`;
      }
      break;
    }
    case 'STRENGTH':
      switch (sport) {
        case 'running':
          return `Split squats, Romanian deadlifts, calf raises 3 × 6-8 heavy, plus 3 × 5 low box jumps.`;
        case 'cycling':
          return `Back squat, deadlift, leg press and core, 3-4 × 5-8 heavy (no jumps).`;
        case 'sprint400':
          return `Power cleans, squats, hip thrusts 4 × 3-5, plus bounding and hurdle hops.`;
        case 'team':
          return `Squats, Nordic hamstring curls, Copenhagen planks 3 × 6-8, plus 3 × 5 countermovement jumps.`;
      }
      break;
    case 'REST':
      break;
  }
  return '';
}
