/** TwinParams (TwinParamsRepository): append = insert version latest+1, retried when another writer won. */
import type { Connection, Model } from 'mongoose';
import type { TwinParamsRepository } from '../core/ports.ts';
import type { TwinParamsRecord } from '../core/types.ts';
import { isDuplicateKey, strip } from './schema-helpers.ts';
import { registerTwinParamsModel, twinParamsId, type TwinParamsDoc } from './twin-params.model.ts';

const toRecord = (d: TwinParamsDoc) => strip(d) as unknown as TwinParamsRecord;

export class MongoTwinParamsRepository implements TwinParamsRepository {
  private readonly m: Model<TwinParamsDoc>;
  constructor(conn: Connection) {
    this.m = registerTwinParamsModel(conn);
  }
  async latest(athleteId: string): Promise<TwinParamsRecord | null> {
    const d = await this.m.findOne({ athleteId }).sort({ version: -1 }).lean<TwinParamsDoc>().exec();
    return d ? toRecord(d) : null;
  }
  async append(entry: Omit<TwinParamsRecord, 'version'>): Promise<TwinParamsRecord> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const version = ((await this.latest(entry.athleteId))?.version ?? 0) + 1;
      const rec: TwinParamsRecord = { ...entry, version };
      try {
        await this.m.create({ _id: twinParamsId(entry.athleteId, version), ...rec });
        return rec;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`twin params for ${entry.athleteId}: could not append after 20 lost races`);
  }
  async list(athleteId: string): Promise<TwinParamsRecord[]> {
    return (await this.m.find({ athleteId }).sort({ version: 1 }).lean<TwinParamsDoc[]>().exec()).map(toRecord);
  }
}
