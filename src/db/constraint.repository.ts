/** Constraints (ConstraintRepository). */
import type { Connection, Model } from 'mongoose';
import type { ConstraintRepository } from '../core/ports.ts';
import type { ConstraintRecord } from '../core/types.ts';
import { registerConstraintModel, type ConstraintDoc } from './constraint.model.ts';
import { withId } from './schema-helpers.ts';

export class MongoConstraintRepository implements ConstraintRepository {
  private readonly m: Model<ConstraintDoc>;
  constructor(conn: Connection) {
    this.m = registerConstraintModel(conn);
  }
  async insert(c: ConstraintRecord): Promise<void> {
    const { id, ...rest } = c;
    await this.m.create({ _id: id, ...rest });
  }
  async get(id: string): Promise<ConstraintRecord | null> {
    const d = await this.m.findById(id).lean<ConstraintDoc>().exec();
    return d ? withId<ConstraintRecord>(d) : null;
  }
  async replace(c: ConstraintRecord): Promise<void> {
    const { id, ...rest } = c;
    await this.m.replaceOne({ _id: id }, { _id: id, ...rest }, { runValidators: true }).exec();
  }
  async listActive(athleteIds: readonly string[], from: string, to: string): Promise<ConstraintRecord[]> {
    if (athleteIds.length === 0) return [];
    // The open end (`to` absent) is filtered in JS: "missing or ≥ from" differs subtly between servers.
    const docs = await this.m.find({ athleteId: { $in: [...athleteIds] }, active: true, from: { $lte: to } }).lean<ConstraintDoc[]>().exec();
    return docs.filter((d) => d.to === undefined || d.to === null || d.to >= from).map((d) => withId<ConstraintRecord>(d));
  }
  async listForAthlete(athleteId: string, options: { includeInactive?: boolean } = {}): Promise<ConstraintRecord[]> {
    const q: Record<string, unknown> = { athleteId };
    if (!options.includeInactive) q.active = true;
    return (await this.m.find(q).sort({ from: 1, createdAt: 1 }).lean<ConstraintDoc[]>().exec()).map((d) => withId<ConstraintRecord>(d));
  }
}
