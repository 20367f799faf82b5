/** Feedback (FeedbackRepository). */
import type { Connection, Model } from 'mongoose';
import type { FeedbackRepository, InsertResult } from '../core/ports.ts';
import type { FeedbackRecord } from '../core/types.ts';
import { registerFeedbackModel, type FeedbackDoc } from './feedback.model.ts';
import { insertOne, withId } from './schema-helpers.ts';

const toRecord = (d: FeedbackDoc): FeedbackRecord => ({ ...withId<FeedbackRecord>(d), tests: d.tests ?? [] });

export class MongoFeedbackRepository implements FeedbackRepository {
  private readonly m: Model<FeedbackDoc>;
  constructor(conn: Connection) {
    this.m = registerFeedbackModel(conn);
  }
  async get(athleteId: string, date: string, slot: string): Promise<FeedbackRecord | null> {
    const d = await this.m.findOne({ athleteId, date, slot }).lean<FeedbackDoc>().exec();
    return d ? toRecord(d) : null;
  }
  async listRange(athleteIds: readonly string[], from: string, to: string): Promise<FeedbackRecord[]> {
    if (athleteIds.length === 0) return [];
    const docs = await this.m
      .find({ athleteId: { $in: [...athleteIds] }, date: { $gte: from, $lte: to } })
      .sort({ athleteId: 1, date: 1, slot: 1 })
      .lean<FeedbackDoc[]>()
      .exec();
    return docs.map(toRecord);
  }
  insert(f: FeedbackRecord): Promise<InsertResult> {
    const { id, ...rest } = f;
    return insertOne(this.m, { _id: id, ...rest });
  }
  async replace(f: FeedbackRecord): Promise<void> {
    const { id, ...rest } = f;
    await this.m.replaceOne({ _id: id }, { _id: id, ...rest }, { runValidators: true }).exec();
  }
}
