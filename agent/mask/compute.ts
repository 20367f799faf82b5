import { HARD_SESSIONS } from '../../twin/types.ts';
import type { SessionType } from '../../twin/types.ts';
import { ACTIONS, ACTION_COUNT, REST_ACTION, actionLoad, isImpact } from '../actions/catalogue.ts';
import { epochDay } from '../state/dates.ts';
import { DEFAULT_STATE_CONFIG, projectedAcwr } from '../state/compute.ts';
import type { BlockedAction, Constraint, MaskConfig, MaskInput, MaskResult, RuleHit, RuleId } from './types.ts';

/** Defaults from docs/domain.md (sources in agent/README.md). */
export const DEFAULT_MASK_CONFIG: Readonly<MaskConfig> = Object.freeze({
  acwrDanger: 1.5,
  acwrProjectedDanger: 1.5,
  hrvFallingDays: 2,
  rhrElevatedBpm: 5,
  shortSleepHours: 6,
  rhrVeryHighBpm: 10,
  acuteRhrBpm: 5,
  acuteHrvTodayZ: -1.5,
  acuteSleepHours: 5,
  acuteSoreness: 5,
  acuteSignsNeeded: 2,
  maxConsecutiveHard: 2,
  maxTrainingDaysInRow: 6,
  ctlRampMax: 8,
  coldStartBlocksLongHard: true,
});

/** Rules from most to least severe: the first rule that blocks an action names it in `blocked`. */
export const RULE_ORDER: readonly RuleId[] = Object.freeze([
  'illness',
  'coach_rest_only',
  'injury',
  'coach_no_impact',
  'coach_max_load',
  'no_rest',
  'rhr_very_high',
  'acute_red_flags',
  'acwr_danger',
  'hrv_below_band',
  'rhr_short_sleep',
  'hrv_falling',
  'consecutive_hard',
  'coach_no_high_intensity',
  'ctl_ramp',
  'acwr_projected',
  'acwr_cold_start',
]);
const SEVERITY: Readonly<Record<RuleId, number>> = Object.fromEntries(RULE_ORDER.map((r, i) => [r, i])) as Record<RuleId, number>;

const ALL_BUT_REST: readonly number[] = ACTIONS.filter((a) => a.type !== 'REST').map((a) => a.id);
const ABOVE_RECOVERY: readonly number[] = ACTIONS.filter((a) => a.type !== 'REST' && a.type !== 'ACTIVE_RECOVERY').map((a) => a.id);
const HARD_IDS: readonly number[] = ACTIONS.filter((a) => HARD_SESSIONS.has(a.type)).map((a) => a.id);
const HIGH_INTENSITY: ReadonlySet<SessionType> = new Set(['TEMPO', 'INTERVALS']);
const HIGH_INTENSITY_IDS: readonly number[] = ACTIONS.filter((a) => HIGH_INTENSITY.has(a.type)).map((a) => a.id);
const ACWR_DANGER_IDS: readonly number[] = ACTIONS.filter((a) => HARD_SESSIONS.has(a.type) || (a.type === 'ENDURANCE' && a.dose === 'long')).map((a) => a.id);
const HARD_OR_LONG_IDS: readonly number[] = ACTIONS.filter((a) => HARD_SESSIONS.has(a.type) || a.dose === 'long').map((a) => a.id);
const LONG_HARD_IDS: readonly number[] = ACTIONS.filter((a) => HARD_SESSIONS.has(a.type) && a.dose === 'long').map((a) => a.id);

/** Whether a constraint's window contains the day (inclusive; unparseable bounds count as open). */
export function constraintApplies(c: Constraint, day: number): boolean {
  const from = c.from !== undefined ? epochDay(c.from) : Number.NaN;
  const to = c.to !== undefined ? epochDay(c.to) : Number.NaN;
  if (from === from && day < from) return false;
  if (to === to && day > to) return false;
  return true;
}

