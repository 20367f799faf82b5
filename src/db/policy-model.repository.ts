/** Policy models and the activation pointer chain (PolicyModelRepository). */
import type { Connection, Model } from 'mongoose';
import type { PolicyModelRepository } from '../core/ports.ts';
import type { PolicyActivation, PolicyModelRecord } from '../core/types.ts';
import {
  registerPolicyActivationModel,
  registerPolicyModelModel,
  type PolicyActivationDoc,
  type PolicyModelDoc,
} from './policy-model.model.ts';
import { isDuplicateKey, strip, toBuffer, withId } from './schema-helpers.ts';

function toRecord(d: PolicyModelDoc): PolicyModelRecord {
  const r = withId<PolicyModelRecord>(d);
  r.weights = new Uint8Array(toBuffer(d.weights));
  return r;
}

export class MongoPolicyModelRepository implements PolicyModelRepository {
  private readonly m: Model<PolicyModelDoc>;
  private readonly a: Model<PolicyActivationDoc>;
  constructor(
    conn: Connection,
    private readonly newId: () => string,
  ) {
    this.m = registerPolicyModelModel(conn);
    this.a = registerPolicyActivationModel(conn);
  }
  async publish(model: Omit<PolicyModelRecord, 'version' | 'id'>): Promise<PolicyModelRecord> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const last = await this.m.findOne({ name: model.name }, { version: 1 }).sort({ version: -1 }).lean().exec();
      const rec: PolicyModelRecord = { ...model, id: this.newId(), version: (last?.version ?? 0) + 1 };
      try {
        const { id, weights, ...rest } = rec;
        await this.m.create({ _id: id, ...rest, weights: Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength) });
        return rec;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`policy model ${model.name}: could not publish after 20 lost races`);
  }
  async get(id: string): Promise<PolicyModelRecord | null> {
    const d = await this.m.findById(id).lean<PolicyModelDoc>().exec();
    return d ? toRecord(d) : null;
  }
  async list(name?: string): Promise<Omit<PolicyModelRecord, 'weights'>[]> {
    const docs = await this.m.find(name ? { name } : {}, { weights: 0 }).sort({ name: 1, version: 1 }).lean().exec();
    return docs.map((d) => withId<Omit<PolicyModelRecord, 'weights'>>(d));
  }
  async activate(modelId: string, by: string, at: Date, reason?: string): Promise<PolicyActivation> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const last = await this.a.findOne({}).sort({ seq: -1 }).lean<PolicyActivationDoc>().exec();
      const act: PolicyActivation = { seq: (last?.seq ?? 0) + 1, modelId, by, at };
      if (reason !== undefined) act.reason = reason;
      try {
        await this.a.create({ _id: `active#${act.seq}`, ...act });
        return act;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error('policy activation: could not insert after 20 lost races');
  }
  async active(): Promise<{ model: PolicyModelRecord; activation: PolicyActivation } | null> {
    const last = await this.a.findOne({}).sort({ seq: -1 }).lean<PolicyActivationDoc>().exec();
    if (!last) return null;
    const model = await this.get(last.modelId);
    return model ? { model, activation: strip(last) as unknown as PolicyActivation } : null;
  }
}
