/**
 * Store wearable days. Each SourceDay replaces that source's entry of the athlete-day, then the day is
 * re-merged (field precedence per src/wearables/merge.ts, injected as deps.mergeDays). Serialised per
 * athlete-day: two providers syncing the same day at once must not lose each other's data.
 */
import { fail } from './error-codes.ts';
import type { MetricField } from './metrics.ts';
import type { CoreDeps } from './ports.ts';
import type { DailyMetricsRecord, FieldValue } from './types.ts';
import type { SourceDay } from './metrics.ts';
import { requireDate } from './validation.ts';

export async function recordSourceDays(deps: CoreDeps, athleteId: string, days: readonly SourceDay[]): Promise<DailyMetricsRecord[]> {
  for (const d of days) requireDate(d.date);
  if (!(await deps.athletes.get(athleteId))) throw fail('ATHLETE.NOT_FOUND', 'I could not find that athlete.', { athleteId });
  const byDate = new Map<string, SourceDay[]>();
  for (const d of days) byDate.set(d.date, [...(byDate.get(d.date) ?? []), d]);
  const out: DailyMetricsRecord[] = [];
  for (const [date, incoming] of [...byDate.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    out.push(
      await deps.mutex.withLock(`dm:${athleteId}:${date}`, async () => {
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
      }),
    );
  }
  return out;
}