const f1 = (v: number): string => v.toFixed(1);
const f2 = (v: number): string => v.toFixed(2);
const sign1 = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(1)}`;

function bandK(s: MaskInput['state']): string {
  const sd = s.lnRmssdBaselineSd;
  return sd !== undefined && sd > 0 && s.hrvBandUpper !== undefined && s.lnRmssdBaselineMean !== undefined
    ? ((s.hrvBandUpper - s.lnRmssdBaselineMean) / sd).toFixed(1)
    : '?';
}

function windowText(c: Constraint): string {
  const w = c.from !== undefined || c.to !== undefined ? ` (${c.from ?? '…'} → ${c.to ?? '…'})` : '';
  const note = c.note ? `: "${c.note}"` : '';
  return `${w}${note}`;
}

/**
 * The safety mask: which of the ACTIONS may be prescribed today, and why the others may not.
 * Pure; REST is never blocked, so `allowed` is never empty.
 */
export function computeMask(input: MaskInput, config?: Partial<MaskConfig>): MaskResult {
  const cfg: MaskConfig = config ? { ...DEFAULT_MASK_CONFIG, ...config } : (DEFAULT_MASK_CONFIG as MaskConfig);
  const { state: s, sport } = input;
  const hits: RuleHit[] = [];
  // Per-action reasons for load-based rules (index = action id).
  const actionReason = new Map<string, string>();

  let loads: Float64Array | undefined;
  const loadOf = (id: number): number => {
    if (loads === undefined) {
      loads = new Float64Array(ACTION_COUNT);
      for (let k = 0; k < ACTION_COUNT; k++) loads[k] = actionLoad(k, sport, s.ctl);
    }
    return loads[id]!;
  };
  const hit = (rule: RuleId, reason: string, ids: readonly number[]): void => {
    if (ids.length > 0) hits.push({ rule, severity: SEVERITY[rule], reason, actionIds: ids.filter((id) => id !== REST_ACTION) });
  };

  // --- health ---
  if (s.illness) hit('illness', `illness reported within the last ${DEFAULT_STATE_CONFIG.illnessMemoryDays} days: rest only`, ALL_BUT_REST);
  if (s.injury) hit('injury', `injury reported within the last ${DEFAULT_STATE_CONFIG.injuryMemoryDays} days: rest or active recovery only`, ABOVE_RECOVERY);

  // --- coach constraints ---
  const day = s.epochDay;
  for (const c of input.constraints ?? []) {
    if (!constraintApplies(c, day)) continue;
    switch (c.type) {
      case 'rest_only':
        hit('coach_rest_only', `coach constraint rest_only${windowText(c)}: rest only (${ALL_BUT_REST.length} sessions blocked)`, ALL_BUT_REST);
        break;
      case 'no_impact': {
        const ids = ALL_BUT_REST.filter((id) => isImpact(id, sport));
        hit('coach_no_impact', `coach constraint no_impact${windowText(c)}: no running or jumping sessions for ${sport} (${ids.length} sessions blocked)`, ids);
        break;
      }
      case 'no_high_intensity':
        hit('coach_no_high_intensity', `coach constraint no_high_intensity${windowText(c)}: no TEMPO or INTERVALS (${HIGH_INTENSITY_IDS.length} sessions blocked)`, HIGH_INTENSITY_IDS);
        break;
      case 'max_load': {
        const max = Number.isFinite(c.value) ? c.value : 0;
        const ids = ALL_BUT_REST.filter((id) => loadOf(id) > max);
        const reason = `coach constraint max_load ${f1(max)}${windowText(c)}: no session with planned load above ${f1(max)}`;
        for (const id of ids) actionReason.set(`coach_max_load:${id}`, `${reason} (${ACTIONS[id]!.key} ${f1(loadOf(id))} > ${f1(max)})`);
        hit('coach_max_load', reason, ids);
        break;
      }
    }
  }

  // --- recovery pattern ---
  const trainingDays = s.daysSinceRest - 1;
  if (trainingDays >= cfg.maxTrainingDaysInRow) {
    hit('no_rest', `${trainingDays} training days in a row ≥ ${cfg.maxTrainingDaysInRow} (last rest ${s.daysSinceRest} days ago): rest or active recovery only`, ABOVE_RECOVERY);
  }
  if (s.consecutiveHardDays >= cfg.maxConsecutiveHard) {
    hit('consecutive_hard', `${s.consecutiveHardDays} hard days in a row ≥ ${cfg.maxConsecutiveHard}: no hard session today`, HARD_IDS);
  }

  // --- resting HR, sleep ---
  const rhr = s.restingHrDeviation;
  if (rhr !== undefined && rhr >= cfg.rhrVeryHighBpm) {
    hit('rhr_very_high', `resting HR ${sign1(rhr)} bpm ≥ +${cfg.rhrVeryHighBpm} over baseline ${f1(s.restingHrBaseline ?? 0)}: rest or active recovery only`, ABOVE_RECOVERY);
  }
  if (rhr !== undefined && rhr >= cfg.rhrElevatedBpm && s.sleepHoursToday !== undefined && s.sleepHoursToday <= cfg.shortSleepHours) {
    hit(
      'rhr_short_sleep',
      `resting HR ${sign1(rhr)} bpm ≥ +${cfg.rhrElevatedBpm} and sleep ${f1(s.sleepHoursToday)} h ≤ ${cfg.shortSleepHours} h: no hard session`,
      HARD_IDS,
    );
  }

  // --- acute red flags: today's signs agree (each is one sign; sources in agent/README.md) ---
  const signs = acuteSigns(s, cfg);
  if (signs.length >= cfg.acuteSignsNeeded) {
    hit('acute_red_flags', `${signs.length} of today's warning signs agree (${signs.join('; ')}): no hard or long session`, HARD_OR_LONG_IDS);
  }

  // --- HRV ---
  if (s.hrvBand === 'below' && s.lnRmssd7 !== undefined && s.hrvBandLower !== undefined && s.hrvBandUpper !== undefined) {
    hit(
      'hrv_below_band',
      `7-day HRV ${f1(Math.exp(s.lnRmssd7))} ms below your normal range ${f1(Math.exp(s.hrvBandLower))}–${f1(Math.exp(s.hrvBandUpper))} ms (lnRMSSD ${s.lnRmssd7.toFixed(3)} < ${s.hrvBandLower.toFixed(3)}, baseline ${(s.lnRmssdBaselineMean ?? 0).toFixed(3)} ± ${bandK(s)} SD): no hard session`,
      HARD_IDS,
    );
  }
  if (s.hrvFallingDays >= cfg.hrvFallingDays) {
    hit('hrv_falling', `HRV fell ${s.hrvFallingDays} mornings running (≥ ${cfg.hrvFallingDays}): no hard session`, HARD_IDS);
  }

  // --- load ---
  if (s.acwr !== undefined && s.acwr >= cfg.acwrDanger) {
    hit('acwr_danger', `ACWR ${f2(s.acwr)} ≥ ${f2(cfg.acwrDanger)}: no session above ENDURANCE standard`, ACWR_DANGER_IDS);
  }
  if (s.ctlRampPerWeek !== undefined && s.ctlRampPerWeek > cfg.ctlRampMax) {
    const ids = ABOVE_RECOVERY.filter((id) => loadOf(id) > s.ctl);
    const reason = `CTL ramp ${sign1(s.ctlRampPerWeek)}/week > ${cfg.ctlRampMax}: no session with planned load above CTL ${f1(s.ctl)}`;
    for (const id of ids) actionReason.set(`ctl_ramp:${id}`, `${reason} (${ACTIONS[id]!.key} ${f1(loadOf(id))})`);
    hit('ctl_ramp', reason, ids);
  }
  if (!s.acwrColdStart) {
    const ids: number[] = [];
    for (const id of ABOVE_RECOVERY) {
      const p = projectedAcwr(s, loadOf(id));
      if (p !== undefined && p >= cfg.acwrProjectedDanger) {
        ids.push(id);
        actionReason.set(`acwr_projected:${id}`, `${ACTIONS[id]!.key} (load ${f1(loadOf(id))}) would raise ACWR to ${f2(p)} ≥ ${f2(cfg.acwrProjectedDanger)}`);
      }
    }
    hit('acwr_projected', `planned load would raise ACWR to ≥ ${f2(cfg.acwrProjectedDanger)}`, ids);
  } else if (cfg.coldStartBlocksLongHard) {
    hit(
      'acwr_cold_start',
      `ACWR not available yet (cold start: chronic load ${f1(s.chronicEwma)}/day, ${s.historyDays} days of history): no long hard session`,
      LONG_HARD_IDS,
    );
  }

  hits.sort((a, b) => a.severity - b.severity);

  const mask = new Array<boolean>(ACTION_COUNT).fill(true);
  const rulesOf: RuleId[][] = Array.from({ length: ACTION_COUNT }, () => []);
  const firstHit: (RuleHit | undefined)[] = new Array(ACTION_COUNT).fill(undefined);
  for (const h of hits) {
    for (const id of h.actionIds) {
      mask[id] = false;
      if (rulesOf[id]!.length === 0) firstHit[id] = h;
      if (!rulesOf[id]!.includes(h.rule)) rulesOf[id]!.push(h.rule);
    }
  }
  mask[REST_ACTION] = true;
  const allowed: number[] = [];
  const blocked: BlockedAction[] = [];
  for (let id = 0; id < ACTION_COUNT; id++) {
    if (mask[id]) {
      allowed.push(id);
      continue;
    }
    const h = firstHit[id]!;
    const a = ACTIONS[id]!;
    blocked.push({
      actionId: id,
      key: a.key,
      type: a.type,
      rule: h.rule,
      reason: actionReason.get(`${h.rule}:${id}`) ?? h.reason,
      rules: rulesOf[id]!,
    });
  }
  return { mask, allowed, blocked, hits };
}

