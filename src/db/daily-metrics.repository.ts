/** DailyMetrics (DailyMetricsRepository). */
import type { Connection, Model } from 'mongoose';
import type { DailyMetricsRepository } from '../core/ports.ts';
import type { DailyMetricsRecord } from '../core/types.ts';
import { dailyMetricsId, registerDailyMetricsModel, type DailyMetricsDoc } from './daily-metrics.model.ts';
import { isDuplicateKey, strip } from './schema-helpers.ts';

function toRecord(d: DailyMetricsDoc): DailyMetricsRecord {
  return { ...(strip(d) as unknown as DailyMetricsRecord), fields: d.fields ?? {}, sources: d.sources ?? [], workouts: d.workouts ?? [] };
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
    const doc = { _id: dailyMetricsId(r.athleteId, r.date), ...r };
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
