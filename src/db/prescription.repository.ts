/** Prescriptions (PrescriptionRepository). insertMany reports duplicates instead of failing the batch. */
import type { Connection, Model } from 'mongoose';
import type { InsertResult, PrescriptionRepository } from '../core/ports.ts';
import { prescriptionIdOf, type PrescriptionRecord } from '../core/types.ts';
import { registerPrescriptionModel, type PrescriptionDoc } from './prescription.model.ts';
import { insertOne, isDuplicateKey, withId } from './schema-helpers.ts';

const LOOKUPS_IN_FLIGHT = 16;

function toRecord(d: PrescriptionDoc): PrescriptionRecord {
  const r = withId<PrescriptionRecord>(d);
  r.state = d.state ?? {};
  r.delivery = d.delivery ?? {};
  r.reasons = d.reasons ?? [];
  r.alternatives = d.alternatives ?? [];
  r.mask = { allowed: d.mask?.allowed ?? [], blocked: d.mask?.blocked ?? [] };
  if (r.override && r.override.previous === undefined) r.override.previous = null;
  return r;
}

const toDoc = (p: PrescriptionRecord) => {
  const { id, ...rest } = p;
  if (id !== prescriptionIdOf(p.athleteId, p.date)) throw new Error(`prescription id ${id} is not prescriptionIdOf(${p.athleteId}, ${p.date}): it could never be found by get()`);
  return { _id: id, ...rest };
};

export class MongoPrescriptionRepository implements PrescriptionRepository {
  private readonly m: Model<PrescriptionDoc>;
  constructor(conn: Connection) {
    this.m = registerPrescriptionModel(conn);
  }
  /** By `_id` (prescriptionIdOf): an index search on MongoDB and on the embedded FerretDB alike. */
  async get(athleteId: string, date: string): Promise<PrescriptionRecord | null> {
    const d = await this.m.findOne({ _id: prescriptionIdOf(athleteId, date) }).lean<PrescriptionDoc>().exec();
    return d ? toRecord(d) : null;
  }
  /**
   * One `_id` lookup per athlete-day, LOOKUPS_IN_FLIGHT at a time. A single {_id: {$in}} query would be
   * one round-trip on MongoDB, but the embedded FerretDB answers only an {_id: value} filter from an index
   * and reads (and decodes) the whole collection for anything else — and this collection grows by one
   * document per athlete-day.
   */
  async findMany(keys: readonly { athleteId: string; date: string }[]): Promise<PrescriptionRecord[]> {
    const ids = [...new Set(keys.map((k) => prescriptionIdOf(k.athleteId, k.date)))];
    const found: (PrescriptionRecord | null)[] = new Array(ids.length).fill(null);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ids.length; i = next++) {
        const d = await this.m.findOne({ _id: ids[i]! }).lean<PrescriptionDoc>().exec();
        if (d) found[i] = toRecord(d);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUPS_IN_FLIGHT, ids.length) }, worker));
    return found.filter((r): r is PrescriptionRecord => r !== null);
  }
  async listForDate(athleteIds: readonly string[], date: string): Promise<PrescriptionRecord[]> {
    if (athleteIds.length === 0) return [];
    return (await this.m.find({ athleteId: { $in: [...athleteIds] }, date }).sort({ athleteId: 1 }).lean<PrescriptionDoc[]>().exec()).map(toRecord);
  }
  async listRange(athleteIds: readonly string[], from: string, to: string): Promise<PrescriptionRecord[]> {
    if (athleteIds.length === 0) return [];
    return (
      await this.m
        .find({ athleteId: { $in: [...athleteIds] }, date: { $gte: from, $lte: to } })
        .sort({ athleteId: 1, date: 1 })
        .lean<PrescriptionDoc[]>()
        .exec()
    ).map(toRecord);
  }
  insert(p: PrescriptionRecord): Promise<InsertResult> {
    return insertOne(this.m, toDoc(p));
  }
  async insertMany(ps: readonly PrescriptionRecord[]): Promise<{ duplicates: string[] }> {
    if (ps.length === 0) return { duplicates: [] };
    try {
      await this.m.insertMany(ps.map(toDoc), { ordered: false });
      return { duplicates: [] };
    } catch (err) {
      const writeErrors = (err as { writeErrors?: { index?: number; code?: number; err?: { index?: number; code?: number } }[] }).writeErrors;
      if (!Array.isArray(writeErrors) || writeErrors.length === 0) {
        if (isDuplicateKey(err) && ps.length === 1) return { duplicates: [`${ps[0]!.athleteId}|${ps[0]!.date}`] };
        throw err;
      }
      const duplicates: string[] = [];
      for (const w of writeErrors) {
        const code = w.code ?? w.err?.code;
        const index = w.index ?? w.err?.index;
        if (code !== 11000 || index === undefined) throw err;
        const p = ps[index]!;
        duplicates.push(`${p.athleteId}|${p.date}`);
      }
      return { duplicates };
    }
  }
  async replace(p: PrescriptionRecord): Promise<void> {
    const { _id, ...rest } = toDoc(p);
    await this.m.replaceOne({ _id }, { _id, ...rest }, { runValidators: true }).exec();
  }
}
