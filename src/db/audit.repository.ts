/** Audit log (AuditRepository) and link codes (LinkCodeRepository). */
import type { Connection, Model } from 'mongoose';
import type { AuditRepository, InsertResult, LinkCodeRepository } from '../core/ports.ts';
import type { AuditEntry, LinkCode } from '../core/types.ts';
import { registerAuditModel, type AuditDoc } from './audit-log.model.ts';
import { registerLinkCodeModel, type LinkCodeDoc } from './link-code.model.ts';
import { insertOne, strip, withId } from './schema-helpers.ts';

export class MongoAuditRepository implements AuditRepository {
  private readonly m: Model<AuditDoc>;
  constructor(conn: Connection) {
    this.m = registerAuditModel(conn);
  }
  async append(e: AuditEntry): Promise<void> {
    const { id, ...rest } = e;
    await this.m.create({ _id: id, ...rest });
  }
  async list(filter: { athleteId?: string; teamId?: string; action?: string; limit?: number }): Promise<AuditEntry[]> {
    const q: Record<string, unknown> = {};
    if (filter.athleteId) q['target.athleteId'] = filter.athleteId;
    if (filter.teamId) q['target.teamId'] = filter.teamId;
    if (filter.action) q.action = filter.action;
    const docs = await this.m.find(q).sort({ at: -1, _id: 1 }).limit(filter.limit ?? 100).lean<AuditDoc[]>().exec();
    return docs.map((d) => {
      const e = withId<AuditEntry>(d);
      // null is meaningful here ("there was none before"); strip() would drop it
      if (d.before === null) e.before = null;
      if (d.after === null) e.after = null;
      return e;
    });
  }
}

export class MongoLinkCodeRepository implements LinkCodeRepository {
  private readonly m: Model<LinkCodeDoc>;
  constructor(conn: Connection) {
    this.m = registerLinkCodeModel(conn);
  }
  insert(c: LinkCode): Promise<InsertResult> {
    const { code, ...rest } = c;
    return insertOne(this.m, { _id: code, ...rest });
  }
  async get(code: string): Promise<LinkCode | null> {
    const d = await this.m.findById(code).lean<LinkCodeDoc>().exec();
    return d ? ({ code: d._id, ...strip(d) } as unknown as LinkCode) : null;
  }
  async markUsed(code: string, at: Date): Promise<void> {
    await this.m.updateOne({ _id: code }, { $set: { usedAt: at } }).exec();
  }
}
