/**
 * Store wearable days. Each SourceDay replaces that source's entry of the athlete-day, then the day is
 * re-merged (field precedence per src/wearables/merge.ts, injected as deps.mergeDays). Serialised per
 * athlete (one lock per call, not per day, so a 90-day backfill takes one lock): two providers syncing
 * the same days at once must not lose each other's data.
 */
import { fail } from './error-codes.ts';
import type { MetricField, SourceDay } from './metrics.ts';
import type { CoreDeps } from './ports.ts';
import type { DailyMetricsRecord, FieldValue } from './types.ts';
import { requireDate } from './validation.ts';

async function mergeDay(deps: CoreDeps, athleteId: string, date: string, incoming: readonly SourceDay[]): Promise<DailyMetricsRecord> {
  const cur = await deps.dailyMetrics.get(athleteId, date);
  const incomingSources = new Set(incoming.map((d) => d.source));
  const sources = [...(cur?.sources ?? []).filter((s) => !incomingSources.has(s.source)), ...incoming];
  const [merged] = deps.mergeDays(sources);
  const fields: Partial<Record<MetricField, FieldValue>> = {};
  for (const [k, v] of Object.entries(merged?.metrics ?? {}) as [MetricField, number][]) {
    const source = merged!.sources[k];
    if (source !== undefined && Number.isFinite(v)) fields[k] = { value: v, source };
  }
  const rec: DailyMetricsRecord = { athleteId, date, fields, sources, workouts: merged?.workouts ?? [], updatedAt: deps.clock.now() };
  await deps.dailyMetrics.put(rec);
  return rec;
}

export async function recordSourceDays(deps: CoreDeps, athleteId: string, days: readonly SourceDay[]): Promise<DailyMetricsRecord[]> {
  for (const d of days) requireDate(d.date);
  if (!(await deps.athletes.get(athleteId))) throw fail('ATHLETE.NOT_FOUND', 'I could not find that athlete.', { athleteId });
  const byDate = new Map<string, SourceDay[]>();
  for (const d of days) byDate.set(d.date, [...(byDate.get(d.date) ?? []), d]);
  const dates = [...byDate.keys()].sort();
  return deps.mutex.withLock(`dm:${athleteId}`, async () => {
    const out: DailyMetricsRecord[] = [];
    for (const date of dates) out.push(await mergeDay(deps, athleteId, date, byDate.get(date)!));
    return out;
  });
}
