/**
 * A fast twin state from an athlete's history, for what-ifs where a full calibration is too slow (the
 * `decide` filter answers thousands of requests a second; calibrate() costs ~10 ms per 120-day history).
 *
 * Parameters: the given ones (a stored calibration), else the population prior for the sport and level
 * with three cheap personal anchors — habitual load (mean of the first 28 days), HRV baseline (mean ln
 * rMSSD) and resting-HR baseline (mean). The history's sessions are then replayed day by day through the
 * noise-free dynamics (missing dates are rest days), giving the hidden state on the morning of `date`.
 */
import { epochDay } from './dates.ts';
import { TwinBatch, type AthleteState } from './dynamics.ts';
import { minutesForLoad } from './load.ts';
import { defaultParams, PRIOR, type AthleteParams } from './params.ts';
import { SESSION_INDEX, SESSION_TYPES, type DailyObservation, type Level, type Sport } from './types.ts';

export interface ReplayOptions {
  sport: Sport;
  level?: Level;
  params?: AthleteParams;
  /** Replay up to the day before this date (the morning being decided). */
  date: string;
  /** Days replayed before `date` (older history only anchors the parameters). Default 120. */
  maxDays?: number;
}

function sessionOf(obs: DailyObservation): { type: number; minutes: number } {
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
 * athlete's usual level instead of from detraining. Entries on or after `date`, or with an invalid date,
 * are not replayed (an invalid one still counts for the parameter anchors).
 */
export function replayStates(requests: readonly ReplayRequest[], maxDays = 120): { params: AthleteParams; state: AthleteState }[] {
  const n = requests.length;
  if (n === 0) return [];
  // The whole plan up front, day-major (day k of athlete i at k·n + i): each simulated day then reads
  // one contiguous row instead of looking every athlete's day up in the history.
  const types = new Uint8Array(maxDays * n);
  const minutes = new Float64Array(maxDays * n);
  const params: AthleteParams[] = new Array(n);
  for (let i = 0; i < n; i++) params[i] = planReplay(requests[i]!, i, n, maxDays, types, minutes);
  const batch = new TwinBatch(params);
  batch.morning(null, false);
  for (let k = 0; k < maxDays; k++) {
    batch.applySessions(types.subarray(k * n, (k + 1) * n), minutes.subarray(k * n, (k + 1) * n), null, false);
    batch.swapDay();
    batch.day++;
    batch.morning(null, false);
  }
  return params.map((p, i) => ({ params: p, state: batch.snapshot(i) }));
}

/**
 * Write athlete i's sessions for the `maxDays` days before its `date` into the plan (rest days are the
 * arrays' zeros) and return its parameters. Of two entries on one day the later wins.
 */
function planReplay(r: ReplayRequest, i: number, n: number, maxDays: number, types: Uint8Array, minutes: Float64Array): AthleteParams {
  const { history } = r;
  const targetDay = epochDay(r.date);
  const days = new Float64Array(history.length);
  let firstDay = targetDay;
  let pastCount = 0;
  for (let j = 0; j < history.length; j++) {
    const d = epochDay(history[j]!.date);
    days[j] = d;
    if (d >= targetDay) continue;
    pastCount += 1;
    if (d < firstDay) firstDay = d;
  }
  const past = pastCount === history.length ? history : history.filter((_, j) => !(days[j]! >= targetDay));
  const p = r.params ?? anchoredParams(past, r.sport, r.level);
  const windowStart = targetDay - maxDays; // epoch day of plan day 0
  const habitual = minutesForLoad('ENDURANCE', p.initialLoad);
  for (let k = 0; k < maxDays && windowStart + k < firstDay; k++) {
    types[k * n + i] = SESSION_INDEX.ENDURANCE;
    minutes[k * n + i] = habitual;
  }
  for (let j = 0; j < history.length; j++) {
    const k = days[j]! - windowStart;
    if (!(k >= 0 && k < maxDays)) continue; // before the window, on or after `date`, or an invalid date
    const s = sessionOf(history[j]!);
    types[k * n + i] = s.type;
    minutes[k * n + i] = s.minutes;
  }
  return p;
}

export function replayState(history: readonly DailyObservation[], opts: ReplayOptions): { params: AthleteParams; state: AthleteState } {
  return replayStates([{ history, date: opts.date, sport: opts.sport, ...(opts.level ? { level: opts.level } : {}), ...(opts.params ? { params: opts.params } : {}) }], opts.maxDays)[0]!;
}
