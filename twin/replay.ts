/**
 * A fast twin state from an athlete's history, for what-ifs where a full calibration is too slow (the
 * `decide` filter answers thousands of requests a second; calibrate() costs ~10 ms per 120-day history).
 *
 * Parameters: the given ones (a stored calibration), else the population prior for the sport and level
 * with three cheap personal anchors — habitual load (mean of the first 28 days), HRV baseline (mean ln
 * rMSSD) and resting-HR baseline (mean). The history's sessions are then replayed day by day through the
 * noise-free dynamics (missing dates are rest days), giving the hidden state on the morning of `date`.
 */
import { TwinBatch, type AthleteState } from './dynamics.ts';
import { minutesForLoad } from './load.ts';
import { defaultParams, PRIOR, type AthleteParams } from './params.ts';
import { SESSION_INDEX, SESSION_TYPES, type DailyObservation, type Level, type Sport } from './types.ts';

const DAY_MS = 86_400_000;
const epochDay = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);

export interface ReplayOptions {
  sport: Sport;
  level?: Level;
  params?: AthleteParams;
  /** Replay up to the day before this date (the morning being decided). */
  date: string;
  /** Days replayed before `date` (older history only anchors the parameters). Default 120. */
  maxDays?: number;
}

function sessionOf(obs: DailyObservation | undefined): { type: number; minutes: number } {
  if (!obs) return { type: 0, minutes: 0 };
  let type = obs.sessionType !== undefined ? SESSION_INDEX[obs.sessionType] : -1;
  const load = obs.load;
  if (type < 0) type = load !== undefined && load > 0 ? SESSION_INDEX.ENDURANCE : 0;
  if (type === 0) return { type: 0, minutes: 0 };
  const minutes = load !== undefined && load >= 0 ? minutesForLoad(SESSION_TYPES[type]!, load) : Math.max(0, obs.minutes ?? 0);
  return { type, minutes };
}

/** Prior parameters anchored on the history's habitual load, HRV and resting-HR levels. */
export function anchoredParams(history: readonly DailyObservation[], sport: Sport, level: Level = 'recreational'): AthleteParams {
  const base = defaultParams(sport, level, 'replay-prior');
  let load = 0;
  let loadDays = 0;
  let ln = 0;
  let lnN = 0;
  let rhr = 0;
  let rhrN = 0;
  for (let i = 0; i < history.length; i++) {
    const o = history[i]!;
    if (i < 28 && !o.illness && !o.injury) {
      load += o.load ?? 0;
      loadDays += 1;
    }
    if (o.hrvRmssd !== undefined && o.hrvRmssd > 0 && !o.illness) {
      ln += Math.log(o.hrvRmssd);
      lnN += 1;
    }
    if (o.restingHr !== undefined && o.restingHr > 0 && !o.illness) {
      rhr += o.restingHr;
      rhrN += 1;
    }
  }
  const L0 = loadDays >= 7 && load > 0 ? load / loadDays : base.initialLoad;
  return {
    ...base,
    initialLoad: L0,
    capacityLoad: L0 / PRIOR.initialFraction,
    ...(lnN >= 7 ? { lnRmssdBase: ln / lnN } : {}),
    ...(rhrN >= 7 ? { rhrBase: rhr / rhrN } : {}),
  };
}

export interface ReplayRequest {
  history: readonly DailyObservation[];
  date: string;
  sport: Sport;
  level?: Level;
  params?: AthleteParams;
}

/**
 * Replay many athletes at once in one batch (lock-step on days relative to each one's `date`), which is
 * what makes the what-ifs of a 10,000-athlete morning affordable. Days before an athlete's first entry
 * are habitual days (endurance at the anchored habitual load), so a short history starts from the
 * athlete's usual level instead of from detraining.
 */
export function replayStates(requests: readonly ReplayRequest[], maxDays = 120): { params: AthleteParams; state: AthleteState }[] {
  const n = requests.length;
  if (n === 0) return [];
  const plans: { targetDay: number; byDay: Map<number, DailyObservation>; firstDay: number; habitual: number }[] = [];
  const params: AthleteParams[] = [];
  for (const r of requests) {
    const targetDay = epochDay(r.date);
    const byDay = new Map<number, DailyObservation>();
    let firstDay = targetDay;
    const past: DailyObservation[] = [];
    for (const o of r.history) {
      const d = epochDay(o.date);
      if (d >= targetDay) continue;
      byDay.set(d, o);
      past.push(o);
      if (d < firstDay) firstDay = d;
    }
    const p = r.params ?? anchoredParams(past, r.sport, r.level);
    params.push(p);
    plans.push({ targetDay, byDay, firstDay, habitual: minutesForLoad('ENDURANCE', p.initialLoad) });
  }
  const batch = new TwinBatch(params);
  batch.morning(null, false);
  const types = new Uint8Array(n);
  const minutes = new Float64Array(n);
  for (let k = -maxDays; k < 0; k++) {
    for (let i = 0; i < n; i++) {
      const plan = plans[i]!;
      const d = plan.targetDay + k;
      if (d < plan.firstDay) {
        types[i] = SESSION_INDEX.ENDURANCE;
        minutes[i] = plan.habitual;
      } else {
        const s = sessionOf(plan.byDay.get(d));
        types[i] = s.type;
        minutes[i] = s.minutes;
      }
    }
    batch.applySessions(types, minutes, null, false);
    batch.swapDay();
    batch.day++;
    batch.morning(null, false);
  }
  return params.map((p, i) => ({ params: p, state: batch.snapshot(i) }));
}

export function replayState(history: readonly DailyObservation[], opts: ReplayOptions): { params: AthleteParams; state: AthleteState } {
  return replayStates([{ history, date: opts.date, sport: opts.sport, ...(opts.level ? { level: opts.level } : {}), ...(opts.params ? { params: opts.params } : {}) }], opts.maxDays)[0]!;
}