/**
 * Today's acute warning signs, each citing its value and threshold: resting HR well above baseline, a
 * one-day HRV crash (today's lnRMSSD against the 60-day baseline, not the 7-day average), very short
 * sleep, and soreness 5/5 reported today or yesterday. Illness has its own, stricter rule.
 */
export function acuteSigns(s: MaskInput['state'], cfg: MaskConfig = DEFAULT_MASK_CONFIG as MaskConfig): string[] {
  const out: string[] = [];
  const rhr = s.restingHrDeviation;
  if (rhr !== undefined && rhr >= cfg.acuteRhrBpm) out.push(`resting HR ${sign1(rhr)} bpm over baseline ${f1(s.restingHrBaseline ?? 0)} (≥ +${cfg.acuteRhrBpm})`);
  const z = s.hrvTodayZ;
  if (z !== undefined && z <= cfg.acuteHrvTodayZ && s.hrvRmssdToday !== undefined)
    out.push(`HRV today ${f1(s.hrvRmssdToday)} ms, ${f1(Math.abs(z))} SD below baseline ${f1(Math.exp(s.lnRmssdBaselineMean ?? 0))} ms (≥ ${f1(Math.abs(cfg.acuteHrvTodayZ))} SD)`);
  const sleep = s.sleepHoursToday;
  if (sleep !== undefined && sleep <= cfg.acuteSleepHours) out.push(`sleep ${f1(sleep)} h (≤ ${cfg.acuteSleepHours} h)`);
  const sore = s.latestSoreness;
  if (sore !== undefined && sore >= cfg.acuteSoreness && (s.latestSorenessAgeDays ?? 99) <= 1) out.push(`soreness ${sore}/5 reported (≥ ${cfg.acuteSoreness}/5)`);
  return out;
}

/** Convenience for batches: the boolean masks of many inputs. */
export function computeMasks(inputs: readonly MaskInput[], config?: Partial<MaskConfig>): MaskResult[] {
  return inputs.map((i) => computeMask(i, config));
}
