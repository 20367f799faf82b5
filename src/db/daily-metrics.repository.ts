/** DailyMetrics (DailyMetricsRepository). */
import type { Connection, Model } from 'mongoose';
import type { DailyMetricsRepository } from '../core/ports.ts';
import type { DailyMetricsRecord } from '../core/types.ts';
import { dailyMetricsId, registerDailyMetricsModel, type DailyMetricsDoc } from './daily-metrics.model.ts';
import { isDuplicateKey, strip } from './schema-helpers.ts';

/**
 * Raw provider field names are dotted paths ("sleep.average_hrv", "daily_readiness.contributors.hrv_balance").
 * FerretDB rejects keys containing '.' (and MongoDB treats '.'/'$' in keys specially), so the keys of each
 * source's `raw` map are percent-escaped on the way in ('%' → %25, '.' → %2E, '$' → %24) and unescaped on
 * the way out: callers see the names exactly as the adapters wrote them.
 */
const escapeKey = (k: string) => k.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/\$/g, '%24');
const UNESCAPED: Record<string, string> = { '25': '%', '2E': '.', '24': '$' };
const unescapeKey = (k: string) => k.replace(/%(25|2E|24)/g, (_, c: string) => UNESCAPED[c]!);
const mapKeys = (raw: Record<string, unknown> | undefined, f: (k: string) => string) =>
  Object.fromEntries(Object.entries(raw ?? {}).map(([k, v]) => [f(k), v]));

function toRecord(d: DailyMetricsDoc): DailyMetricsRecord {
  const sources = (d.sources ?? []).map((s) => ({ ...s, raw: mapKeys(s.raw, unescapeKey) as typeof s.raw }));
  return { ...(strip(d) as unknown as DailyMetricsRecord), fields: d.fields ?? {}, sources, workouts: d.workouts ?? [] };
}

export class MongoDailyMetricsRepository implements DailyMetricsRepository {
  private readonly m: Model<DailyMetricsDoc>;
  constructor(conn: Connection) {
    this.m = registerDailyMetricsModel(conn);
  }
  async get(athleteId: string, date: string): Promise<DailyMetricsRecord | null> {
    const d = await this.m.findById(dailyMetricsId(athleteId, date)).lean<DailyMetricsDoc>().exec();
    return d ? toRecord(d) : null;
  }
  /** Without the per-source raw days (`sources` is empty): the history needs only the merged fields. */
  async listRange(athleteIds: readonly string[], from: string, to: string): Promise<DailyMetricsRecord[]> {
    if (athleteIds.length === 0) return [];
    const docs = await this.m
      .find({ athleteId: { $in: [...athleteIds] }, date: { $gte: from, $lte: to } }, { sources: 0 })
      .sort({ athleteId: 1, date: 1 })
      .lean<DailyMetricsDoc[]>()
      .exec();
    return docs.map(toRecord);
  }
  async put(r: DailyMetricsRecord): Promise<void> {
    const sources = r.sources.map((s) => ({ ...s, raw: mapKeys(s.raw, escapeKey) as typeof s.raw }));
    const doc = { _id: dailyMetricsId(r.athleteId, r.date), ...r, sources };
    const res = await this.m.replaceOne({ _id: doc._id }, doc, { runValidators: true }).exec();
    if (res.matchedCount > 0) return;
    try {
      await this.m.create(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.m.replaceOne({ _id: doc._id }, doc, { runValidators: true }).exec();
    }
  }
}
